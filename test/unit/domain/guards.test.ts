/**
 * The workflow's zod-free payload guards must accept, normalise and refuse
 * exactly like the zod schemas the API uses. Generated payloads — plausible
 * ones near every limit, then hostile mutations of them — go through both.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import fc from 'fast-check';
import { inspect, isDeepStrictEqual } from 'node:util';
import type { z } from 'zod';
import {
  CommercialSchema, DiscoverySchema, DisqualifySchema, EngagementEventSchema, LeadIntakeSchema, ScopeSchema,
} from '../../../domain';
import { MESSAGES } from '../../../domain/messages';
import type { GuardResult } from '../../../domain/guards';
import {
  parseCommercial, parseDiscovery, parseDisqualify, parseEngagementEvent, parseLeadIntake, parseScope,
} from '../../../domain/guards';
import {
  ACTIVE_PLANS, CONTACT_ROLES, DISQUALIFY_REASONS, ENGAGEMENT_EVENT_TYPES, INTEGRATIONS, LEAD_SOURCES, LOG_ACCESS, MEETING_TYPES,
  ONBOARDING_TEAM_AVAILABILITY, PRIMARY_INTERESTS, URGENT_ENVIRONMENTS,
} from '../../../domain/vocabulary';

const RUNS = 3_000;

// ---- plausible payloads: well-formed, or with values at and just past the edge of each rule ------------------------

const pad2 = (n: number) => String(n).padStart(2, '0');
const emoji = '\u{1F512}';
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 3 });
/** An object whose optional keys are sometimes absent and sometimes present with `undefined`. */
const object = <T extends Record<string, unknown>>(shape: { [K in keyof T]: fc.Arbitrary<T[K]> }, required: (keyof T)[] = []) =>
  fc.record(shape, { requiredKeys: required });

const calendarDate = (edges: boolean) =>
  fc
    .tuple(
      edges ? fc.oneof(fc.integer({ min: 1896, max: 2104 }), fc.integer({ min: 0, max: 9999 })) : fc.integer({ min: 2020, max: 2030 }),
      edges ? fc.integer({ min: 0, max: 13 }) : fc.integer({ min: 1, max: 12 }),
      edges ? fc.integer({ min: 0, max: 32 }) : fc.integer({ min: 1, max: 28 }),
    )
    .map(([y, m, d]) => `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`);

function payloads(edges: boolean) {
  /** `common` mostly; with edges, sometimes one of the `rare` arbitraries. */
  const mostly = <T>(common: fc.Arbitrary<T>, ...rare: fc.Arbitrary<T>[]): fc.Arbitrary<T> =>
    edges ? fc.oneof({ weight: 4 * rare.length, arbitrary: common }, ...rare.map((arbitrary) => ({ weight: 1, arbitrary }))) : common;

  const text = (max: number) =>
    mostly(
      fc.string({ minLength: 1, maxLength: 24 }).filter((t) => t.trim() !== ''),
      fc.string({ maxLength: 8 }).map((t) => ` \t${t}\n `),
      fc.string({ unit: 'binary', maxLength: 6 }),
      fc.constantFrom('', '   ', '\t\n', 'a'.repeat(max), ` ${'b'.repeat(max)}  `, 'c'.repeat(max + 1), emoji.repeat(max), emoji.repeat(max + 1)),
    );
  const oneOf = (values: readonly string[]) => mostly(fc.constantFrom(...values), fc.constantFrom('', 'Other', 'pentest', ' yes', 'MONITORING'));
  const int = (min: number, max: number) =>
    mostly(fc.integer({ min, max }), fc.constantFrom(min - 1, max + 1, 2.5, -0, 1e20, -1e20, Number.MAX_SAFE_INTEGER + 2, NaN, Infinity, -Infinity));
  const bool = () => mostly(fc.boolean(), fc.constantFrom<boolean>('true' as never, 0 as never, null as never));
  /** An array of at most `max` items; at the edge, `max` or `max + 1` copies of one item. */
  const list = <T>(arb: fc.Arbitrary<T>, max: number) =>
    mostly(fc.array(arb, { maxLength: Math.min(max, 3) }), fc.tuple(arb, fc.boolean()).map(([item, over]) => Array<T>(max + (over ? 1 : 0)).fill(item)));

  const hosts = fc.constantFrom('acme.com', 'northwind-health.io', 'contoso.co.uk', 'mail.example.org');
  const email = mostly(
    fc.tuple(fc.stringMatching(/^[a-z0-9_'+-]{1,8}(\.[a-z0-9]{1,5})?$/), hosts).map(([local, host]) => `${local}@${host}`),
    fc.emailAddress(),
    fc.emailAddress().map((e) => `  ${e.toUpperCase()} `),
    fc.constantFrom('jo@acme', 'Jo.Smith@ACME.com', 'jo@@acme.com', '', ' ', `${'x'.repeat(245)}@acme.com`, `${'x'.repeat(246)}@acme.com`, "o'neil+tag@acme.co.uk"),
  );
  const domain = mostly(
    fc.tuple(fc.constantFrom('', 'https://', 'http://www.', 'WWW.'), hosts, fc.constantFrom('', '/', '/contact?x=1', ':8443', '.')).map((parts) => parts.join('')),
    fc.domain(),
    fc.webUrl(),
    fc.constantFrom('ACME.COM.', 'https://www.Acme.com/contact?x=1', 'http://portal.acme.co.uk:8443/', ' www.acme.io ', 'not a domain', 'acme', '', 'x'.repeat(254), `${'b'.repeat(188)}.${'a'.repeat(60)}.com`),
  );
  const isoDate = mostly(
    calendarDate(edges),
    fc.constantFrom('2026-02-30', '2024-02-29', '2100-02-29', '2000-02-29', '31/03/2027', '2027-3-1', '2027-03-01T00:00:00Z', '2027-03-01\n'),
  );
  const isoDateTime = fc
    .tuple(
      calendarDate(edges),
      fc.integer({ min: 0, max: edges ? 24 : 23 }),
      fc.integer({ min: 0, max: edges ? 60 : 59 }),
      edges ? fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }) : fc.integer({ min: 0, max: 59 }),
      edges ? fc.constantFrom('', '.5', '.123456', '.') : fc.constantFrom('', '.5', '.123456'),
      edges ? fc.constantFrom('Z', '+01:00', '-23:59', '+24:00', '', 'z', '+0100', '+05:60') : fc.constantFrom('Z', '+01:00', '-23:59'),
    )
    .map(([date, h, m, sec, frac, zone]) => `${date}T${pad2(h)}:${pad2(m)}${sec === undefined ? '' : `:${pad2(sec)}${frac}`}${zone}`);
  const noteWords = ['good fit', 'follow up', 'interested', 'lead', 'maybe', 'the', 'SIEM', 'no log access', 'revisit after', 'Q3 migration', 'budget', 'CFO', 'signs', 'EDR', 'rollout', 'tbd'];
  const note = mostly(fc.array(fc.constantFrom(...noteWords), { minLength: 1, maxLength: 10 }).map((w) => w.join(' ')), text(2000));

  const person = object({ name: text(200), title: text(200) }, ['name', 'title']);
  const scope = object(
    {
      logAccess: oneOf(LOG_ACCESS),
      dataHandlingConstraints: text(2000),
      integrations: list(oneOf(INTEGRATIONS), 5),
      onboardingTeamAvailable: oneOf(ONBOARDING_TEAM_AVAILABILITY),
      environments: list(text(200), 50),
      notes: text(5000),
    },
    ['logAccess', 'onboardingTeamAvailable'],
  );
  const commercial = object(
    {
      activePlan: oneOf(ACTIVE_PLANS),
      procurement: object({ path: text(500), timeline: text(500), rfpDate: isoDate }),
      stakeholders: list(person, 50),
      notes: text(5000),
    },
    ['activePlan'],
  );
  const discovery = object(
    {
      triggeringEvent: text(2000),
      currentControls: text(2000),
      gaps: text(2000),
      urgentEnvironments: list(oneOf(URGENT_ENVIRONMENTS), 7),
      desiredOutcome: text(1000),
      needConfirmed: bool(),
      painIdentified: text(2000),
      economicBuyer: person,
      decisionCriteria: list(text(300), 30),
      decisionProcess: text(2000),
      approvers: list(person, 30),
      timeline: object({ targetDate: isoDate, description: text(500) }),
      nextMeeting: object({ at: isoDateTime, type: oneOf(MEETING_TYPES) }, ['at', 'type']),
      contacts: list(object({ name: text(200), title: text(200), email: opt(email), role: oneOf(CONTACT_ROLES) }, ['name', 'title', 'role']), 50),
      notes: text(5000),
      scope,
      commercial,
    },
    ['triggeringEvent', 'needConfirmed'],
  );
  const leadIntake = object(
    {
      companyName: text(200),
      domain,
      contact: object({ name: text(200), email, phone: opt(text(40)), title: text(200) }, ['name', 'email', 'title']),
      primaryInterest: oneOf(PRIMARY_INTERESTS),
      message: text(5000),
      industry: text(100),
      employeeCount: int(1, 10_000_000),
      region: text(100),
      regulations: list(text(100), 30),
      environment: object({ cloud: list(text(100), 20), identityProvider: text(100), endpoints: int(0, 100_000_000), notes: text(2000) }),
      source: oneOf(LEAD_SOURCES),
      timeline: object({ activeIncident: bool(), auditDate: isoDate, migrationDate: isoDate, targetDate: isoDate }),
      engagement: object({ requestedTechnicalCall: bool(), pageViews: int(0, 1_000_000), downloads: list(text(300), 100), newsletterClicks: int(0, 1_000_000) }),
      bestTime: text(200),
    },
    ['companyName', 'domain', 'contact', 'primaryInterest', 'source'],
  );
  const engagementEvent = object({ type: oneOf(ENGAGEMENT_EVENT_TYPES), at: isoDateTime, detail: text(500) }, ['type']);
  const disqualify = object({ reason: oneOf(DISQUALIFY_REASONS), note }, ['reason', 'note']);
  return { discovery, scope, commercial, disqualify, engagementEvent, leadIntake } as Record<string, fc.Arbitrary<unknown>>;
}

const wellFormed = payloads(false);
const edgy = payloads(true);
/** Half well-formed, half at the edges, per payload kind. */
const plausible = (kind: string) => fc.oneof(wellFormed[kind]!, edgy[kind]!);

// ---- hostile mutations of a generated payload ----------------------------------------------------------------------

const junk = fc.oneof(
  fc.constantFrom<unknown>(null, undefined, true, 0, -1, 1.5, 1e21, NaN, Infinity, '', '   ', 'nope', '2026-02-30', [], {}, [1], { x: 1 }, 'x'.repeat(5001)),
  fc.constantFrom<unknown>(new Date(0), Object.create(null), Array(3), Array(101).fill('x'), ['yes', 'cloud', 'siem'], JSON.parse('{"__proto__": 1}')),
  fc.jsonValue({ maxDepth: 2 }),
);
type Mutation = { kind: 'replace' | 'delete' | 'extra' | 'wrap'; pick: number; junk: unknown; key: string };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('replace', 'delete', 'extra', 'wrap'),
  pick: fc.nat(),
  junk,
  key: fc.constantFrom('budget', 'notes', 'name', 'constructor', 'toString', '__proto__', ''),
});

type Slot = { holder: Record<string, unknown> | unknown[]; key: string | number };

function slots(value: unknown, holder: Slot['holder'], key: Slot['key'], into: Slot[]): Slot[] {
  into.push({ holder, key });
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) slots(v, value as Slot['holder'], Array.isArray(value) ? Number(k) : k, into);
  }
  return into;
}

/** A fresh copy of a junk value (keeping holes, prototypes and own `__proto__` keys), so no run edits another's. */
function fresh(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return new Date(value.getTime());
  if (Array.isArray(value)) return value.map(fresh);
  const copy = Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>;
  for (const [k, v] of Object.entries(value)) Object.defineProperty(copy, k, { value: fresh(v), enumerable: true, writable: true, configurable: true });
  return copy;
}

/** Applies the mutations in turn to a copy of `payload`, each at a node chosen among all nodes (the root included). */
function mutate(payload: unknown, mutations: Mutation[]): unknown {
  const box: Record<string, unknown> = { root: structuredClone(payload) };
  for (const m of mutations) {
    const all = slots(box.root, box, 'root', []);
    const { holder, key } = all[m.pick % all.length]!;
    const node = (holder as Record<string | number, unknown>)[key];
    if (m.kind === 'replace') (holder as Record<string | number, unknown>)[key] = fresh(m.junk);
    if (m.kind === 'wrap') (holder as Record<string | number, unknown>)[key] = [node];
    if (m.kind === 'delete' && !Array.isArray(holder) && holder !== box) delete holder[key as string];
    if (m.kind === 'extra' && node !== null && typeof node === 'object' && !Array.isArray(node)) {
      Object.defineProperty(node, m.key, { value: fresh(m.junk), enumerable: true, writable: true, configurable: true });
    }
  }
  return box.root;
}

// ---- the comparison ------------------------------------------------------------------------------------------------

const tally = { accepted: 0, refused: 0, sameIssueList: 0 };

/**
 * Why the guard and the schema disagree on `input`, or null when they agree: same verdict; on success
 * deep-equal output; on failure the same set of issue paths, and every guard message one zod gives there.
 * Plain checks rather than `expect`, which would dominate the run time. (Hostile input can draw extra
 * messages from zod at a path the guard already refuses: zod also length-checks an array sent for a string.)
 */
function disagreement<T>(schema: z.ZodType, guard: (value: unknown) => GuardResult<T>, input: unknown): string | null {
  const expected = schema.safeParse(input);
  const actual = guard(input);
  if (expected.success && actual.ok) {
    tally.accepted++;
    // Key order too: the parsed payload goes into activity inputs and history as JSON.
    const same = isDeepStrictEqual(actual.value, expected.data) && JSON.stringify(actual.value) === JSON.stringify(expected.data);
    return same ? null : `outputs differ: ${inspect(actual.value)} vs ${inspect(expected.data)}`;
  }
  if (expected.success || actual.ok) return `guard ok=${actual.ok}, zod success=${expected.success}: ${inspect(actual.ok ? actual.value : actual.issues)}`;
  tally.refused++;
  const zodIssues = expected.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
  const paths = (issues: { path: string }[]) => [...new Set(issues.map((i) => i.path))].sort();
  if (!isDeepStrictEqual(paths(actual.issues), paths(zodIssues))) return `issue paths differ: ${inspect(actual.issues)} vs ${inspect(zodIssues)}`;
  const zodSaid = new Set(zodIssues.map((i) => `${i.path}\u0000${i.message}`));
  const unsaid = actual.issues.filter((i) => !zodSaid.has(`${i.path}\u0000${i.message}`));
  if (unsaid.length > 0) return `messages zod does not give: ${inspect(unsaid)} (zod: ${inspect(zodIssues)})`;
  if (isDeepStrictEqual(actual.issues, zodIssues)) tally.sameIssueList++;
  return null;
}

function agree<T>(schema: z.ZodType, guard: (value: unknown) => GuardResult<T>, input: unknown): void {
  const problem = disagreement(schema, guard, input);
  if (problem) throw new Error(`${problem}\ninput: ${inspect(input, { depth: 6 })}`);
}

const cases: [string, z.ZodType, (value: unknown) => GuardResult<unknown>, fc.Arbitrary<unknown>][] = [
  ['discovery', DiscoverySchema, parseDiscovery, plausible('discovery')],
  ['scope', ScopeSchema, parseScope, plausible('scope')],
  ['commercial', CommercialSchema, parseCommercial, plausible('commercial')],
  ['disqualify', DisqualifySchema, parseDisqualify, plausible('disqualify')],
  ['engagement event', EngagementEventSchema, parseEngagementEvent, plausible('engagementEvent')],
  ['lead intake', LeadIntakeSchema, parseLeadIntake, plausible('leadIntake')],
];

describe.each(cases)('%s guard', (_name, schema, guard, payload) => {
  beforeEach(() => Object.assign(tally, { accepted: 0, refused: 0, sameIssueList: 0 }));

  it('accepts, normalises and refuses generated payloads exactly like its zod schema', () => {
    fc.assert(fc.property(payload, (p) => agree(schema, guard, p)), { numRuns: RUNS });
    // Both outcomes must be exercised, or the comparison proves little.
    expect(tally.accepted).toBeGreaterThan(RUNS / 20);
    expect(tally.refused).toBeGreaterThan(RUNS / 20);
    // Short of hostile input, the guard's issue list is zod's, message for message and in order.
    expect(tally.sameIssueList).toBe(tally.refused);
  });

  it('refuses hostile mutations of those payloads at the same paths as its zod schema', () => {
    const mutated = fc.tuple(payload, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([p, ms]) => mutate(p, ms));
    fc.assert(fc.property(mutated, (p) => agree(schema, guard, p)), { numRuns: RUNS });
    expect(tally.refused).toBeGreaterThan(RUNS / 2);
    expect(tally.accepted).toBeGreaterThan(0);
  });
});

describe('the comparison itself', () => {
  it('catches a guard that lets an over-long detail through', () => {
    const lenient = (value: unknown): GuardResult<unknown> => {
      const result = parseEngagementEvent(value);
      return !result.ok && result.issues.every((i) => i.path === 'detail' && i.message === 'Must be at most 500 characters') ? { ok: true, value } : result;
    };
    const run = fc.check(fc.property(plausible('engagementEvent'), (p) => disagreement(EngagementEventSchema, lenient, p) === null), { numRuns: RUNS });
    expect(run.failed).toBe(true);
  });

  it("reads zod's messages in the test's own realm: the jest setups load no zod (jest copies their globals, zod's config among them, into every test)", () => {
    const setups = ['test/support/global-setup.ts', 'test/browser/global-setup.ts'];
    const script = `${setups.map((f) => `require('./${f}');`).join('')} console.log(Object.keys(require.cache).filter((k) => k.includes('/node_modules/zod/')).length)`;
    const loaded = execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: path.resolve(__dirname, '../../..'), encoding: 'utf8' });
    expect(loaded.trim()).toBe('0');
    // The message a test's plain object draws from zod, as the guards give it.
    expect(EngagementEventSchema.safeParse({ type: 'replied', detail: {} }).error?.issues[0]?.message).toBe('Invalid input: expected string, received object');
  });
});

describe('payload guards, by example', () => {
  it('report the path and zod\'s message for each refused field', () => {
    const result = parseDiscovery({ triggeringEvent: '  ', needConfirmed: 'yes', contacts: [{ name: 'A', title: 'B', role: 'cfo' }], extra: 1 });
    expect(result).toEqual({
      ok: false,
      issues: [
        { path: 'triggeringEvent', message: 'Must not be empty' },
        { path: 'needConfirmed', message: 'needConfirmed must be true or false' },
        { path: 'contacts.0.role', message: expect.stringContaining('Invalid option: expected one of "security_owner"') },
        { path: '', message: 'Unrecognized key: "extra"' },
      ],
    });
  });

  it('return the normalised payload: trimmed text, lowercased email, canonical domain', () => {
    const result = parseLeadIntake({
      companyName: ' Acme ', domain: 'https://www.Acme.com/x', contact: { name: 'Jo', email: ' Jo@ACME.com ', title: 'CISO' },
      primaryInterest: 'monitoring', source: 'event',
    });
    expect(result).toEqual({
      ok: true,
      value: { companyName: 'Acme', domain: 'acme.com', contact: { name: 'Jo', email: 'jo@acme.com', title: 'CISO' }, primaryInterest: 'monitoring', source: 'event' },
    });
  });
});

describe('NUL characters, which PostgreSQL cannot store', () => {
  it('are refused in free text by the schema and the guard alike, naming the field', () => {
    const payload = { reason: 'timing_later', note: 'Budget frozen until the FY27 plan\u0000; revisit after the SIEM migration' };
    const zodIssues = DisqualifySchema.safeParse(payload).error?.issues.map((i) => [i.path.join('.'), i.message]);
    const guard = parseDisqualify(payload);
    expect(guard.ok).toBe(false);
    expect(guard.ok ? [] : guard.issues.map((i) => [i.path, i.message])).toEqual(zodIssues);
    expect(zodIssues).toEqual([['note', MESSAGES.nul]]);
  });
});
