/**
 * Hostile traffic against the live API (createApp on the real Temporal dev
 * server and PostgreSQL, with a worker running the leads): fast-check
 * generates thousands of requests across every route, method, role and kind of
 * malformed input. Every answer must be below 500, arrive at all, and be
 * problem+json when it is an error. Afterwards nothing the service logged (the
 * API's log and the worker's SDK log) may contain the test's contact data or
 * any key secret.
 */
import { Writable } from 'node:stream';
import fc from 'fast-check';
import request from 'supertest';
import { createApp } from '../../../api/app';
import { loadConfig } from '../../../config/config';
import { createApiKey, keyIdOf, revokeApiKey } from '../../../db/api-keys';
import type { LeadIntake } from '../../../domain';
import { createLogger } from '../../../platform/logger';
import { AesGcmPayloadCodec } from '../../../platform/payload-codec';
import { TEST_BUDGETS } from '../../support/budgets';
import { qualifyingDiscovery } from '../../support/discovery';
import { inboundLead } from '../../support/intake';
import { TEST_PAYLOAD_KEYS } from '../../support/payload-keys';
import { installRuntimeCapturing } from '../../support/temporal';
import { createApiHarness, postRoutedLead, type ApiHarness } from './api-harness';

const RUNS = Number(process.env.FUZZ_RUNS ?? 5_000);
jest.setTimeout(240_000);

/** Contacts whose details must never reach a log line: every valid body the fuzzer sends uses one of these. */
const CONTACTS = [
  { name: 'Ottilie Brackenridge', email: 'ottilie.brackenridge@fuzz-a.example', phone: '+1 212 555 0147', title: 'CISO' },
  { name: 'Ignatius Oyelaran-Pike', email: 'ignatius.op@fuzz-b.example', phone: '+44 161 496 0732', title: 'Head of IT' },
];
const NOTE = 'Fuzzing note: procurement blocked by the Vexley acquisition';

let h: ApiHarness;
let app: ReturnType<typeof createApp>;
const logLines: string[] = [];
let keys: Record<string, string>;
let leads: { owned: string; others: string };

beforeAll(async () => {
  installRuntimeCapturing((line) => logLines.push(line));
  h = await createApiHarness('fuzz', [{ repId: 'fuzz-ss-1', team: 'solution_specialist' }, { repId: 'fuzz-ss-2', team: 'solution_specialist' }]);
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (logLines.push(chunk.toString()), done()) });
  const config = loadConfig({ ...TEST_BUDGETS, SEED_DEMO_DATA: 'false' });
  app = createApp({
    temporal: h.env.client, namespace: 'default', taskQueue: h.taskQueue, pool: h.pool, config,
    log: createLogger('debug', { component: 'api' }, sink),
    payloadCodec: new AesGcmPayloadCodec(TEST_PAYLOAD_KEYS),
  });
  const owned = await postRoutedLead(h, { contact: CONTACTS[0]!, domain: 'fuzz-a.example', companyName: 'Fuzz A Corp' });
  const others = await postRoutedLead(h, { contact: CONTACTS[1]!, domain: 'fuzz-b.example', companyName: 'Fuzz B Corp' });
  const ownerKey = owned.ownerKey;
  const otherRep = others.view.owner === owned.view.owner ? (owned.view.owner === 'fuzz-ss-1' ? 'fuzz-ss-2' : 'fuzz-ss-1') : others.view.owner!;
  const revoked = await createApiKey(h.pool, { role: 'manager' });
  await revokeApiKey(h.pool, revoked.keyId);
  keys = { intake: h.keys.intake, manager: h.keys.manager, owner: ownerKey, otherRep: await h.repKey(otherRep), revoked: revoked.key };
  leads = { owned: owned.leadId, others: others.leadId };
}, 120_000);

afterAll(() => h?.close());

// ---- generators -------------------------------------------------------------

const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('', ' ', '../../etc/passwd', '%00', '\u0000', '<script>alert(1)</script>', "' OR 1=1 --", '${jndi:ldap://x}', '__proto__', 'constructor', 'NaN', '-1', '1e309', '😀'.repeat(50)),
  fc.integer({ min: 1_000, max: 300_000 }).map((n) => 'x'.repeat(n)),
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(hostileString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 3 }));

const validIntake = fc.constantFrom(...CONTACTS).map((contact): LeadIntake => ({ ...inboundLead({ contact }), message: NOTE }));
const validBodies: Record<string, fc.Arbitrary<unknown>> = {
  intake: validIntake,
  discovery: fc.constant(qualifyingDiscovery({ notes: NOTE })),
  scope: fc.constant({ logAccess: 'yes', onboardingTeamAvailable: 'yes', integrations: ['siem'] }),
  commercial: fc.constant({ activePlan: 'pilot' }),
  disqualify: fc.constant({ reason: 'timing_later', note: NOTE }),
  engagement: fc.constant({ type: 'replied', detail: NOTE }),
  reengage: fc.constant({}),
  simulate: fc.constant({ leads: { ids: [] } }),
  codec: fc.constant({ payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from(JSON.stringify(CONTACTS[0])).toString('base64') }] }),
};

/** A valid body with one field replaced, removed or added: the commonest real mistake. */
function mutated(kind: string): fc.Arbitrary<unknown> {
  return fc.tuple(validBodies[kind] ?? fc.constant({}), fc.string({ maxLength: 12 }), hostileValue, fc.boolean()).map(([body, extra, value, replace]) => {
    if (typeof body !== 'object' || body === null) return body;
    const copy: Record<string, unknown> = { ...(body as Record<string, unknown>) };
    const fields = Object.keys(copy);
    const target = replace && fields.length > 0 ? fields[extra.length % fields.length]! : extra;
    copy[target] = value;
    return copy;
  });
}

type Body = { kind: 'json'; value: unknown } | { kind: 'raw'; type: string; text: string } | { kind: 'none' };
const bodyFor = (kind: string): fc.Arbitrary<Body> =>
  fc.oneof(
    { weight: 1, arbitrary: (validBodies[kind] ?? fc.constant({})).map((value): Body => ({ kind: 'json', value })) },
    { weight: 4, arbitrary: mutated(kind).map((value): Body => ({ kind: 'json', value })) },
    { weight: 2, arbitrary: hostileValue.map((value): Body => ({ kind: 'json', value })) },
    {
      weight: 2,
      arbitrary: fc
        .record({
          type: fc.constantFrom('application/json', 'text/csv', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', 'multipart/form-data; boundary=x', 'application/xml'),
          text: fc.oneof(hostileString, fc.constantFrom('{', '{"a":', '[]', 'null', 'companyName,domain\n"unterminated', '\uFEFF{}', 'key=lg_x&key=y')),
        })
        .map((raw): Body => ({ kind: 'raw', ...raw })),
    },
    { weight: 1, arbitrary: fc.constant<Body>({ kind: 'none' }) },
  );

const csvCell = fc.oneof(fc.constantFrom(...CONTACTS.map((c) => c.email), ...CONTACTS.map((c) => c.name), 'monitoring', 'CISO', 'fuzz-a.example'), hostileString.map((s) => s.slice(0, 200)));
const csvBody = fc
  .tuple(
    fc.constantFrom('companyName,domain,contact.name,contact.email,contact.title,primaryInterest', 'companyName,domain', 'a,b,c', ''),
    fc.array(fc.array(csvCell, { maxLength: 7 }).map((cells) => cells.map((c) => (c.includes(',') || c.includes('"') ? `"${c.replaceAll('"', '""')}"` : c)).join(',')), { maxLength: 5 }),
  )
  .map(([header, rows]): Body => ({ kind: 'raw', type: 'text/csv', text: [header, ...rows].join('\n') }));

const leadId = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('owned', 'others').map((which) => leads[which as keyof typeof leads]) },
  { weight: 1, arbitrary: fc.constant('lead_00000000000000000000') },
  { weight: 2, arbitrary: hostileString.map((s) => encodeURIComponent(s.slice(0, 300))) },
  { weight: 1, arbitrary: fc.constantFrom('%E0%A4%A', '..%2F..', 'lead_%00', '%', '%%', 'lead_0123456789abcdef012%2F') },
);

const auth = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('intake', 'manager', 'owner', 'otherRep', 'revoked').map((role) => ({ Authorization: `Bearer ${keys[role]}` })) },
  { weight: 1, arbitrary: fc.constant({}) },
  { weight: 1, arbitrary: fc.constantFrom('Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', `bearer ${'a'.repeat(5000)}`, 'Bearer lg_0000000000000000_x', `Bearer ${'lg_'}${'f'.repeat(16)}_${'A'.repeat(43)}`).map((v) => ({ Authorization: v })) },
);

const extraHeaders = fc.record(
  {
    'X-Request-Id': fc.oneof(fc.uuid(), hostileString.map((s) => s.replace(/[^\x20-\x7e]/g, '').slice(0, 300))),
    'Idempotency-Key': hostileString.map((s) => s.replace(/[^\x20-\x7e]/g, '').slice(0, 300)),
    'X-Namespace': fc.constantFrom('default', 'other', ''),
    Origin: fc.constantFrom('http://localhost:8233', 'https://evil.example'),
  },
  { requiredKeys: [] },
);

const query = fc.dictionary(fc.constantFrom('stage', 'team', 'owner', 'limit', 'cursor', 'from', 'to', 'outcome', 'lifecycle', 'source', 'createdFrom', 'x'), hostileString.map((s) => s.slice(0, 200)), { maxKeys: 3 });

type Call = { method: string; path: string; body: Body; query: Record<string, string>; headers: Record<string, string> };
const ACTIONS = ['discovery', 'scope', 'commercial', 'disqualify', 'engagement', 'reengage'];

const call: fc.Arbitrary<Call> = fc
  .tuple(
    fc.oneof(
      fc.constant({ method: 'post', path: '/v1/leads', body: bodyFor('intake') }),
      fc.constant({ method: 'get', path: '/v1/leads', body: fc.constant<Body>({ kind: 'none' }) }),
      leadId.map((id) => ({ method: 'get', path: `/v1/leads/${id}`, body: fc.constant<Body>({ kind: 'none' }) })),
      fc.tuple(leadId, fc.constantFrom(...ACTIONS)).map(([id, action]) => ({ method: 'post', path: `/v1/leads/${id}/${action}`, body: bodyFor(action) })),
      fc.constant({ method: 'post', path: '/v1/leads/import', body: fc.oneof(csvBody, bodyFor('import')) }),
      fc.constant({ method: 'get', path: '/v1/reports/funnel', body: fc.constant<Body>({ kind: 'none' }) }),
      fc.constant({ method: 'get', path: '/v1/rules/active', body: fc.constant<Body>({ kind: 'none' }) }),
      fc.constant({ method: 'post', path: '/v1/rules/simulate', body: bodyFor('simulate') }),
      fc.constantFrom('/codec/decode', '/codec/encode').map((path) => ({ method: 'post', path, body: bodyFor('codec') })),
      fc.constant({ method: 'post', path: '/codec/login', body: bodyFor('login') }),
      fc.constantFrom('/healthz', '/readyz', '/metrics', '/openapi.json', '/docs', '/codec/login').map((path) => ({ method: 'get', path, body: fc.constant<Body>({ kind: 'none' }) })),
      fc.tuple(fc.constantFrom('put', 'patch', 'delete', 'options', 'head', 'get', 'post'), hostileString).map(([method, p]) => ({
        method, path: `/${encodeURIComponent(p.slice(0, 200))}`, body: fc.constant<Body>({ kind: 'none' }),
      })),
      fc.tuple(fc.constantFrom('put', 'patch', 'delete'), leadId).map(([method, id]) => ({ method, path: `/v1/leads/${id}`, body: bodyFor('intake') })),
    ).chain((route) => route.body.map((body) => ({ method: route.method, path: route.path, body }))),
    query,
    auth,
    extraHeaders,
  )
  .map(([route, q, a, extra]) => ({ ...route, query: q, headers: { ...a, ...extra } as Record<string, string> }));

async function send(c: Call): Promise<request.Response> {
  let req = (request(app) as unknown as Record<string, (path: string) => request.Test>)[c.method]!(c.path).query(c.query).timeout(20_000);
  for (const [name, value] of Object.entries(c.headers)) req = req.set(name, value);
  if (c.body.kind === 'json') return req.set('Content-Type', 'application/json').send(JSON.stringify(c.body.value) ?? 'null');
  if (c.body.kind === 'raw') return req.set('Content-Type', c.body.type).send(c.body.text);
  return req;
}

const describeCall = (c: Call) => JSON.stringify({ ...c, body: JSON.stringify(c.body).slice(0, 300) });

it(`answers ${RUNS} generated hostile requests across every route and role without a 5xx, a hang or a non-problem error`, async () => {
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(call, async (c) => {
      const res = await send(c);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500) throw new Error(`${res.status} for ${describeCall(c)}: ${res.text.slice(0, 300)}`);
      if (res.status >= 400 && c.method !== 'head') {
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body).toMatchObject({ status: res.status, title: expect.any(String), type: expect.any(String) });
      }
    }),
    { numRuns: RUNS, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined, endOnFailure: true },
  );
  if (process.env.FUZZ_REPORT) console.log(JSON.stringify(Object.fromEntries([...statuses].sort(([x], [y]) => x - y))));
  // The run reached past the front door: successes, refusals of every kind.
  for (const status of [200, 400, 401, 403, 404, 422]) expect({ status, seen: (statuses.get(status) ?? 0) > 0 }).toEqual({ status, seen: true });
});

it('logged no contact name, email, phone, note or key secret along the way', () => {
  expect(logLines.length).toBeGreaterThan(RUNS);
  const secrets = [
    ...CONTACTS.flatMap((c) => [c.name, c.email, c.email.split('@')[0]!, c.phone]),
    NOTE,
    ...Object.values(keys).flatMap((k) => [k, k.slice(-43)]),
  ];
  const log = logLines.join('');
  // The capture works: authenticated requests are there by key id, their secrets are not.
  expect(log).toContain(`"keyId":"${keyIdOf(keys.manager!)}"`);
  expect(log).toMatch(/^INFO Worker state changed/m);
  const leaked = secrets.filter((s) => log.includes(s));
  expect(leaked).toEqual([]);
});
