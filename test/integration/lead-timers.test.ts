import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { DeterminismViolationError } from '@temporalio/workflow';
import { leadHandle, queryLeadState, submitLead } from '../../api/lead-client';
import { disqualifyUpdate, getLeadStateQuery, recordEngagementSignal, reengageNowSignal, submitDiscoveryUpdate } from '../../workflows/messages';
import { blockedBy, eventually } from '../support/db';
import { unconfirmedNeedDiscovery } from '../support/discovery';
import { inboundLead } from '../support/intake';
import { asManager, asRep, replayLead, routedLead, waitForStage, withWorker, type Harness, createHarness, closeHarness } from '../support/lead-harness';
import { asType, eventTypeNames, type HistoryJson } from '../support/history';
import { fastRuleset, storeRuleset } from '../support/rulesets';

/** Durable timers on the real dev server, with the ruleset's clocks shrunk to seconds. */
let h: Harness;

beforeAll(async () => {
  h = await createHarness([
    { repId: 'lt-ir-1', team: 'incident_response' },
    { repId: 'lt-ir-lead', team: 'incident_response', isTeamLead: true },
    { repId: 'lt-ss-1', team: 'solution_specialist' },
    { repId: 'lt-ss-2', team: 'solution_specialist' },
  ]);
});

afterAll(() => closeHarness(h));

const outbox = async (leadId: string) =>
  (
    await h.pool.query<{ kind: string; recipient_rep_id: string | null; is_team_lead: boolean | null }>(
      `SELECT o.kind, o.recipient_rep_id, r.is_team_lead FROM notification_outbox o
       LEFT JOIN reps r ON r.rep_id = o.recipient_rep_id WHERE o.lead_id = $1 ORDER BY o.id`,
      [leadId],
    )
  ).rows;

it('escalates an active incident at once, reminds the owner part-way and escalates to the team lead at the SLA', async () => {
  await withWorker(h, 'urgent', async ({ taskQueue }) => {
    const { leadId, view } = await routedLead(h, taskQueue, {
      primaryInterest: 'incident_response',
      message: 'Ransomware encrypted two file servers last night; we suspect the attacker is still inside.',
      timeline: { activeIncident: true },
    });
    expect(view.route).toMatchObject({ team: 'incident_response', urgency: 'urgent', escalated: true });
    // Urgent SLA 4s, reminder at half of it.
    expect(Date.parse(view.route!.slaDueAt) - Date.parse(view.route!.reminderAt)).toBe(2_000);

    const breached = await waitForStage(h, leadId, 'awaiting_discovery', (v) => v.sla?.escalatedAt != null);
    expect(breached.sla).toMatchObject({ breached: true, reminderSentAt: expect.any(String) });
    expect(Date.parse(breached.sla!.reminderSentAt!)).toBeLessThan(Date.parse(breached.sla!.escalatedAt!));

    const messages = await eventually(() => outbox(leadId), (rows) => rows.some((r) => r.kind === 'sla_escalation'));
    expect(messages.map((m) => m.kind)).toEqual(['urgent_lead_assigned', 'urgent_lead_assigned', 'sla_reminder', 'sla_escalation']);
    expect(messages[1]).toMatchObject({ is_team_lead: true });
    expect(messages[2]).toMatchObject({ recipient_rep_id: view.owner });
    expect(messages[3]).toMatchObject({ is_team_lead: true });
    const row = await h.pool.query('SELECT escalated FROM leads WHERE lead_id = $1', [leadId]);
    expect(row.rows[0]).toEqual({ escalated: true });
  });
});

it('closes a lead that never engages within the response window, counting the window from the last engagement', async () => {
  const version = await storeRuleset(h.pool, fastRuleset({ sla: { standard: '1h' }, engagement: { responseWindow: '6s' } }));
  await withWorker(
    h,
    'silent',
    async ({ taskQueue }) => {
      const { leadId, handle } = await routedLead(h, taskQueue);
      await handle.signal(recordEngagementSignal, { type: 'replied', detail: 'Asked to move the call to next week' });
      const closed = await waitForStage(h, leadId, 'outcome');
      expect(closed.outcome?.status).toBe('disqualified_for_now');
      expect(closed.outcome?.reasons.length).toBeGreaterThan(0);
      // From the lead's own trail: the read model's copy of the decision may still be on its way.
      const at = (type: string) => Date.parse(closed.events.find((e) => e.type === type)?.at ?? 'missing');
      expect(at('outcome_decided') - at('engagement_recorded')).toBeGreaterThanOrEqual(6_000);
    },
    version,
  );
});

it('parks a lead in nurture, continues as new, and routes it again with a fresh assignment when the timer fires', async () => {
  await withWorker(h, 'nurture', async ({ taskQueue }) => {
    const { leadId, view, handle } = await routedLead(h, taskQueue);
    const firstRun = (await handle.describe()).runId;
    const summary = await handle.executeUpdate(submitDiscoveryUpdate, { args: [{ actor: asRep(view.owner), payload: unconfirmedNeedDiscovery() }] });
    expect(summary).toMatchObject({ stage: 'nurture', outcome: 'nurture' });
    const parked = await handle.query(getLeadStateQuery);
    expect(parked.nurture).toEqual({ reengageAt: expect.any(String), cycle: 0 });

    // The first owner leaves before the lead wakes: the new cycle goes to another rep of the team.
    await h.pool.query('UPDATE reps SET active = false WHERE rep_id = $1', [view.owner]);
    let rerouted;
    try {
      rerouted = await waitForStage(h, leadId, 'awaiting_discovery', (v) => v.cycle === 1);
    } finally {
      await h.pool.query('UPDATE reps SET active = true WHERE rep_id = $1', [view.owner]);
    }
    expect(rerouted.owner).toEqual(expect.any(String));
    expect(rerouted.owner).not.toBe(view.owner);
    expect(rerouted.outcome).toBeNull();
    // Each routing on the trail names its own owner, live and as written.
    const routedOwners = (events: Array<{ type: string; data?: Record<string, unknown> }>) => events.filter((e) => e.type === 'routed').map((e) => e.data?.owner ?? null);
    expect(routedOwners(rerouted.events)).toEqual([view.owner, rerouted.owner]);
    const written = await h.pool.query<{ type: string; data: Record<string, unknown> }>("SELECT type, data FROM lead_events WHERE lead_id = $1 AND type = 'routed' ORDER BY id", [leadId]);
    expect(routedOwners(written.rows)).toEqual([view.owner, rerouted.owner]);
    expect(rerouted.events.map((e) => e.type)).toEqual(expect.arrayContaining(['outcome_decided', 'nurture_scheduled', 'reengaged', 'routed']));
    expect((await handle.describe()).runId).not.toBe(firstRun);

    const outcomes = await h.pool.query('SELECT cycle, status FROM lead_outcomes WHERE lead_id = $1', [leadId]);
    expect(outcomes.rows).toEqual([{ cycle: 0, status: 'nurture' }]);
    const assignments = await h.pool.query('SELECT cycle, open FROM rep_assignments WHERE lead_id = $1 ORDER BY cycle', [leadId]);
    expect(assignments.rows).toEqual([{ cycle: 0, open: false }, { cycle: 1, open: true }]);
    const seqs = await h.pool.query<{ n: number; distinct_keys: number }>(
      'SELECT count(*)::int AS n, count(DISTINCT event_key)::int AS distinct_keys FROM lead_events WHERE lead_id = $1',
      [leadId],
    );
    expect(seqs.rows[0]!.n).toBe(seqs.rows[0]!.distinct_keys);
  });
});

describe('waking a nurturing lead early', () => {
  let version: string;
  beforeAll(async () => {
    version = await storeRuleset(h.pool, fastRuleset({ nurture: { defaultCadence: '1h', minimumDelay: '1h' } }));
  });

  it.each([
    ['a new inbound submission', 'resubmitted'],
    ['a rep asking to re-engage now', 'reengaged_by_rep:lt-ss-1'],
  ])('wakes on %s', async (_how, reason) => {
    await withWorker(
      h,
      'wake',
      async ({ taskQueue }) => {
        const { leadId, view, handle, intake } = await routedLead(h, taskQueue);
        await handle.executeUpdate(submitDiscoveryUpdate, { args: [{ actor: asRep(view.owner), payload: unconfirmedNeedDiscovery() }] });
        const parked = await handle.query(getLeadStateQuery);
        expect(Date.parse(parked.nurture!.reengageAt) - Date.now()).toBeGreaterThan(30 * 60_000);
        await waitForStage(h, leadId, 'nurture');
        if (reason === 'resubmitted') await submitLead(h.env.client, taskQueue, { ...intake, message: 'Our auditor moved the SOC 2 fieldwork up; can we talk this week?' });
        else await handle.signal(reengageNowSignal, { requestedBy: 'rep:lt-ss-1' });
        const woken = await waitForStage(h, leadId, 'awaiting_discovery', (v) => v.cycle === 1);
        expect(woken.events.find((e) => e.type === 'reengaged')?.data).toMatchObject({ reason, cycle: 1 });
      },
      version,
    );
  });
});

it('closes the lead with a reason once it has used up its nurture cycles', async () => {
  const version = await storeRuleset(h.pool, fastRuleset({ nurture: { defaultCadence: '1s', maxCycles: 1 } }));
  await withWorker(
    h,
    'exhausted',
    async ({ taskQueue }) => {
      const { leadId, view, handle } = await routedLead(h, taskQueue);
      await handle.executeUpdate(submitDiscoveryUpdate, { args: [{ actor: asRep(view.owner), payload: unconfirmedNeedDiscovery() }] });
      const second = await waitForStage(h, leadId, 'awaiting_discovery', (v) => v.cycle === 1);
      await handle.executeUpdate(submitDiscoveryUpdate, { args: [{ actor: asRep(second.owner), payload: unconfirmedNeedDiscovery() }] });
      const closed = await waitForStage(h, leadId, 'outcome');
      expect(closed.outcome?.status).toBe('disqualified_for_now');
      expect(closed.events.map((e) => e.type)).toContain('nurture_cycles_exhausted');
      // The outcome row is written once the deciding task is committed, a moment after the lead shows it.
      const outcomes = await eventually(
        () => h.pool.query('SELECT cycle, status FROM lead_outcomes WHERE lead_id = $1 ORDER BY cycle', [leadId]),
        (r) => r.rowCount === 3,
      );
      expect(outcomes.rows).toEqual([
        { cycle: 0, status: 'nurture' },
        { cycle: 1, status: 'nurture' },
        { cycle: 2, status: 'disqualified_for_now' },
      ]);
    },
    version,
  );
});

it('continues as new when history grows long, keeping state, deadlines and the audit trail', async () => {
  await withWorker(h, 'long-history', async ({ taskQueue }) => {
    const { leadId, handle, view } = await routedLead(h, taskQueue, {}, { maxHistoryEvents: 150 });
    const firstRun = (await handle.describe()).runId;
    const signals = 200;
    for (let sent = 0; sent < signals; sent += 20) {
      await Promise.all(Array.from({ length: 20 }, (_, i) => handle.signal(recordEngagementSignal, { type: 'page_view', detail: `pricing page ${sent + i}` })));
    }
    const after = await eventually(
      async () => ({ view: await queryLeadState(h.env.client, leadId), runId: (await handle.describe()).runId }),
      ({ runId, view: v }) => runId !== firstRun && v.events.filter((e) => e.type === 'engagement_recorded').length > 0,
      30_000,
    );
    // What the first run committed, read back from its history: a query answered while a task was still in flight
    // can show state from an attempt Temporal then discarded (on a loaded box, a retried routing task has other times).
    const sealed = await h.env.client.workflow.getHandle(leadId, firstRun).query(getLeadStateQuery);
    expect(sealed).toMatchObject({ stage: 'awaiting_discovery', owner: view.owner, cycle: 0, route: { team: view.route!.team } });
    expect(after.view).toMatchObject({ stage: 'awaiting_discovery', owner: sealed.owner, cycle: 0, route: sealed.route });
    const recorded = await eventually(
      () => h.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM lead_events WHERE lead_id = $1 AND type = 'engagement_recorded'", [leadId]),
      (r) => r.rows[0]!.n === signals,
      30_000,
    );
    expect(recorded.rows[0]!.n).toBe(signals);
  });
});

it('closes a nurturing lead at once when a manager disqualifies it, without waiting for its date', async () => {
  const version = await storeRuleset(h.pool, fastRuleset({ nurture: { defaultCadence: '1h', minimumDelay: '1h' } }));
  await withWorker(
    h,
    'close-nurture',
    async ({ taskQueue }) => {
      const { leadId, view, handle } = await routedLead(h, taskQueue);
      await handle.executeUpdate(submitDiscoveryUpdate, { args: [{ actor: asRep(view.owner), payload: unconfirmedNeedDiscovery() }] });
      await waitForStage(h, leadId, 'nurture');
      const note = 'Acquired by a group that standardised on another MDR provider; no evaluation possible';
      await handle.executeUpdate(disqualifyUpdate, { args: [{ actor: asManager, payload: { reason: 'no_buying_intent', note } }] });
      await expect(handle.result()).resolves.toMatchObject({ stage: 'outcome', outcome: 'unqualified' });
      expect((await handle.query(getLeadStateQuery)).outcome).toMatchObject({ status: 'unqualified', note });
    },
    version,
  );
});

it('replays a lead whose capture write outlasted its first task and whose window then closed it as the run decided (V7; V6 diverges)', async () => {
  const ruleset = fastRuleset({ sla: { urgent: '1h', high: '1h', standard: '1h' }, engagement: { responseWindow: '2s', noEngagementOutcome: 'disqualified_for_now' } });
  const version = await storeRuleset(h.pool, ruleset);
  await withWorker(h, 'heartbeat', async ({ taskQueue }) => {
    // Handed its ruleset, as the API hands it, a V7 lead is judged and routed in its first task, and its window starts
    // then. The write confirms the version first: holding the table keeps the write out past that task's heartbeat (a
    // task completed without commands, at 80% of its timeout), which a query waits for.
    const holder = await h.pool.connect();
    let leadId: string;
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE rulesets IN ACCESS EXCLUSIVE MODE');
      ({ leadId } = await submitLead(h.env.client, taskQueue, inboundLead(), { ruleset: { version, ruleset } }));
      await blockedBy(h.pool, holder);
      await leadHandle(h.env.client, leadId).query(getLeadStateQuery);
      await holder.query('COMMIT');
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
    const closed = await waitForStage(h, leadId, 'outcome');
    expect(closed.outcome).toMatchObject({ status: 'disqualified_for_now', reasons: [expect.objectContaining({ code: 'no_engagement_in_window' })] });
    const history = await leadHandle(h.env.client, leadId).fetchHistory();
    const types = eventTypeNames(history);
    // The first task, the capture's, completed without commands (the write's marker comes with a later task's).
    expect(types.slice(2, 6)).toEqual(['EVENT_TYPE_WORKFLOW_TASK_SCHEDULED', 'EVENT_TYPE_WORKFLOW_TASK_STARTED', 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED', 'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED']);
    expect(types.indexOf('EVENT_TYPE_MARKER_RECORDED')).toBeGreaterThan(6);
    expect(types.filter((t) => t === 'EVENT_TYPE_TIMER_STARTED')).toHaveLength(1);
    // Replayed, the first task runs at a later task's time, and the window's start with it: the decision must not move.
    const replay = (replayed: unknown) => replayLead(h, replayed, leadId);
    expect((await leadHandle(h.env.client, leadId).describe()).type).toBe('leadQualificationWorkflowV7');
    await expect(replay(history)).resolves.toBeUndefined();
    // The same history as a V6 lead's, which checks the fired timer against the clock alone, diverges (negative control).
    const asV6 = asType(JSON.parse(historyToJSON(history)) as HistoryJson, 'leadQualificationWorkflowV6');
    await expect(replay(asV6)).rejects.toThrow(DeterminismViolationError);
  }, version);
});
