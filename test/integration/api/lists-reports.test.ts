/**
 * Lists, the funnel report and rules simulation over a known set of leads. The
 * database is shared with other test files, so every assertion is scoped to this
 * file's ruleset version (its worker is pinned to it) or to this file's lead ids.
 */
import request from 'supertest';
import { parseRuleset, type OutcomeStatus } from '../../../domain';
import type { LeadView } from '../../../domain/lead-view';
import { FunnelReportSchema, LeadPageSchema, SimulationResponseSchema } from '../../../api/schemas';
import { qualifyingDiscovery, unconfirmedNeedDiscovery } from '../../support/discovery';
import { inboundLead } from '../../support/intake';
import { apiRuleset, bearer, createApiHarness, leadUntil, postRoutedLead, type ApiHarness } from './api-harness';

let h: ApiHarness;
const ruleset = apiRuleset('lists');
/** The known set: name → final view. */
const leads: Record<'q1' | 'q2' | 'unfit' | 'nurture' | 'open' | 'dropped', LeadView> = {} as never;
let startedAt: string;

beforeAll(async () => {
  h = await createApiHarness('lists', [
    { repId: 'api-lists-ss-1', team: 'solution_specialist' },
    { repId: 'api-lists-ss-2', team: 'solution_specialist' },
  ], ruleset);
  startedAt = new Date(Date.now() - 1_000).toISOString();
  const act = async (step: string, leadId: string, key: string, body: object) => {
    const res = await request(h.app).post(`/v1/leads/${leadId}/${step}`).set(bearer(key)).send(body).expect(200);
    return res.body as LeadView;
  };
  // Sequential, so creation order is the order below.
  const q1 = await postRoutedLead(h);
  leads.q1 = await act('discovery', q1.leadId, q1.ownerKey, qualifyingDiscovery());
  const q2 = await postRoutedLead(h);
  leads.q2 = await act('discovery', q2.leadId, q2.ownerKey, qualifyingDiscovery());
  const unfit = await request(h.app).post('/v1/leads').set(bearer(h.keys.intake)).send({
    ...inboundLead(),
    contact: { name: 'Chris Doe', email: `chris.${Date.now()}@gmail.com`, title: 'Student' },
    message: 'I am a student writing my thesis on SOC tooling, could you share some material?',
  }).expect(202);
  leads.unfit = await leadUntil(h, unfit.body.leadId, (v) => v.stage === 'outcome');
  const nurture = await postRoutedLead(h);
  leads.nurture = await act('discovery', nurture.leadId, nurture.ownerKey, unconfirmedNeedDiscovery());
  leads.open = (await postRoutedLead(h)).view;
  const dropped = await postRoutedLead(h);
  leads.dropped = await act('disqualify', dropped.leadId, dropped.ownerKey, { reason: 'no_budget_path', note: 'CFO froze security spend until the FY27 plan; no pilot or budget cycle before then' });
}, 120_000);

afterAll(() => h?.close());

const manager = () => bearer(h.keys.manager);
const all = () => Object.values(leads);

describe('GET /v1/leads', () => {
  it('pages through the leads in creation order with a cursor, each lead exactly once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await request(h.app)
        .get('/v1/leads')
        .query({ rulesetVersion: h.rulesetVersion, limit: 4, ...(cursor ? { cursor } : {}) })
        .set(manager())
        .expect(200);
      const page = LeadPageSchema.parse(res.body);
      seen.push(...page.items.map((i) => i.leadId));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(2);
    expect(seen).toEqual(['q1', 'q2', 'unfit', 'nurture', 'open', 'dropped'].map((k) => leads[k as keyof typeof leads].leadId));
  });

  it('filters by stage, outcome, team, owner and lifecycle', async () => {
    const ids = async (q: Record<string, string>) => {
      const res = await request(h.app).get('/v1/leads').query({ rulesetVersion: h.rulesetVersion, ...q }).set(manager()).expect(200);
      return (res.body.items as Array<{ leadId: string }>).map((i) => i.leadId).sort();
    };
    expect(await ids({ outcome: 'qualified' })).toEqual([leads.q1.leadId, leads.q2.leadId].sort());
    expect(await ids({ stage: 'nurture' })).toEqual([leads.nurture.leadId]);
    expect(await ids({ stage: 'awaiting_discovery' })).toEqual([leads.open.leadId]);
    expect(await ids({ team: 'solution_specialist' })).toHaveLength(5);
    expect(await ids({ owner: leads.open.owner! })).toContain(leads.open.leadId);
    expect(await ids({ lifecycle: 'sql' })).toEqual(all().filter((v) => v.lifecycle === 'sql').map((v) => v.leadId).sort());
    const summary = await request(h.app).get('/v1/leads').query({ rulesetVersion: h.rulesetVersion, stage: 'awaiting_discovery' }).set(manager());
    expect(summary.body.items[0]).toMatchObject({ leadId: leads.open.leadId, team: 'solution_specialist', owner: leads.open.owner, outcome: null, source: 'inbound_form' });
  });

  it('shows a rep only their own leads, and refuses the intake role', async () => {
    const owner = leads.open.owner!;
    const key = await h.repKey(owner);
    const res = await request(h.app).get('/v1/leads').query({ rulesetVersion: h.rulesetVersion }).set(bearer(key)).expect(200);
    expect(res.body.items.length).toBeGreaterThan(0);
    expect(new Set(res.body.items.map((i: { owner: string }) => i.owner))).toEqual(new Set([owner]));
    const other = owner === 'api-lists-ss-1' ? 'api-lists-ss-2' : 'api-lists-ss-1';
    expect((await request(h.app).get('/v1/leads').query({ owner: other }).set(bearer(key))).status).toBe(403);
    expect((await request(h.app).get('/v1/leads').set(bearer(h.keys.intake))).status).toBe(403);
  });

  it('refuses a bad cursor, an unknown or repeated parameter, and an out-of-range limit (400)', async () => {
    const get = (q: string) => request(h.app).get(`/v1/leads?${q}`).set(manager());
    const bad = await get('cursor=bm90LWEtY3Vyc29y');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'cursor', message: 'Invalid cursor' }]);
    expect((await get('colour=red')).body.errors).toEqual([{ field: 'colour', message: 'Unknown field' }]);
    expect((await get('stage=outcome&stage=nurture')).status).toBe(400);
    expect((await get('stage=won')).status).toBe(400);
    expect((await get('limit=0')).status).toBe(400);
    expect((await get('limit=500')).status).toBe(400);
  });
});

describe('GET /v1/reports/funnel', () => {
  it("counts this file's known leads: stages, outcomes, teams, reasons, conversion, time in stage, SLA", async () => {
    const res = await request(h.app).get('/v1/reports/funnel').query({ rulesetVersion: h.rulesetVersion, from: startedAt }).set(manager()).expect(200);
    const report = FunnelReportSchema.parse(res.body);
    const counts = (list: Array<{ key: string; count: number }>) => Object.fromEntries(list.map((c) => [c.key, c.count]));
    expect(report.leads).toBe(6);
    expect(counts(report.byStage)).toEqual({ outcome: 4, nurture: 1, awaiting_discovery: 1 });
    expect(counts(report.byOutcome)).toEqual({ qualified: 2, unqualified: 1, nurture: 1, disqualified_for_now: 1 });
    expect(report.byTeam).toEqual([{ team: 'solution_specialist', leads: 5, qualified: 2 }]);

    const lifecycles = all().map((v) => v.lifecycle);
    const sql = lifecycles.filter((l) => l === 'sql').length;
    const mql = lifecycles.filter((l) => l === 'mql' || l === 'sql').length;
    expect(sql).toBeGreaterThanOrEqual(2);
    expect(report.conversion).toEqual({
      mql, sql, qualified: 2,
      mqlToSql: Math.round((sql / mql) * 10_000) / 10_000,
      sqlToQualified: Math.round((2 / sql) * 10_000) / 10_000,
    });

    // Every reason code on a recorded outcome, counted once per outcome.
    const expected = new Map<string, number>();
    for (const v of all().filter((x) => x.outcome)) {
      for (const r of v.outcome!.reasons) expected.set(`${v.outcome!.status}/${r.code}`, (expected.get(`${v.outcome!.status}/${r.code}`) ?? 0) + 1);
    }
    expect(new Map(report.byReason.map((r) => [`${r.status}/${r.code}`, r.count]))).toEqual(expected);
    expect(report.byReason.some((r) => r.status === 'unqualified' && r.code === 'student')).toBe(true);

    const stays = Object.fromEntries(report.medianTimeInStage.map((s) => [s.stage, s]));
    expect(stays.fit_check?.stays).toBe(6);
    // Four leads left discovery; the open one is still there and does not count.
    expect(stays.awaiting_discovery?.stays).toBe(4);
    expect(stays.awaiting_discovery?.medianSeconds).toBeGreaterThan(0);
    expect(report.sla).toEqual({ routed: 5, breaches: 0, openBreaches: 0, breachRate: 0 });
  });

  it('scopes by time range and refuses a backwards range or an unknown parameter; managers only', async () => {
    const before = await request(h.app).get('/v1/reports/funnel').query({ rulesetVersion: h.rulesetVersion, to: startedAt }).set(manager()).expect(200);
    expect(before.body.leads).toBe(0);
    expect(before.body.conversion).toMatchObject({ mqlToSql: null, sqlToQualified: null });
    const backwards = await request(h.app).get('/v1/reports/funnel').query({ from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }).set(manager());
    expect(backwards.status).toBe(400);
    expect((await request(h.app).get('/v1/reports/funnel?week=3').set(manager())).status).toBe(400);
    expect((await request(h.app).get('/v1/reports/funnel').set(bearer(await h.repKey(leads.open.owner!)))).status).toBe(403);
  });
});

describe('POST /v1/rules/simulate', () => {
  const simulate = (body: unknown) => request(h.app).post('/v1/rules/simulate').set(manager()).send(body as object);

  it('shows what a candidate ruleset would have decided for past leads, against what was decided', async () => {
    const everyInterest = ['incident_response', 'monitoring', 'vulnerability_management', 'iam', 'compliance', 'other'];
    const candidate = parseRuleset({
      ...ruleset,
      version: 'everything-to-iam',
      routing: { rules: [{ id: 'all_to_iam', team: 'iam', urgency: 'standard', escalate: false, match: { interests: everyInterest } }], fallback: { team: 'iam', urgency: 'standard' } },
    });
    const ids = [...all().map((v) => v.leadId), 'lead_00000000000000000000'];
    const res = await simulate({ ruleset: candidate, leads: { ids } });
    expect(res.status).toBe(200);
    const report = SimulationResponseSchema.parse(res.body);
    expect(report.selection).toEqual({ requested: 7, found: 6, missing: ['lead_00000000000000000000'], truncated: false });
    expect(report.activeRulesetVersion).toEqual(expect.any(String));
    const byId = new Map(report.leads.map((l) => [l.leadId, l]));
    // The five routed leads would all have gone to IAM; the unfit one was never routed and still would not be.
    expect(report.totals.routeChanges).toBe(5);
    for (const key of ['q1', 'q2', 'nurture', 'open', 'dropped'] as const) {
      expect(byId.get(leads[key].leadId)).toMatchObject({ before: { team: 'solution_specialist' }, after: { team: 'iam' }, changed: expect.arrayContaining(['team']) });
    }
    expect(byId.get(leads.unfit.leadId)).toMatchObject({ before: { outcome: 'unqualified' }, after: { outcome: 'unqualified' } });
    expect(byId.get(leads.unfit.leadId)!.after.team).toBeUndefined();
    // Findings submitted through the API are replayed, so outcomes past the fit check are re-decided.
    for (const key of ['q1', 'q2'] as const) {
      expect(byId.get(leads[key].leadId)).toMatchObject({ hadFindings: true, before: { outcome: 'qualified' satisfies OutcomeStatus }, after: { outcome: 'qualified' } });
    }
    expect(byId.get(leads.nurture.leadId)).toMatchObject({ hadFindings: true, after: { outcome: 'nurture' } });
    expect(byId.get(leads.open.leadId)).toMatchObject({ hadFindings: false });
  });

  it('selects by time range, bounded, and says when the selection was cut', async () => {
    const to = new Date(Date.now() + 60_000).toISOString();
    const whole = SimulationResponseSchema.parse((await simulate({ ruleset, leads: { from: startedAt, to } }).expect(200)).body);
    expect(whole.leads.map((l) => l.leadId)).toEqual(expect.arrayContaining(all().map((v) => v.leadId)));
    const cut = SimulationResponseSchema.parse((await simulate({ ruleset, leads: { from: startedAt, to, limit: 2 } }).expect(200)).body);
    expect(cut.selection).toMatchObject({ found: 2, truncated: true });
    expect(cut.leads).toHaveLength(2);
  });

  it('refuses an invalid candidate ruleset or selection with the failing paths (422); managers only', async () => {
    const bad = await simulate({ ruleset: { ...ruleset, version: '', weights: { ...ruleset.weights, total: { fit: 0.5, need: 0.5, stage: 0.5 } } }, leads: { ids: [leads.q1.leadId] } });
    expect(bad.status).toBe(422);
    expect((bad.body.errors as Array<{ field: string }>).map((e) => e.field).sort()).toEqual(['ruleset.version', 'ruleset.weights.total']);

    const cases: Array<[unknown, string]> = [
      [{ ids: [] }, 'leads.ids'],
      [{ ids: [leads.q1.leadId], from: startedAt, to: new Date().toISOString() }, 'leads.ids'],
      [{ from: '2025-01-01T00:00:00Z', to: '2025-12-31T00:00:00Z' }, 'leads.to'],
      [{ from: startedAt }, 'leads.to'],
      [{ ids: Array.from({ length: 501 }, (_, i) => `lead_${i}`) }, 'leads.ids'],
      [{ ids: [leads.q1.leadId], extra: true }, 'leads.extra'],
    ];
    for (const [selection, field] of cases) {
      const res = await simulate({ ruleset, leads: selection });
      expect({ field, status: res.status, fields: (res.body.errors as Array<{ field: string }>).map((e) => e.field) }).toEqual({ field, status: 422, fields: expect.arrayContaining([field]) });
    }
    expect((await simulate({ leads: { ids: [leads.q1.leadId] } })).status).toBe(422);
    const asRep = await request(h.app).post('/v1/rules/simulate').set(bearer(await h.repKey(leads.open.owner!))).send({ ruleset, leads: { ids: [leads.q1.leadId] } });
    expect(asRep.status).toBe(403);
  });

  it('serves the active ruleset to managers', async () => {
    const res = await request(h.app).get('/v1/rules/active').set(manager()).expect(200);
    expect(res.body).toMatchObject({ version: expect.any(String), ruleset: { routing: expect.any(Object) } });
  });
});
