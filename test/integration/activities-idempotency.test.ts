import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import { insertLead } from '../../db/leads';
import { assignRep, lockLead, upsertRep } from '../../db/reps';
import type { Team } from '../../domain';
import type { LeadView } from '../../domain/lead-view';
import { blockedBy, testPool } from '../support/db';
import { inboundLead } from '../support/intake';

/** Every activity runs twice here, as a retry after a lost response would: the second attempt must write nothing new. */
let pool: Pool;
let activities: ReturnType<typeof createActivities>;

beforeAll(() => {
  pool = testPool();
  activities = createActivities({ pool });
});
afterAll(() => pool.end());

function view(leadId: string, overrides: Partial<LeadView> = {}): LeadView {
  const now = new Date().toISOString();
  return {
    leadId, companyName: 'Acme', domain: 'acme.com', stage: 'fit_check', lifecycle: 'lead', cycle: 0, scores: null, fitFlags: [],
    route: null, owner: null, sla: null, outcome: null, handoff: null, nurture: null, rulesetVersion: 'v1', createdAt: now, updatedAt: now,
    events: [], ...overrides,
  };
}

const event = (seq: number, type: string) => ({ seq, type, stage: 'fit_check' as const, at: new Date().toISOString() });
const count = async (sql: string, params: unknown[]) => (await pool.query<{ n: number }>(sql, params)).rows[0]!.n;

it('recordLead and recordStage write each event once, and a late retry never overwrites newer state', async () => {
  const leadId = `lead_${randomUUID()}`;
  const intake = inboundLead();
  const first = { leadId, intake, view: view(leadId), events: [event(0, 'captured')], lastEventSeq: 0 };
  await activities.recordLead(first);
  await activities.recordLead(first);
  const routed = { leadId, view: view(leadId, { stage: 'awaiting_discovery', owner: 'rep-x' }), events: [event(1, 'routed')], lastEventSeq: 1 };
  await activities.recordStage(routed);
  await activities.recordStage(routed);
  // A retry of an older write arriving late.
  await activities.recordStage({ ...first, view: view(leadId, { stage: 'fit_check' }) });

  expect(await count('SELECT count(*)::int AS n FROM leads WHERE lead_id = $1', [leadId])).toBe(1);
  expect(await count('SELECT count(*)::int AS n FROM lead_events WHERE lead_id = $1', [leadId])).toBe(2);
  const row = await pool.query('SELECT stage, owner_rep_id FROM leads WHERE lead_id = $1', [leadId]);
  expect(row.rows[0]).toEqual({ stage: 'awaiting_discovery', owner_rep_id: 'rep-x' });
});

it('captureLead records the lead under the ruleset it loads and returns that ruleset; a retry writes nothing new', async () => {
  const leadId = `lead_${randomUUID()}`;
  const capture = { leadId, intake: inboundLead(), view: view(leadId, { rulesetVersion: null }), events: [event(0, 'captured')], lastEventSeq: 0, keepVersion: null };
  const loaded = await activities.captureLead(capture);
  expect(await activities.captureLead(capture)).toEqual(loaded);
  expect(loaded).toEqual(await activities.loadRuleset());

  expect(await count('SELECT count(*)::int AS n FROM leads WHERE lead_id = $1', [leadId])).toBe(1);
  expect(await count('SELECT count(*)::int AS n FROM lead_events WHERE lead_id = $1', [leadId])).toBe(1);
  const row = await pool.query('SELECT stage, ruleset_version FROM leads WHERE lead_id = $1', [leadId]);
  expect(row.rows[0]).toEqual({ stage: 'fit_check', ruleset_version: loaded.version });
});

it('captureLead waits, with retries and nothing written, while no ruleset can be loaded', async () => {
  const leadId = `lead_${randomUUID()}`;
  const pinned = createActivities({ pool, pinnedRulesetVersion: 'missing+0000' });
  const capture = { leadId, intake: inboundLead(), view: view(leadId, { rulesetVersion: null }), events: [event(0, 'captured')], lastEventSeq: 0, keepVersion: null };
  await expect(new MockActivityEnvironment().run(pinned.captureLead, capture)).rejects.toMatchObject({ type: 'RulesetUnavailable', nonRetryable: false });
  expect(await count('SELECT count(*)::int AS n FROM leads WHERE lead_id = $1', [leadId])).toBe(0);
});

it('assignRep returns the same rep for a retried (lead, cycle) and rotates across leads', async () => {
  const team = 'iam';
  const reps = [`iam-rr-${randomUUID()}`, `iam-rr-${randomUUID()}`].sort();
  for (const repId of reps) await upsertRep(pool, { repId, name: repId, email: null, team, capacity: 100, isTeamLead: false });
  const leads = [`lead_${randomUUID()}`, `lead_${randomUUID()}`];
  for (const leadId of leads) await activities.recordLead({ leadId, intake: inboundLead(), view: view(leadId), events: [], lastEventSeq: -1 });

  const a1 = await activities.assignRep({ leadId: leads[0]!, cycle: 0, team });
  const a1again = await activities.assignRep({ leadId: leads[0]!, cycle: 0, team });
  const a2 = await activities.assignRep({ leadId: leads[1]!, cycle: 0, team });

  expect(a1again.repId).toBe(a1.repId);
  expect(a2.repId).not.toBe(a1.repId);
  expect(await count('SELECT count(*)::int AS n FROM rep_assignments WHERE lead_id = ANY($1)', [leads])).toBe(2);
});

it('assignRep skips a rep at capacity for one with room', async () => {
  const team = 'outbound_multithread';
  const full = `om-full-${randomUUID()}`;
  const roomy = `om-roomy-${randomUUID()}`;
  await upsertRep(pool, { repId: full, name: 'Full', email: null, team, capacity: 0, isTeamLead: false });
  await upsertRep(pool, { repId: roomy, name: 'Roomy', email: null, team, capacity: 1000, isTeamLead: false });
  const leadId = `lead_${randomUUID()}`;
  await activities.recordLead({ leadId, intake: inboundLead(), view: view(leadId), events: [], lastEventSeq: -1 });
  const assignment = await activities.assignRep({ leadId, cycle: 0, team });
  expect(assignment.repId).not.toBe(full);
  expect(assignment.reasons[0]).toMatchObject({ code: 'assigned_round_robin', rule: 'assignment.round_robin' });
});

it('assignRep deals leads arriving at once out in turn: each rep of the team gets an equal share, every assignment lands once', async () => {
  // A team of its own, so no other test's reps share the round robin.
  const team = `team-${randomUUID()}` as Team;
  const reps = [0, 1, 2].map((i) => `rr-${i}-${randomUUID()}`);
  for (const repId of reps) await upsertRep(pool, { repId, name: repId, email: null, team, capacity: 100, isTeamLead: false });
  const leads = Array.from({ length: 30 }, () => `lead_${randomUUID()}`);
  for (const leadId of leads) await activities.recordLead({ leadId, intake: inboundLead(), view: view(leadId), events: [], lastEventSeq: -1 });

  const assignments = await Promise.all(leads.map((leadId) => activities.assignRep({ leadId, cycle: 0, team })));

  const perRep = new Map<string | null, number>();
  for (const a of assignments) perRep.set(a.repId, (perRep.get(a.repId) ?? 0) + 1);
  expect(Object.fromEntries(perRep)).toEqual(Object.fromEntries(reps.map((r) => [r, 10])));
  const { rows } = await pool.query('SELECT count(*)::int AS n, count(DISTINCT lead_id)::int AS leads FROM rep_assignments WHERE team = $1', [team]);
  expect(rows[0]).toEqual({ n: 30, leads: 30 });
  expect(await count('SELECT turns::int AS n FROM team_cursors WHERE team = $1', [team])).toBe(29);
});

it('assignRep records a cycle unassigned when the team has no active rep, and leaves its cursor alone', async () => {
  const team = `team-${randomUUID()}` as Team;
  const leadId = `lead_${randomUUID()}`;
  await activities.recordLead({ leadId, intake: inboundLead(), view: view(leadId), events: [], lastEventSeq: -1 });
  const first = await activities.assignRep({ leadId, cycle: 0, team });
  const again = await activities.assignRep({ leadId, cycle: 0, team });
  expect(first).toMatchObject({ repId: null, reasons: [{ code: 'no_rep_available' }] });
  expect(again).toMatchObject({ repId: null, reasons: [{ code: 'assignment_reused', evidence: 'unassigned' }] });
  const { rows } = await pool.query('SELECT rep_id, open FROM rep_assignments WHERE lead_id = $1', [leadId]);
  expect(rows).toEqual([{ rep_id: null, open: false }]);
  expect(await count('SELECT count(*)::int AS n FROM team_cursors WHERE team = $1', [team])).toBe(0);
});

it("recordRouting picks the rep and writes the step with that rep filled in, in one call; a retry gets the same rep and writes nothing new", async () => {
  const team = `team-${randomUUID()}` as Team;
  const [rep, lead] = [`rt-rep-${randomUUID()}`, `rt-lead-${randomUUID()}`];
  await upsertRep(pool, { repId: rep, name: 'Rep', email: null, team, capacity: 10, isTeamLead: false });
  await upsertRep(pool, { repId: lead, name: 'Lead', email: null, team, capacity: 10, isTeamLead: true });
  const leadId = `lead_${randomUUID()}`;
  await activities.recordLead({ leadId, intake: inboundLead(), view: view(leadId), events: [], lastEventSeq: -1 });
  const now = new Date().toISOString();
  const route = { team, urgency: 'urgent' as const, escalated: true, slaDueAt: now, reminderAt: now, reasons: [{ code: 'active_incident', rule: 'routing.urgent' }] };
  const routed = { ...event(1, 'routed'), stage: 'awaiting_discovery' as const, data: { team, escalated: true, owner: null } };
  const step = {
    leadId,
    view: view(leadId, { stage: 'awaiting_discovery', route, owner: null }),
    events: [routed, { ...event(2, 'stage_changed'), data: { owner: 'not this one' } }],
    lastEventSeq: 2,
    notify: { leadId, cycle: 0, kind: 'urgent_lead_assigned', recipientRepId: null, recipientTeam: team, ccRepId: null, payload: {} },
  };

  const reasonsWritten = async () => (await pool.query('SELECT view FROM leads WHERE lead_id = $1', [leadId])).rows[0].view.route.reasons;
  const assignment = await activities.recordRouting({ team, step });
  expect(assignment).toMatchObject({ repId: rep, teamLeadId: lead, reasons: [{ code: 'assigned_round_robin' }] });
  expect(await reasonsWritten()).toEqual([...route.reasons, ...assignment.reasons]);
  // The workflow keeps the answer of the attempt that succeeded, and the write it made says the same.
  const retried = await activities.recordRouting({ team, step });
  expect(retried).toMatchObject({ repId: rep, teamLeadId: lead, reasons: [{ code: 'assignment_reused' }] });
  expect(await reasonsWritten()).toEqual([...route.reasons, ...retried.reasons]);

  const row = await pool.query('SELECT stage, owner_rep_id FROM leads WHERE lead_id = $1', [leadId]);
  expect(row.rows[0]).toEqual({ stage: 'awaiting_discovery', owner_rep_id: rep });
  const events = await pool.query('SELECT type, data FROM lead_events WHERE lead_id = $1 ORDER BY id', [leadId]);
  expect(events.rows).toEqual([
    { type: 'routed', data: { team, escalated: true, owner: rep } },
    { type: 'stage_changed', data: { owner: 'not this one' } },
  ]);
  // The urgent lead's message goes to its new owner and, copied, to the team lead: once each, retry or not.
  const messages = await pool.query('SELECT recipient_rep_id FROM notification_outbox WHERE lead_id = $1 ORDER BY message_key', [leadId]);
  expect(messages.rows.map((r) => r.recipient_rep_id).sort()).toEqual([lead, rep].sort());
  expect(await count('SELECT count(*)::int AS n FROM rep_assignments WHERE lead_id = $1', [leadId])).toBe(1);
});

it('routeOnRuleset writes a woken lead\'s routing only under the ruleset a load gives now; else it answers with that one and writes nothing', async () => {
  const active = await activities.loadRuleset();
  const older = 'slept-under+0000000000000000';
  const team = `team-${randomUUID()}` as Team;
  const rep = `ro-rep-${randomUUID()}`;
  await upsertRep(pool, { repId: rep, name: 'Rep', email: null, team, capacity: 10, isTeamLead: false });
  const woken = async (cycle: number) => {
    const leadId = `lead_${randomUUID()}`;
    await activities.recordLead({ leadId, intake: inboundLead(), view: view(leadId, { cycle }), events: [], lastEventSeq: -1 });
    const routed = { ...event(1, 'routed'), stage: 'awaiting_discovery' as const, data: { team, owner: null } };
    const step = { leadId, view: view(leadId, { stage: 'awaiting_discovery', cycle, owner: null }), events: [routed], lastEventSeq: 1 };
    return { leadId, routing: { team, step: { ...step, notify: { leadId, cycle, kind: 'lead_assigned', recipientRepId: null, recipientTeam: team, ccRepId: null, payload: {} } } } };
  };
  const written = async (leadId: string) => ({
    stage: (await pool.query('SELECT stage FROM leads WHERE lead_id = $1', [leadId])).rows[0].stage,
    assigned: await count('SELECT count(*)::int AS n FROM rep_assignments WHERE lead_id = $1', [leadId]),
    events: await count('SELECT count(*)::int AS n FROM lead_events WHERE lead_id = $1', [leadId]),
    messages: await count('SELECT count(*)::int AS n FROM notification_outbox WHERE lead_id = $1', [leadId]),
  });
  const first = new MockActivityEnvironment();
  const retry = new MockActivityEnvironment({ attempt: 2 });

  const { leadId, routing } = await woken(1);
  // Judged under a version no longer the one to use: the answer is the ruleset to judge again under, and nothing is written.
  expect(await first.run(activities.routeOnRuleset, { ...routing, rulesetVersion: older })).toEqual({ ruleset: active });
  expect(await written(leadId)).toEqual({ stage: 'fit_check', assigned: 0, events: 0, messages: 0 });
  // Judged under the one a load gives: written, rep and message with it.
  expect(await first.run(activities.routeOnRuleset, { ...routing, rulesetVersion: active.version })).toMatchObject({ assignment: { repId: rep } });
  expect(await written(leadId)).toEqual({ stage: 'awaiting_discovery', assigned: 1, events: 1, messages: 1 });
  // Run again once written (a re-run after a failed workflow task starts again at attempt 1): written again as it was, whatever is active, nothing twice.
  for (const env of [first, retry]) {
    expect(await env.run(activities.routeOnRuleset, { ...routing, rulesetVersion: older })).toMatchObject({ assignment: { repId: rep } });
    expect(await written(leadId)).toEqual({ stage: 'awaiting_discovery', assigned: 1, events: 1, messages: 1 });
  }

  // A retry of a cycle never written still asks.
  const unassigned = await woken(2);
  expect(await retry.run(activities.routeOnRuleset, { ...unassigned.routing, rulesetVersion: older })).toEqual({ ruleset: active });
  expect(await written(unassigned.leadId)).toEqual({ stage: 'fit_check', assigned: 0, events: 0, messages: 0 });
});

it('captureAndRoute writes a new lead routed, row and rep together, only under the ruleset a load gives now', async () => {
  const active = await activities.loadRuleset();
  const older = 'handed-over+0000000000000000';
  const team = `team-${randomUUID()}` as Team;
  const rep = `cr-rep-${randomUUID()}`;
  await upsertRep(pool, { repId: rep, name: 'Rep', email: null, team, capacity: 10, isTeamLead: false });
  const leadId = `lead_${randomUUID()}`;
  const events = [event(0, 'captured'), { ...event(1, 'routed'), stage: 'awaiting_discovery' as const, data: { team, owner: null } }];
  const step = { leadId, view: view(leadId, { stage: 'awaiting_discovery', owner: null, rulesetVersion: active.version }), events, lastEventSeq: 1 };
  const input = {
    team,
    intake: inboundLead(),
    step: { ...step, notify: { leadId, cycle: 0, kind: 'lead_assigned', recipientRepId: null, recipientTeam: team, ccRepId: null, payload: {} } },
  };
  const written = async () => ({
    rows: (await pool.query('SELECT stage, owner_rep_id, intake IS NOT NULL AS has_intake FROM leads WHERE lead_id = $1', [leadId])).rows,
    assigned: await count('SELECT count(*)::int AS n FROM rep_assignments WHERE lead_id = $1', [leadId]),
    events: await count('SELECT count(*)::int AS n FROM lead_events WHERE lead_id = $1', [leadId]),
    messages: await count('SELECT count(*)::int AS n FROM notification_outbox WHERE lead_id = $1 AND recipient_rep_id = $2', [leadId, rep]),
  });
  const first = new MockActivityEnvironment();

  // Handed a version no longer the one to use: nothing at all is written, not even the row.
  expect(await first.run(activities.captureAndRoute, { ...input, rulesetVersion: older })).toEqual({ ruleset: active });
  expect(await written()).toEqual({ rows: [], assigned: 0, events: 0, messages: 0 });
  // Handed the one a load gives: the row, its rep, its trail and the rep's message, together.
  expect(await first.run(activities.captureAndRoute, { ...input, rulesetVersion: active.version })).toMatchObject({ assignment: { repId: rep } });
  const once = { rows: [{ stage: 'awaiting_discovery', owner_rep_id: rep, has_intake: true }], assigned: 1, events: 2, messages: 1 };
  expect(await written()).toEqual(once);
  // Run again once written, at any attempt: written again as it was, whatever is active, nothing twice.
  for (const env of [first, new MockActivityEnvironment({ attempt: 3 })]) {
    expect(await env.run(activities.captureAndRoute, { ...input, rulesetVersion: older })).toMatchObject({ assignment: { repId: rep } });
    expect(await written()).toEqual(once);
  }
});

it.each(['routeOnRuleset', 'captureAndRoute'] as const)('%s writes nothing over a cycle whose rep was recorded for another team: that judgement stands', async (name) => {
  const active = await activities.loadRuleset();
  const [team, otherTeam] = [`team-${randomUUID()}` as Team, `team-${randomUUID()}` as Team];
  const [rep, otherRep] = [`ot-rep-${randomUUID()}`, `ot-rep-${randomUUID()}`];
  await upsertRep(pool, { repId: rep, name: 'Rep', email: null, team, capacity: 10, isTeamLead: false });
  await upsertRep(pool, { repId: otherRep, name: 'Rep', email: null, team: otherTeam, capacity: 10, isTeamLead: false });
  const leadId = `lead_${randomUUID()}`;
  const intake = inboundLead();
  // The cycle as another judgement wrote it: routed to the other team, its rep assigned.
  await activities.recordLead({ leadId, intake, view: view(leadId), events: [], lastEventSeq: -1 });
  await activities.recordRouting({ team: otherTeam, step: { leadId, view: view(leadId, { stage: 'awaiting_discovery', owner: null }), events: [], lastEventSeq: 1 } });
  const routed = { ...event(1, 'routed'), stage: 'awaiting_discovery' as const, data: { team, owner: null } };
  const step = { leadId, view: view(leadId, { stage: 'awaiting_discovery', owner: null }), events: [routed], lastEventSeq: 1 };
  const notify = { leadId, cycle: 0, kind: 'lead_assigned', recipientRepId: null, recipientTeam: team, ccRepId: null, payload: {} };
  const answer = await new MockActivityEnvironment().run(activities[name], { team, intake, step: { ...step, notify }, rulesetVersion: active.version });
  expect(answer).toEqual({ ruleset: active });
  expect((await pool.query('SELECT rep_id, team FROM rep_assignments WHERE lead_id = $1', [leadId])).rows).toEqual([{ rep_id: otherRep, team: otherTeam }]);
  expect((await pool.query('SELECT owner_rep_id, team FROM leads WHERE lead_id = $1', [leadId])).rows).toEqual([{ owner_rep_id: otherRep, team: null }]);
  expect(await count('SELECT count(*)::int AS n FROM notification_outbox WHERE lead_id = $1', [leadId])).toBe(0);
});

describe('a routing write run again while an earlier run of it has not committed waits for it, and reuses its rep whatever is active', () => {
  const cases = [
    // A wake-up's write locks the lead's row first.
    { name: 'routeOnRuleset' as const, lead: 'a woken lead', rowSeq: -1, written: { stage: 'awaiting_discovery', owns: true } },
    // A new lead's insert waits on the earlier run's uncommitted insert of the same key.
    { name: 'captureAndRoute' as const, lead: 'a new lead', rowSeq: null, written: { stage: 'awaiting_discovery', owns: true } },
    // A stored row ahead of the write: the upsert's sequence guard leaves it as it is, yet it takes the row's lock and waits.
    { name: 'captureAndRoute' as const, lead: 'a lead whose row is ahead of the write', rowSeq: 5, written: { stage: 'fit_check', owns: false } },
  ];
  it.each(cases)('$name, $lead', async ({ name, rowSeq, written }) => {
    const team = `team-${randomUUID()}` as Team;
    const rep = `tw-rep-${randomUUID()}`;
    await upsertRep(pool, { repId: rep, name: 'Rep', email: null, team, capacity: 10, isTeamLead: false });
    const leadId = `lead_${randomUUID()}`;
    const intake = inboundLead();
    if (rowSeq !== null) await activities.recordLead({ leadId, intake, view: view(leadId), events: [], lastEventSeq: rowSeq });
    const routed = { ...event(1, 'routed'), stage: 'awaiting_discovery' as const, data: { team, owner: null } };
    const step = { leadId, view: view(leadId, { stage: 'awaiting_discovery', owner: null }), events: [routed], lastEventSeq: 1 };
    const notify = { leadId, cycle: 0, kind: 'lead_assigned', recipientRepId: null, recipientTeam: team, ccRepId: null, payload: {} };
    // The earlier run, held open here: the lead's row taken (its insert, or its lock) and its rep assigned, not yet committed.
    const earlier = await pool.connect();
    try {
      await earlier.query('BEGIN');
      if (rowSeq === null) await insertLead(earlier, { leadId, intake, view: step.view, events: [], lastEventSeq: 1 });
      else await lockLead(earlier, leadId);
      await assignRep(earlier, { leadId, cycle: 0, team });
      // Judged under a version a publication has since replaced: only a step not yet written would answer with the new one.
      const again = new MockActivityEnvironment().run(activities[name], { team, intake, step: { ...step, notify }, rulesetVersion: 'replaced-since+0000000000000000' });
      again.catch(() => undefined); // awaited below; a rejection meanwhile is not unhandled
      await blockedBy(pool, earlier);
      await earlier.query('COMMIT');
      expect(await again).toMatchObject({ assignment: { repId: rep, reasons: [{ code: 'assignment_reused' }] } });
    } finally {
      // A failed check leaves the transaction open: end it, so the write it blocks and the pooled connection go free (a no-op after COMMIT).
      await earlier.query('ROLLBACK');
      earlier.release();
    }
    expect(await count('SELECT count(*)::int AS n FROM rep_assignments WHERE lead_id = $1', [leadId])).toBe(1);
    const row = (await pool.query('SELECT stage, owner_rep_id FROM leads WHERE lead_id = $1', [leadId])).rows;
    expect(row).toEqual([{ stage: written.stage, owner_rep_id: written.owns ? rep : null }]);
  });
});

it('notify queues one message per key, plus one copy for a cc recipient', async () => {
  const leadId = `lead_${randomUUID()}`;
  const input = { leadId, cycle: 0, kind: 'urgent_lead_assigned', recipientRepId: 'ir-a', recipientTeam: 'incident_response', ccRepId: 'ir-lead', payload: {} };
  await activities.notify(input);
  await activities.notify(input);
  const { rows } = await pool.query('SELECT recipient_rep_id FROM notification_outbox WHERE lead_id = $1 ORDER BY message_key', [leadId]);
  expect(rows).toEqual([{ recipient_rep_id: 'ir-a' }, { recipient_rep_id: 'ir-lead' }]);
});

it('recordOutcome keeps exactly one outcome per lead and cycle and frees the rep', async () => {
  const leadId = `lead_${randomUUID()}`;
  await activities.recordLead({ leadId, intake: inboundLead(), view: view(leadId), events: [], lastEventSeq: -1 });
  await activities.assignRep({ leadId, cycle: 0, team: 'solution_specialist' });
  const outcome = { status: 'unqualified' as const, reasons: [{ code: 'competitor', rule: 'competitorDomains' }], note: 'Competitor research from a rival MDR vendor domain', nextAction: 'No follow-up' };
  const input = { leadId, cycle: 0, outcome, handoff: null, view: view(leadId, { stage: 'outcome', outcome }), events: [event(5, 'outcome_decided')], lastEventSeq: 5 };
  await activities.recordOutcome(input);
  await activities.recordOutcome(input);
  expect(await count('SELECT count(*)::int AS n FROM lead_outcomes WHERE lead_id = $1', [leadId])).toBe(1);
  expect(await count('SELECT count(*)::int AS n FROM rep_assignments WHERE lead_id = $1 AND open', [leadId])).toBe(0);
});

it("a step's message is queued with its write, once however often the write is retried, and not when the write fails", async () => {
  const leadId = `lead_${randomUUID()}`;
  await activities.recordLead({ leadId, intake: inboundLead(), view: view(leadId), events: [], lastEventSeq: -1 });
  const notify = { leadId, cycle: 0, kind: 'urgent_lead_assigned', recipientRepId: 'ir-a', recipientTeam: 'incident_response', ccRepId: 'ir-lead', payload: { urgency: 'urgent' } };
  const routed = { leadId, view: view(leadId, { stage: 'awaiting_discovery', owner: 'ir-a' }), events: [event(1, 'routed')], lastEventSeq: 1, notify };
  await activities.recordStage(routed);
  await activities.recordStage(routed);
  const { rows } = await pool.query('SELECT recipient_rep_id, kind, recipient_team, payload FROM notification_outbox WHERE lead_id = $1 ORDER BY message_key', [leadId]);
  expect(rows).toEqual([
    { recipient_rep_id: 'ir-a', kind: 'urgent_lead_assigned', recipient_team: 'incident_response', payload: { urgency: 'urgent' } },
    { recipient_rep_id: 'ir-lead', kind: 'urgent_lead_assigned', recipient_team: 'incident_response', payload: { urgency: 'urgent' } },
  ]);

  // A write that fails (an event the table refuses) queues nothing: the message and the step land together or not at all.
  const outcome = { status: 'qualified' as const, reasons: [], note: 'Budget approved', nextAction: 'Hand over to the AE' };
  const broken = { leadId, cycle: 0, outcome, handoff: null, view: view(leadId, { stage: 'outcome', outcome }), events: [{ ...event(2, 'outcome_decided'), stage: 'no_such_stage' as never, at: 'not a time' }], lastEventSeq: 2 };
  await expect(activities.recordOutcome({ ...broken, notify: { ...notify, kind: 'outcome_qualified', ccRepId: null } })).rejects.toThrow();
  expect(await count("SELECT count(*)::int AS n FROM notification_outbox WHERE lead_id = $1 AND kind = 'outcome_qualified'", [leadId])).toBe(0);
  expect(await count('SELECT count(*)::int AS n FROM lead_outcomes WHERE lead_id = $1', [leadId])).toBe(0);

  await activities.recordOutcome({ ...broken, events: [event(2, 'outcome_decided')], notify: { ...notify, kind: 'outcome_qualified', ccRepId: null } });
  expect(await count("SELECT count(*)::int AS n FROM notification_outbox WHERE lead_id = $1 AND kind = 'outcome_qualified'", [leadId])).toBe(1);
  expect(await count('SELECT count(*)::int AS n FROM lead_outcomes WHERE lead_id = $1', [leadId])).toBe(1);
});

it('loadRuleset activates the shipped default on a fresh database; without a usable ruleset the lead keeps its own or retries, never fails', async () => {
  const active = await activities.loadRuleset();
  expect(active.version).toMatch(/\+[0-9a-f]{16}$/);
  const pinned = createActivities({ pool, pinnedRulesetVersion: 'missing+0000' });
  const env = new MockActivityEnvironment();
  await expect(env.run(pinned.loadRuleset, {})).rejects.toMatchObject({ type: 'RulesetUnavailable', nonRetryable: false });
  await expect(env.run(pinned.loadRuleset, { keepVersion: 'missing+0001' })).rejects.toMatchObject({ type: 'RulesetUnavailable', nonRetryable: false });
  // The lead keeps the version it holds: the answer names it and leaves the content out.
  await expect(env.run(pinned.loadRuleset, { keepVersion: active.version })).resolves.toEqual({ version: active.version });
});

it('loadRuleset leaves the content out only when the lead already holds the version it loads', async () => {
  const active = await activities.loadRuleset();
  expect(active.ruleset).toBeDefined();
  expect(await activities.loadRuleset({ keepVersion: active.version })).toEqual({ version: active.version });
  expect(await activities.loadRuleset({ keepVersion: 'an-older-version+0000000000000000' })).toEqual(active);
  expect(await activities.loadRuleset({ keepVersion: null })).toEqual(active);
  // Capture's answer always carries the content: a new run holds no ruleset yet.
  const leadId = `lead_${randomUUID()}`;
  const capture = { leadId, intake: inboundLead(), view: view(leadId, { rulesetVersion: null }), events: [event(0, 'captured')], lastEventSeq: 0, keepVersion: active.version };
  expect(await activities.captureLead(capture)).toEqual(active);
});
