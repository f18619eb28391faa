import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { leadIdFor } from '../../../domain';
import { createApiKey } from '../../../db/api-keys';
import { inboundLead } from '../../support/intake';
import { bearer, createApiHarness, leadUntil, type ApiHarness } from './api-harness';

let h: ApiHarness;

beforeAll(async () => {
  h = await createApiHarness('intake', [{ repId: 'api-intake-ss-1', team: 'solution_specialist' }]);
});

afterAll(() => h?.close());

const post = (body: unknown, key = h.keys.intake) => request(h.app).post('/v1/leads').set(bearer(key)).send(body as object);

async function workflowRuns(leadId: string): Promise<number> {
  const runs: string[] = [];
  for await (const run of h.env.client.workflow.list({ query: `WorkflowId = '${leadId}'` })) runs.push(run.runId);
  return runs.length;
}

describe('POST /v1/leads', () => {
  it('answers 202 with the lead id and where to read it, and the lead starts', async () => {
    const intake = inboundLead();
    const res = await post(intake);
    expect(res.status).toBe(202);
    const leadId = leadIdFor(intake.contact.email, intake.domain);
    expect(res.body).toEqual({ leadId, status: 'accepted' });
    expect(res.headers.location).toBe(`/v1/leads/${leadId}`);
    const routed = await leadUntil(h, leadId, (v) => v.stage === 'awaiting_discovery');
    expect(routed.companyName).toBe(intake.companyName);
  });

  it('gives the same lead id for the same contact email and company domain, starting no second workflow', async () => {
    const intake = inboundLead();
    const first = await post(intake).expect(202);
    await leadUntil(h, first.body.leadId, (v) => v.stage === 'awaiting_discovery');
    // Same person, written differently: upper-case email, the website instead of the bare domain.
    const again = await post({ ...intake, domain: `https://www.${intake.domain}/contact`, contact: { ...intake.contact, email: intake.contact.email.toUpperCase() } });
    expect(again.status).toBe(202);
    expect(again.body).toEqual({ leadId: first.body.leadId, status: 'duplicate' });
    await leadUntil(h, first.body.leadId, (v) => v.events.some((e) => e.type === 'resubmitted'));
    expect(await workflowRuns(first.body.leadId)).toBe(1);
  });

  it('replays an Idempotency-Key with the first answer, and refuses the key with a different body', async () => {
    const key = randomUUID();
    const intake = inboundLead();
    const [a, b] = await Promise.all([post(intake).set('Idempotency-Key', key), post(intake).set('Idempotency-Key', key)]);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.body.leadId).toBe(b.body.leadId);
    expect([a.body.status, b.body.status].sort()).toEqual(['accepted', 'duplicate']);
    const replay = await post(intake).set('Idempotency-Key', key);
    expect(replay.status).toBe(202);
    expect(replay.body).toEqual({ leadId: a.body.leadId, status: 'duplicate' });
    // A replay hands nothing to the workflow: no resubmission event.
    const view = await leadUntil(h, a.body.leadId, (v) => v.stage === 'awaiting_discovery');
    expect(view.events.filter((e) => e.type === 'resubmitted')).toEqual([]);

    const other = await post(inboundLead()).set('Idempotency-Key', key);
    expect(other.status).toBe(422);
    expect(other.body.errors).toEqual([{ field: 'Idempotency-Key', message: expect.any(String) }]);
    expect((await post(inboundLead()).set('Idempotency-Key', 'has spaces in it')).status).toBe(400);
  });

  it('lists every failing field: missing, wrong type, bad email, unknown field (422)', async () => {
    const { contact, ...withoutContact } = inboundLead();
    const missing = await post(withoutContact);
    expect(missing.status).toBe(422);
    expect(missing.body).toMatchObject({ status: 422, title: 'Unprocessable content', errors: [{ field: 'contact', message: expect.any(String) }] });

    const wrong = await post({ ...inboundLead(), employeeCount: 'lots', primaryInterest: 'firewalls' });
    expect(wrong.status).toBe(422);
    expect((wrong.body.errors as Array<{ field: string }>).map((e) => e.field).sort()).toEqual(['employeeCount', 'primaryInterest']);

    const badEmail = await post({ ...inboundLead(), contact: { ...contact, email: 'jordan at acme' } });
    expect(badEmail.status).toBe(422);
    expect(badEmail.body.errors).toEqual([{ field: 'contact.email', message: expect.stringMatching(/valid email/) }]);

    const unknown = await post({ ...inboundLead(), budget: 100_000, contact: { ...contact, linkedin: 'x' } });
    expect(unknown.status).toBe(422);
    expect((unknown.body.errors as Array<{ field: string; message: string }>).sort((x, y) => x.field.localeCompare(y.field))).toEqual([
      { field: 'budget', message: 'Unknown field' },
      { field: 'contact.linkedin', message: 'Unknown field' },
    ]);

    const notAnObject = await request(h.app).post('/v1/leads').set(bearer(h.keys.intake)).set('Content-Type', 'application/json').send('[1,2]');
    expect(notAnObject.status).toBe(422);
    // Nothing of the above reached Temporal.
    expect(await workflowRuns(leadIdFor(contact.email, withoutContact.domain))).toBe(0);
  });

  it('refuses a wrong content type (415), broken JSON (400), an empty body (400) and an oversized body (413)', async () => {
    const form = await request(h.app).post('/v1/leads').set(bearer(h.keys.intake)).type('form').send({ companyName: 'Acme' });
    expect(form.status).toBe(415);
    expect(form.headers['content-type']).toMatch(/application\/problem\+json/);
    const broken = await request(h.app).post('/v1/leads').set(bearer(h.keys.intake)).set('Content-Type', 'application/json').send('{"companyName":');
    expect(broken.status).toBe(400);
    const empty = await request(h.app).post('/v1/leads').set(bearer(h.keys.intake)).set('Content-Type', 'application/json');
    expect(empty.status).toBe(400);
    const huge = await post({ ...inboundLead(), message: 'x'.repeat(400_000) });
    expect(huge.status).toBe(413);
    expect(huge.body).toMatchObject({ status: 413, title: 'Payload too large' });
  });

  it('answers hostile input with a 4xx, never a 500', async () => {
    const raw = (body: string, type = 'application/json') => request(h.app).post('/v1/leads').set(bearer(h.keys.intake)).set('Content-Type', type).send(body);
    const proto = await raw(JSON.stringify(inboundLead()).replace('{', '{"__proto__":{"admin":true},'));
    expect(proto.status).toBe(422);
    expect(proto.body.errors).toEqual([{ field: '__proto__', message: 'Unknown field' }]);
    expect((await raw('null')).status).toBe(400);
    expect((await raw(JSON.stringify({ ...inboundLead(), employeeCount: 1 }).replace('"employeeCount":1', '"employeeCount":1e400'))).status).toBe(422);
    expect((await raw(`{"companyName":${'['.repeat(5_000)}${']'.repeat(5_000)}}`)).status).toBe(422);
    expect((await raw('{}', 'application/json; charset=latin1')).status).toBe(415);
    const badPath = await request(h.app).get('/v1/leads/%E0%A4%A').set(bearer(h.keys.manager));
    expect(badPath.status).toBeGreaterThanOrEqual(400);
    expect(badPath.status).toBeLessThan(500);
  });

  it('limits intake per key per minute (429 with Retry-After); other keys are not affected', async () => {
    const limited = h.appWith({ INTAKE_RATE_LIMIT_PER_MINUTE: 2 });
    // Fresh keys: budgets live in the database, shared with every other app and test that used a key this minute.
    const [key, other] = await Promise.all([createApiKey(h.pool, { role: 'intake' }), createApiKey(h.pool, { role: 'intake' })]);
    const send = (k: string) => request(limited).post('/v1/leads').set(bearer(k)).send(inboundLead());
    expect((await send(key.key)).status).toBe(202);
    expect((await send(key.key)).status).toBe(202);
    const third = await send(key.key);
    expect(third.status).toBe(429);
    expect(third.headers['retry-after']).toMatch(/^\d+$/);
    expect(third.body).toMatchObject({ status: 429, title: 'Too many requests' });
    expect((await send(other.key)).status).toBe(202);
  });
});

describe('POST /v1/leads/import', () => {
  const header = 'companyName,domain,contact.name,contact.email,contact.title,primaryInterest,industry,employeeCount,region,regulations,message';
  const csvRow = (tag: string, overrides: Partial<Record<string, string>> = {}) => {
    const domain = `outbound-${tag}.com`;
    const cells: Record<string, string> = {
      companyName: `"Outbound ${tag}, Inc."`,
      domain,
      'contact.name': 'Sam Rivera',
      'contact.email': `sam@${domain}`,
      'contact.title': 'VP Security',
      primaryInterest: 'monitoring',
      industry: 'financial services',
      employeeCount: '2500',
      region: 'north america',
      regulations: 'pci-dss;sox',
      message: 'Expanding to cloud workloads; need 24x7 monitoring across AWS and Okta',
      ...overrides,
    };
    return header.split(',').map((c) => cells[c] ?? '').join(',');
  };
  const importCsv = (text: string, key = h.keys.intake) => request(h.app).post('/v1/leads/import').set(bearer(key)).set('Content-Type', 'text/csv').send(text);

  it('reports every row: accepted, duplicate in the file, already known, invalid with fields, unreadable', async () => {
    const tag = randomUUID().slice(0, 8);
    const known = inboundLead();
    await post(known).expect(202);
    const knownRow = [`Known ${tag}`, known.domain, 'Jordan Lee', known.contact.email, 'CISO', 'monitoring', '', '', '', '', ''].join(',');
    const lines = [
      header,
      csvRow(`${tag}-a`), // 2 accepted
      csvRow(`${tag}-b`), // 3 accepted
      csvRow(`${tag}-a`), // 4 duplicate of row 2
      csvRow(`${tag}-c`, { 'contact.email': 'not-an-email', employeeCount: 'many' }), // 5 invalid
      knownRow, // 6 duplicate: already a lead
      `${csvRow(`${tag}-d`)},extra-cell`, // 7 invalid: too many cells
      csvRow(`${tag}-e`, { primaryInterest: '' }), // 8 invalid: missing field
      csvRow(`${tag}-f`, { companyName: 'Acme "Labs"' }), // 9 invalid: a stray quote
      csvRow(`${tag}-g`), // 10 accepted: the broken row before it changes nothing
    ];
    const res = await importCsv(`${lines.join('\n')}\n`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 9, accepted: 3, duplicate: 2, invalid: 4, failed: 0 });
    type Row = { row: number; status: string; leadId: string; reason?: string; errors: Array<{ field: string }> };
    const byRow: Record<number, Row> = Object.fromEntries((res.body.rows as Row[]).map((r) => [r.row, r]));
    expect(byRow[2]).toMatchObject({ status: 'accepted', leadId: leadIdFor(`sam@outbound-${tag}-a.com`, `outbound-${tag}-a.com`) });
    expect(byRow[3]).toMatchObject({ status: 'accepted' });
    expect(byRow[4]).toMatchObject({ status: 'duplicate', reason: expect.stringMatching(/row 2/) });
    expect(byRow[5]).toMatchObject({ status: 'invalid' });
    expect(byRow[5]!.errors.map((e) => e.field).sort()).toEqual(['contact.email', 'employeeCount']);
    expect(byRow[6]).toMatchObject({ status: 'duplicate', leadId: leadIdFor(known.contact.email, known.domain) });
    expect(byRow[7]).toMatchObject({ status: 'invalid', reason: expect.stringMatching(/12 cells/) });
    expect(byRow[8]).toMatchObject({ status: 'invalid', errors: [{ field: 'primaryInterest', message: expect.any(String) }] });
    expect(byRow[9]).toMatchObject({ status: 'invalid', reason: expect.stringMatching(/Unreadable CSV/) });
    expect(byRow[10]).toMatchObject({ status: 'accepted' });

    // Imported leads come from an outbound list and are routed like any other.
    const imported = await leadUntil(h, byRow[2]!.leadId, (v) => v.stage === 'awaiting_discovery');
    expect(imported.companyName).toBe(`Outbound ${tag}-a, Inc.`);
    const row = await h.pool.query('SELECT source FROM leads WHERE lead_id = $1', [byRow[2]!.leadId]);
    expect(row.rows[0].source).toBe('outbound_list');

    // The same file again starts nothing new.
    const again = await importCsv(`${lines.join('\n')}\n`);
    expect(again.body).toMatchObject({ accepted: 0, duplicate: 5, invalid: 4 });
  });

  it('refuses a file it cannot use as a whole: unknown columns (400), not CSV (415), only a header (400), wrong role (403)', async () => {
    const unknown = await importCsv(`${header},favouriteColour\n`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([{ field: 'favouriteColour', message: 'Unknown column' }]);
    const missingColumn = await importCsv('companyName,domain\nAcme,acme.com\n');
    expect(missingColumn.status).toBe(400);
    expect((missingColumn.body.errors as Array<{ field: string }>).map((e) => e.field)).toContain('contact.email');
    const json = await request(h.app).post('/v1/leads/import').set(bearer(h.keys.intake)).send({ rows: [] });
    expect(json.status).toBe(415);
    expect((await importCsv(`${header}\n`)).status).toBe(400);
    const rep = await importCsv(`${header}\n${csvRow('x')}\n`, await h.repKey('api-intake-ss-1'));
    expect(rep.status).toBe(403);
  });
});
