import request from 'supertest';
import type { LeadView } from '../../../domain/lead-view';
import { LeadViewSchema } from '../../../domain/lead-view';
import { qualifyingDiscovery, unconfirmedNeedDiscovery } from '../../support/discovery';
import { inboundLead } from '../../support/intake';
import { bearer, createApiHarness, leadUntil, postRoutedLead, type ApiHarness } from './api-harness';

let h: ApiHarness;

beforeAll(async () => {
  h = await createApiHarness('actions', [
    { repId: 'api-act-ss-1', team: 'solution_specialist' },
    { repId: 'api-act-ss-2', team: 'solution_specialist' },
  ]);
});

afterAll(() => h?.close());

/** A rep key that certainly does not own `owner`'s lead. */
async function otherRepKey(owner: string | null): Promise<string> {
  return h.repKey(owner === 'api-act-ss-1' ? 'api-act-ss-2' : 'api-act-ss-1');
}

describe('the path a rep walks', () => {
  it('shows a routed lead, takes discovery from its owner and answers with the qualified lead at once', async () => {
    const { leadId, view, ownerKey } = await postRoutedLead(h);
    expect(LeadViewSchema.safeParse(view).success).toBe(true);
    expect(view).toMatchObject({ stage: 'awaiting_discovery', route: { team: 'solution_specialist' }, rulesetVersion: h.rulesetVersion });
    expect(view.events.map((e) => e.type)).toEqual(expect.arrayContaining(['captured', 'fit_checked', 'routed']));

    const res = await request(h.app).post(`/v1/leads/${leadId}/discovery`).set(bearer(ownerKey)).send(qualifyingDiscovery());
    expect(res.status).toBe(200);
    const done = res.body as LeadView;
    expect(done).toMatchObject({ leadId, stage: 'outcome', lifecycle: 'sql', outcome: { status: 'qualified' } });
    expect(done.handoff?.environments).toEqual(expect.arrayContaining(['AWS prod']));

    // Closed: served from the read model, with the whole audit trail in order.
    const read = await request(h.app).get(`/v1/leads/${leadId}`).set(bearer(ownerKey)).expect(200);
    expect(read.headers['x-lead-state-source']).toBe('read-model');
    const seqs = (read.body as LeadView).events.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect((read.body as LeadView).events.map((e) => e.type)).toEqual(expect.arrayContaining(['discovery_submitted', 'outcome_decided']));
    const finding = await h.pool.query('SELECT kind, submitted_by FROM lead_findings WHERE lead_id = $1', [leadId]);
    expect(finding.rows).toEqual([{ kind: 'discovery', submitted_by: view.owner }]);
  });

  it('walks discovery, scope and commercial as three calls, each answering with the new stage', async () => {
    const { leadId, ownerKey } = await postRoutedLead(h);
    const { scope, commercial, ...discovery } = qualifyingDiscovery();
    const post = (step: string, body: unknown) => request(h.app).post(`/v1/leads/${leadId}/${step}`).set(bearer(ownerKey)).send(body as object);

    // Scope before discovery: the lead is in the wrong stage.
    const early = await post('scope', scope);
    expect(early.status).toBe(409);
    expect(early.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(early.body).toMatchObject({ status: 409, reason: 'wrong_stage', stage: 'awaiting_discovery' });

    expect((await post('discovery', discovery)).body).toMatchObject({ stage: 'scope_check' });
    const scoped = await post('scope', scope);
    expect(scoped.body).toMatchObject({ stage: 'commercial_check' });
    // The answer is the lead as GET shows it: its whole trail in order, the action's own event included.
    expect(LeadViewSchema.safeParse(scoped.body).success).toBe(true);
    const shown = await request(h.app).get(`/v1/leads/${leadId}`).set(bearer(ownerKey)).expect(200);
    expect(scoped.body).toEqual(shown.body);
    expect((scoped.body as LeadView).events.map((e) => e.type)).toEqual(expect.arrayContaining(['captured', 'discovery_submitted', 'scope_submitted']));
    const last = await post('commercial', commercial);
    expect(last.status).toBe(200);
    expect(last.body).toMatchObject({ stage: 'outcome', outcome: { status: 'qualified' } });

    // Closed lead: any further action is a 409, decided without the workflow.
    const again = await post('discovery', qualifyingDiscovery());
    expect(again.status).toBe(409);
    expect(again.body.detail).toMatch(/closed/);
  });

  it("answers another rep exactly as for a lead that does not exist, and lets a manager act on any lead", async () => {
    const { leadId, view } = await postRoutedLead(h);
    const other = await otherRepKey(view.owner);
    const missing = 'lead_00000000000000000000';
    const answer = (res: request.Response) => ({ status: res.status, type: res.headers['content-type'], body: { ...res.body, instance: undefined, requestId: undefined } });
    for (const step of ['discovery', 'disqualify'] as const) {
      const body = step === 'discovery' ? qualifyingDiscovery() : { reason: 'no_budget_path', note: 'CFO froze security spend until FY27; revisit in the next budget cycle' };
      const res = await request(h.app).post(`/v1/leads/${leadId}/${step}`).set(bearer(other)).send(body);
      const absent = await request(h.app).post(`/v1/leads/${missing}/${step}`).set(bearer(other)).send(body);
      expect(res.status).toBe(404);
      expect(answer(res)).toEqual(answer(absent));
    }
    const seen = await request(h.app).get(`/v1/leads/${leadId}`).set(bearer(other));
    expect(answer(seen)).toEqual(answer(await request(h.app).get(`/v1/leads/${missing}`).set(bearer(other))));
    expect(seen.status).toBe(404);

    const byManager = await request(h.app).post(`/v1/leads/${leadId}/discovery`).set(bearer(h.keys.manager)).send(qualifyingDiscovery());
    expect(byManager.status).toBe(200);
    expect((byManager.body as LeadView).events.find((e) => e.type === 'discovery_submitted')?.actor).toBe('manager');
  });

  it('lists each failing field of an invalid discovery (422) and keeps it away from the workflow', async () => {
    const { leadId, ownerKey } = await postRoutedLead(h);
    const bad = { ...qualifyingDiscovery(), needConfirmed: 'yes', nextMeeting: { at: 'tomorrow', type: 'lunch' }, surprise: 1 };
    const res = await request(h.app).post(`/v1/leads/${leadId}/discovery`).set(bearer(ownerKey)).send(bad);
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    const fields = (res.body.errors as Array<{ field: string }>).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['needConfirmed', 'nextMeeting.at', 'nextMeeting.type', 'surprise']));
    const history = await h.env.client.workflow.getHandle(leadId).fetchHistory();
    expect((history.events ?? []).filter((e) => String(e.eventType).includes('UPDATE'))).toEqual([]);
  });

  it('refuses a vague disqualification note (422) and closes the lead on a specific one', async () => {
    const { leadId, ownerKey } = await postRoutedLead(h);
    const vague = await request(h.app).post(`/v1/leads/${leadId}/disqualify`).set(bearer(ownerKey)).send({ reason: 'no_budget_path', note: 'not a fit' });
    expect(vague.status).toBe(422);
    expect(vague.body.errors).toEqual([expect.objectContaining({ field: 'note', message: expect.stringMatching(/vague/i) })]);
    const note = 'CFO froze all new security spend until the FY27 plan; no pilot or budget cycle before then';
    const closed = await request(h.app).post(`/v1/leads/${leadId}/disqualify`).set(bearer(ownerKey)).send({ reason: 'no_budget_path', note });
    expect(closed.status).toBe(200);
    expect(closed.body.outcome).toMatchObject({ status: 'disqualified_for_now', note });
  });
});

describe('a decision whose write waits on the database', () => {
  it('answers 202 recording once the lead has taken it, records it exactly once when the write gets through, and answers a retry as the first', async () => {
    const { leadId, ownerKey } = await postRoutedLead(h);
    // Another session holds the lead's row: the decision's write waits (and times out, and retries) until it lets go.
    const blocker = await h.pool.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM leads WHERE lead_id = $1 FOR UPDATE', [leadId]);
      const res = await request(h.app).post(`/v1/leads/${leadId}/discovery`).set(bearer(ownerKey)).send(qualifyingDiscovery());
      expect([res.status, res.body, res.headers.location]).toEqual([202, { leadId, status: 'recording' }, `/v1/leads/${leadId}`]);
      // The same request again joins the decision the lead holds; a different discovery is the wrong stage.
      const retry = await request(h.app).post(`/v1/leads/${leadId}/discovery`).set(bearer(ownerKey)).send(qualifyingDiscovery());
      expect([retry.status, retry.body]).toEqual([202, { leadId, status: 'recording' }]);
      const other = await request(h.app).post(`/v1/leads/${leadId}/discovery`).set(bearer(ownerKey)).send(qualifyingDiscovery({ gaps: 'No identity provider logs at all' }));
      expect([other.status, other.body.reason]).toEqual([409, 'wrong_stage']);
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
    }
    const done = await leadUntil(h, leadId, (v) => v.stage === 'outcome');
    expect(done.outcome?.status).toBe('qualified');
    // Once recorded, a retry of the request that closed the lead gets its answer, not "closed", and is no refusal; any other is refused.
    const refusals = async () => {
      const text = (await request(h.app).get('/metrics').set(bearer(h.keys.manager)).expect(200)).text;
      return Number(/leadgate_update_rejections_total\{action="discovery",reason="wrong_stage",decided_by="api"\} (\d+)/.exec(text)?.[1] ?? 0);
    };
    const before = await refusals();
    const late = await request(h.app).post(`/v1/leads/${leadId}/discovery`).set(bearer(ownerKey)).send(qualifyingDiscovery());
    expect([late.status, late.body.stage, late.body.outcome?.status]).toEqual([200, 'outcome', 'qualified']);
    expect(await refusals()).toBe(before);
    const closedToOthers = await request(h.app).post(`/v1/leads/${leadId}/discovery`).set(bearer(ownerKey)).send(qualifyingDiscovery({ gaps: 'No identity provider logs at all' }));
    expect([closedToOthers.status, closedToOthers.body.reason]).toEqual([409, 'wrong_stage']);
    expect(await refusals()).toBe(before + 1);
    const outcomes = await h.pool.query('SELECT status FROM lead_outcomes WHERE lead_id = $1', [leadId]);
    expect(outcomes.rows).toEqual([{ status: 'qualified' }]);
  });
});

describe('a retry of a decision that handed the lead to a new run', () => {
  it('answers a discovery that sent the lead to nurture as it was answered the first time, though the lead has continued as a new run', async () => {
    const { leadId, ownerKey } = await postRoutedLead(h);
    const first = await request(h.app).post(`/v1/leads/${leadId}/discovery`).set(bearer(ownerKey)).send(unconfirmedNeedDiscovery());
    expect([first.status, first.body.stage, first.body.outcome?.status]).toEqual([200, 'nurture', 'nurture']);
    // The nurturing lead parks in a run of its own: the Update's answer is in the run before it.
    await leadUntil(h, leadId, (v) => v.stage === 'nurture');
    const runs: string[] = [];
    for await (const run of h.env.client.workflow.list({ query: `WorkflowId = '${leadId}'` })) runs.push(run.runId);
    expect(runs.length).toBe(2);

    const retry = await request(h.app).post(`/v1/leads/${leadId}/discovery`).set(bearer(ownerKey)).send(unconfirmedNeedDiscovery());
    expect([retry.status, retry.body.stage, retry.body.cycle]).toEqual([200, 'nurture', first.body.cycle]);
    const other = await request(h.app).post(`/v1/leads/${leadId}/discovery`).set(bearer(ownerKey)).send(qualifyingDiscovery());
    expect([other.status, other.body.reason]).toEqual([409, 'wrong_stage']);
    const outcomes = await h.pool.query('SELECT status FROM lead_outcomes WHERE lead_id = $1', [leadId]);
    expect(outcomes.rows).toEqual([{ status: 'nurture' }]);
  });
});

describe('engagement and re-engagement', () => {
  it('records engagement from the intake tool and from the owner, and refuses it on a closed lead', async () => {
    const { leadId, ownerKey, view } = await postRoutedLead(h);
    const byIntake = await request(h.app).post(`/v1/leads/${leadId}/engagement`).set(bearer(h.keys.intake)).send({ type: 'replied', detail: 'Asked for a call next week' });
    expect(byIntake.status).toBe(202);
    expect(byIntake.body).toEqual({ leadId, status: 'recorded' });
    await request(h.app).post(`/v1/leads/${leadId}/engagement`).set(bearer(ownerKey)).send({ type: 'booked_meeting' }).expect(202);
    const seen = await leadUntil(h, leadId, (v) => v.events.filter((e) => e.type === 'engagement_recorded').length === 2);
    expect(seen.events.filter((e) => e.type === 'engagement_recorded').map((e) => e.data?.type)).toEqual(['replied', 'booked_meeting']);

    const other = await otherRepKey(view.owner);
    expect((await request(h.app).post(`/v1/leads/${leadId}/engagement`).set(bearer(other)).send({ type: 'replied' })).status).toBe(404);
    const invalid = await request(h.app).post(`/v1/leads/${leadId}/engagement`).set(bearer(h.keys.intake)).send({ type: 'waved' });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors[0].field).toBe('type');

    await request(h.app).post(`/v1/leads/${leadId}/discovery`).set(bearer(ownerKey)).send(qualifyingDiscovery()).expect(200);
    const late = await request(h.app).post(`/v1/leads/${leadId}/engagement`).set(bearer(h.keys.intake)).send({ type: 'replied' });
    expect(late.status).toBe(409);
  });

  it('re-engages only a nurturing lead, which is then routed again', async () => {
    const { leadId, ownerKey } = await postRoutedLead(h);
    const notYet = await request(h.app).post(`/v1/leads/${leadId}/reengage`).set(bearer(ownerKey));
    expect(notYet.status).toBe(409);
    expect(notYet.body).toMatchObject({ reason: 'wrong_stage', stage: 'awaiting_discovery' });

    const nurtured = await request(h.app).post(`/v1/leads/${leadId}/discovery`).set(bearer(ownerKey)).send(unconfirmedNeedDiscovery());
    expect(nurtured.status).toBe(200);
    expect(nurtured.body).toMatchObject({ stage: 'nurture', outcome: { status: 'nurture' }, nurture: { cycle: 0 } });

    // The intake tool cannot wake leads; the manager can.
    expect((await request(h.app).post(`/v1/leads/${leadId}/reengage`).set(bearer(h.keys.intake))).status).toBe(403);
    const woke = await request(h.app).post(`/v1/leads/${leadId}/reengage`).set(bearer(h.keys.manager)).set('Content-Type', 'application/json').send({});
    expect(woke.status).toBe(202);
    expect(woke.body).toEqual({ leadId, status: 'reengaging' });
    const rerouted = await leadUntil(h, leadId, (v) => v.cycle === 1 && v.stage === 'awaiting_discovery');
    expect(rerouted.events.find((e) => e.type === 'reengaged')?.data).toMatchObject({ reason: 'reengaged_by_manager', cycle: 1 });
  });
});

describe('unknown leads and bad requests', () => {
  it('answers 404 for a lead that does not exist, on every lead endpoint', async () => {
    const missing = 'lead_00000000000000000000';
    const manager = bearer(h.keys.manager);
    expect((await request(h.app).get(`/v1/leads/${missing}`).set(manager)).status).toBe(404);
    expect((await request(h.app).get('/v1/leads/not%20an%20id').set(manager)).status).toBe(404);
    for (const [step, body] of [
      ['discovery', qualifyingDiscovery()],
      ['scope', { logAccess: 'yes', onboardingTeamAvailable: 'yes' }],
      ['commercial', { activePlan: 'pilot' }],
      ['disqualify', { reason: 'duplicate', note: 'Same buyer already in discussion under the parent company domain' }],
      ['engagement', { type: 'replied' }],
      ['reengage', {}],
    ] as const) {
      const res = await request(h.app).post(`/v1/leads/${missing}/${step}`).set(manager).send(body);
      expect({ step, status: res.status, type: res.headers['content-type'] }).toEqual({ step, status: 404, type: expect.stringMatching(/problem\+json/) });
    }
  });

  it('refuses a body that is not JSON (415), not parseable (400) or too large (413)', async () => {
    const { leadId, ownerKey } = await postRoutedLead(h);
    const url = `/v1/leads/${leadId}/discovery`;
    const asText = await request(h.app).post(url).set(bearer(ownerKey)).set('Content-Type', 'text/plain').send('needConfirmed=true');
    expect(asText.status).toBe(415);
    const broken = await request(h.app).post(url).set(bearer(ownerKey)).set('Content-Type', 'application/json').send('{"needConfirmed": tru');
    expect(broken.status).toBe(400);
    expect(broken.body.detail).toMatch(/not valid JSON/);
    const huge = await request(h.app).post(url).set(bearer(ownerKey)).send({ ...qualifyingDiscovery(), notes: 'x'.repeat(300_000) });
    expect(huge.status).toBe(413);
    // None of it touched the lead.
    expect((await request(h.app).get(`/v1/leads/${leadId}`).set(bearer(ownerKey))).body.stage).toBe('awaiting_discovery');
  });
});

it('never routes a fit-check mismatch to a rep; the lead reads as unqualified', async () => {
  const intake = { ...inboundLead(), contact: { name: 'Chris Doe', email: `chris.${Date.now()}@gmail.com`, title: 'Student' }, message: 'I am a student writing my thesis on SOC tooling, could you share some material?' };
  const res = await request(h.app).post('/v1/leads').set(bearer(h.keys.intake)).send(intake).expect(202);
  const closed = await leadUntil(h, res.body.leadId, (v) => v.stage === 'outcome');
  expect(closed).toMatchObject({ owner: null, outcome: { status: 'unqualified' } });
});
