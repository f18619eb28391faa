import { WorkflowUpdateFailedError, WorkflowUpdateStage, type WorkflowUpdateHandle } from '@temporalio/client';
import { leadHandle, newSubmission, submitLead } from '../../api/lead-client';
import { defaultRuleset, leadIdFor, rulesetVersion } from '../../domain';
import { findRuleset } from '../../db/rulesets';
import { WORKFLOW_STACK_FRAMES } from '../../workflows/sandbox';
import { LeadOutcome, LeadOwner, LeadStage, LeadTeam } from '../../workflows/search-attributes';
import {
  getLeadStateQuery,
  reengageNowSignal,
  submitInboundSignal,
  disqualifyUpdate,
  submitCommercialUpdate,
  submitDiscoveryUpdate,
  submitScopeUpdate,
  type LeadSummary,
} from '../../workflows/messages';
import { blockedBy, eventually } from '../support/db';
import { eventTypeNames } from '../support/history';
import { qualifyingDiscovery, unconfirmedNeedDiscovery } from '../support/discovery';
import { inboundLead } from '../support/intake';
import { fastRuleset, storeRuleset } from '../support/rulesets';
import { asManager, asRep, historyEventTypes, replayLead, routedLead, waitForStage, withWorker, type Harness, createHarness, closeHarness } from '../support/lead-harness';

let h: Harness;

beforeAll(async () => {
  h = await createHarness([{ repId: 'lw-ss-1', team: 'solution_specialist' }]);
});

afterAll(() => closeHarness(h));

/** The rejection type an Update failed with (validator or handler). */
async function rejection(promise: Promise<unknown>): Promise<{ type: string | undefined; message: string; details: unknown[] }> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof WorkflowUpdateFailedError)) throw error;
    const cause = error.cause as { type?: string; message: string; details?: unknown[] };
    return { type: cause.type, message: cause.message, details: cause.details ?? [] };
  }
  throw new Error('expected the Update to be rejected');
}

it('qualifies an inbound lead in one discovery call, with handoff checklist, audit trail and search attributes', async () => {
  await withWorker(h, 'qualify', async ({ taskQueue }) => {
    const { leadId, view, handle } = await routedLead(h, taskQueue);
    expect(view.route).toMatchObject({ team: 'solution_specialist', escalated: false });
    expect(view.owner).toEqual(expect.any(String));
    expect(view.rulesetVersion).toBe(h.rulesetVersion);
    expect(view.scores?.reasons.length).toBeGreaterThan(0);

    const summary = await handle.executeUpdate(submitDiscoveryUpdate, { args: [{ actor: asRep(view.owner), payload: qualifyingDiscovery() }] });
    expect(summary).toMatchObject({ leadId, stage: 'outcome', outcome: 'qualified', owner: view.owner, cycle: 0 });
    const done = await handle.query(getLeadStateQuery);
    expect(done.lifecycle).toBe('sql');
    expect(done.outcome).toMatchObject({ status: 'qualified', nextAction: expect.stringMatching(/technical review/i) });
    expect(done.handoff).toMatchObject({ environments: expect.arrayContaining(['AWS prod']), stakeholders: expect.any(Array), timeline: expect.any(String) });
    await expect(handle.result()).resolves.toMatchObject({ leadId, stage: 'outcome', outcome: 'qualified' });

    const outcomes = await h.pool.query('SELECT status, cycle, handoff IS NOT NULL AS has_handoff FROM lead_outcomes WHERE lead_id = $1', [leadId]);
    expect(outcomes.rows).toEqual([{ status: 'qualified', cycle: 0, has_handoff: true }]);
    const events = await h.pool.query<{ type: string }>("SELECT type FROM lead_events WHERE lead_id = $1 AND type <> 'stage_changed' ORDER BY id", [leadId]);
    expect(events.rows.map((e) => e.type)).toEqual([
      'captured', 'fit_checked', 'routed', 'discovery_submitted', 'scope_submitted', 'commercial_submitted', 'outcome_decided',
    ]);
    const row = await h.pool.query('SELECT stage, outcome_status, lifecycle FROM leads WHERE lead_id = $1', [leadId]);
    expect(row.rows[0]).toEqual({ stage: 'outcome', outcome_status: 'qualified', lifecycle: 'sql' });

    const described = await handle.describe();
    expect(described.typedSearchAttributes.get(LeadStage)).toBe('outcome');
    expect(described.typedSearchAttributes.get(LeadOutcome)).toBe('qualified');
    expect(described.typedSearchAttributes.get(LeadTeam)).toBe('solution_specialist');
  });
});

it('walks discovery, scope and commercial as three separate rep submissions', async () => {
  await withWorker(h, 'stepwise', async ({ taskQueue }) => {
    const { handle, view } = await routedLead(h, taskQueue);
    const { scope, commercial, ...discoveryOnly } = qualifyingDiscovery();
    const actor = asRep(view.owner);
    const afterDiscovery = await handle.executeUpdate(submitDiscoveryUpdate, { args: [{ actor, payload: discoveryOnly }] });
    expect(afterDiscovery.stage).toBe('scope_check');
    const afterScope = await handle.executeUpdate(submitScopeUpdate, { args: [{ actor, payload: scope! }] });
    expect(afterScope.stage).toBe('commercial_check');
    const afterCommercial = await handle.executeUpdate(submitCommercialUpdate, { args: [{ actor, payload: commercial! }] });
    expect(afterCommercial.outcome).toBe('qualified');
  });
});

it('closes a clear mismatch as unqualified at the fit check without spending a rep', async () => {
  await withWorker(h, 'mismatch', async ({ taskQueue }) => {
    const { leadId } = await submitLead(h.env.client, taskQueue, {
      ...inboundLead(),
      contact: { name: 'Chris Doe', email: `chris.${Date.now()}@gmail.com`, title: 'Student' },
      message: 'I am a student writing my thesis on SOC tooling, could you share some material?',
    });
    const closed = await waitForStage(h, leadId, 'outcome');
    expect(closed.outcome?.status).toBe('unqualified');
    expect(closed.owner).toBeNull();
    expect(closed.outcome?.reasons.map((r) => r.code)).toContain('student');
    const assignments = await h.pool.query('SELECT 1 FROM rep_assignments WHERE lead_id = $1', [leadId]);
    expect(assignments.rowCount).toBe(0);
  });
});

it('returns the same lead for a duplicate submission and never forks a second workflow', async () => {
  await withWorker(h, 'duplicate', async ({ taskQueue }) => {
    const { leadId, intake } = await routedLead(h, taskQueue);
    const again = await submitLead(h.env.client, taskQueue, { ...intake, contact: { ...intake.contact, email: intake.contact.email.toUpperCase() } });
    expect(again.leadId).toBe(leadId);
    const resubmitted = await waitForStage(h, leadId, 'awaiting_discovery', (v) => v.events.some((e) => e.type === 'resubmitted'));
    expect(resubmitted.cycle).toBe(0);
    const runs = [];
    for await (const run of h.env.client.workflow.list({ query: `WorkflowId = '${leadId}'` })) runs.push(run.runId);
    expect(runs).toHaveLength(1);
  });
});

// Local activities to routed, as when each type's leads started: ruleset, capture write, assignment, routed write (V3 captures in one write, V4 routes in one).
it.each([
  { olderType: 'leadQualificationWorkflow', patchMarkers: 3, toRouted: 4 },
  { olderType: 'leadQualificationWorkflowV2', patchMarkers: 0, toRouted: 4 },
  { olderType: 'leadQualificationWorkflowV3', patchMarkers: 0, toRouted: 3 },
  { olderType: 'leadQualificationWorkflowV4', patchMarkers: 0, toRouted: 2 },
  { olderType: 'leadQualificationWorkflowV5', patchMarkers: 0, toRouted: 2 },
])('keeps a lead started as $olderType on it: the API reaches it, it qualifies, and its history stays its own', async ({ olderType, patchMarkers, toRouted }) => {
  await withWorker(h, 'older-type', async ({ taskQueue }) => {
    const intake = inboundLead();
    const leadId = leadIdFor(intake.contact.email, intake.domain);
    const submission = newSubmission(intake);
    // As leads started before the current type were.
    await h.env.client.workflow.signalWithStart(olderType, {
      workflowId: leadId,
      taskQueue,
      args: [{ leadId, submission }],
      signal: submitInboundSignal,
      signalArgs: [submission],
      typedSearchAttributes: [{ key: LeadStage, value: 'captured' }],
    });
    await waitForStage(h, leadId, 'awaiting_discovery', (v) => v.owner !== null);
    const toRoutedMarkers = await markerNames(leadId);
    expect(toRoutedMarkers.filter((m) => m === 'core_patch')).toHaveLength(patchMarkers);
    expect(toRoutedMarkers.filter((m) => m === 'core_local_activity')).toHaveLength(toRouted);

    const again = await submitLead(h.env.client, taskQueue, intake);
    expect(again).toEqual({ leadId, reachedWorkflow: true });
    const resubmitted = await waitForStage(h, leadId, 'awaiting_discovery', (v) => v.events.some((e) => e.type === 'resubmitted'));
    const done = await leadHandle(h.env.client, leadId).executeUpdate(submitDiscoveryUpdate, { args: [{ actor: asRep(resubmitted.owner), payload: qualifyingDiscovery() }] });
    expect(done.outcome).toBe('qualified');

    const runs = [];
    for await (const run of h.env.client.workflow.list({ query: `WorkflowId = '${leadId}'` })) runs.push(run.type);
    expect(runs).toEqual([olderType]);
    expect((await markerNames(leadId)).filter((m) => m === 'core_patch')).toHaveLength(patchMarkers);
  });
});

it('starts new leads as leadQualificationWorkflowV7: handed no ruleset, capture to routed in two local activities (capture, routing with its assignment)', async () => {
  await withWorker(h, 'v7-type', async ({ taskQueue }) => {
    const { leadId, view } = await routedLead(h, taskQueue);
    const description = await leadHandle(h.env.client, leadId).describe();
    expect(description.type).toBe('leadQualificationWorkflowV7');
    // The query answered once the routing task completed: its markers are in the history.
    const markers = await markerNames(leadId);
    expect(markers.filter((m) => m === 'core_patch')).toEqual([]);
    expect(markers.filter((m) => m === 'core_local_activity')).toHaveLength(2);
    // The lead and the read model name the same owner, on the lead, its routed event, its message and its search attribute.
    const row = await h.pool.query<{ owner_rep_id: string; ruleset_version: string }>('SELECT owner_rep_id, ruleset_version FROM leads WHERE lead_id = $1', [leadId]);
    expect(row.rows[0]?.owner_rep_id).toBe(view.owner);
    expect(description.typedSearchAttributes.get(LeadOwner)).toBe(view.owner);
    expect(view.events.find((e) => e.type === 'routed')?.data).toMatchObject({ owner: view.owner });
    const written = await h.pool.query<{ data: { owner: string } }>("SELECT data FROM lead_events WHERE lead_id = $1 AND type = 'routed'", [leadId]);
    expect(written.rows.map((r) => r.data.owner)).toEqual([view.owner]);
    const message = await h.pool.query<{ recipient_rep_id: string }>("SELECT recipient_rep_id FROM notification_outbox WHERE lead_id = $1 AND kind LIKE '%lead_assigned'", [leadId]);
    expect(message.rows.map((r) => r.recipient_rep_id)).toEqual([view.owner]);
    // The capture write recorded the lead under the ruleset it loaded, the one the lead was routed by.
    expect(view.rulesetVersion).toEqual(expect.any(String));
    expect(row.rows[0]?.ruleset_version).toBe(view.rulesetVersion);
  });
});

describe('a lead handed the active ruleset (leadQualificationWorkflowV6 on)', () => {
  const trail = async (leadId: string) =>
    (
      await h.pool.query<{ type: string; n: number }>(
        "SELECT type, count(*)::int AS n FROM lead_events WHERE lead_id = $1 AND type IN ('captured', 'fit_checked', 'routed') GROUP BY type ORDER BY type",
        [leadId],
      )
    ).rows;

  it('is judged by it and routed in its first write: one local activity from capture to a rep', async () => {
    await withWorker(h, 'v6-one-write', async ({ taskQueue }) => {
      const ruleset = (await findRuleset(h.pool, h.rulesetVersion))!;
      const { leadId, view } = await routedLead(h, taskQueue, {}, { ruleset });
      expect(await localActivitiesOnceWritten(leadId, 1)).toEqual(['captureAndRoute']);
      expect(view).toMatchObject({ stage: 'awaiting_discovery', rulesetVersion: h.rulesetVersion, owner: expect.any(String) });
      const row = await h.pool.query('SELECT stage, owner_rep_id, ruleset_version, intake IS NOT NULL AS has_intake FROM leads WHERE lead_id = $1', [leadId]);
      expect(row.rows).toEqual([{ stage: 'awaiting_discovery', owner_rep_id: view.owner, ruleset_version: h.rulesetVersion, has_intake: true }]);
      expect(await trail(leadId)).toEqual([{ type: 'captured', n: 1 }, { type: 'fit_checked', n: 1 }, { type: 'routed', n: 1 }]);
      const message = await h.pool.query<{ recipient_rep_id: string }>("SELECT recipient_rep_id FROM notification_outbox WHERE lead_id = $1 AND kind LIKE '%lead_assigned'", [leadId]);
      expect(message.rows.map((r) => r.recipient_rep_id)).toEqual([view.owner]);
    });
  });

  it('handed a ruleset its worker does not use, writes the capture alone and is judged again by the worker\'s, nothing twice', async () => {
    await withWorker(h, 'v6-taken-back', async ({ taskQueue }) => {
      // The worker is pinned to the file's ruleset; the lead is handed the shipped default, as if a publication landed in between.
      const handed = { version: rulesetVersion(defaultRuleset), ruleset: defaultRuleset };
      const { leadId } = await routedLead(h, taskQueue, {}, { ruleset: handed });
      // A query can see the judgement before its write answers; the lead as it stands once judged again.
      const view = await waitForStage(h, leadId, 'awaiting_discovery', (v) => v.owner !== null && v.rulesetVersion === h.rulesetVersion);
      expect(await localActivitiesOnceWritten(leadId, 3)).toEqual(['captureAndRoute', 'recordLead', 'recordRouting']);
      expect(view).toMatchObject({ stage: 'awaiting_discovery', rulesetVersion: h.rulesetVersion, owner: expect.any(String) });
      expect((await h.pool.query('SELECT ruleset_version, owner_rep_id FROM leads WHERE lead_id = $1', [leadId])).rows).toEqual([
        { ruleset_version: h.rulesetVersion, owner_rep_id: view.owner },
      ]);
      expect(await trail(leadId)).toEqual([{ type: 'captured', n: 1 }, { type: 'fit_checked', n: 1 }, { type: 'routed', n: 1 }]);
      expect((await h.pool.query('SELECT cycle FROM rep_assignments WHERE lead_id = $1', [leadId])).rows).toEqual([{ cycle: 0 }]);
      // The run's own trail agrees: one judgement, under the worker's ruleset.
      expect(view.events.filter((e) => e.type === 'fit_checked')).toHaveLength(1);
    });
  });
});

/** The run's local activities once `count` are in its history: a query can answer from a task whose completion is still on its way. */
function localActivitiesOnceWritten(leadId: string, count: number): Promise<string[]> {
  return eventually(() => localActivityTypes(leadId), (types) => types.length >= count);
}

/** The local activities the lead's run ran, in order, by type (core writes the marker's own data unsealed). */
async function localActivityTypes(leadId: string): Promise<string[]> {
  const history = await leadHandle(h.env.client, leadId).fetchHistory();
  return (history.events ?? []).flatMap((e) => {
    const marker = e.markerRecordedEventAttributes;
    if (marker?.markerName !== 'core_local_activity') return [];
    const data = marker.details?.['data']?.payloads?.[0]?.data;
    return [(JSON.parse(Buffer.from(data ?? []).toString()) as { activity_type: string }).activity_type];
  });
}

async function markerNames(leadId: string): Promise<string[]> {
  const history = await leadHandle(h.env.client, leadId).fetchHistory();
  return (history.events ?? []).flatMap((e) => e.markerRecordedEventAttributes?.markerName ?? []);
}

it('rejects an invalid discovery with the failing fields, before anything enters history', async () => {
  await withWorker(h, 'invalid', async ({ taskQueue }) => {
    const { leadId, handle, view } = await routedLead(h, taskQueue);
    const bad = { ...qualifyingDiscovery(), needConfirmed: 'yes', nextMeeting: { at: 'tomorrow', type: 'lunch' }, surprise: 1 };
    const rejected = await rejection(handle.executeUpdate(submitDiscoveryUpdate, { args: [{ actor: asRep(view.owner), payload: bad as never }] }));
    expect(rejected.type).toBe('InvalidPayload');
    const fields = (rejected.details[0] as { fields: Array<{ path: string }> }).fields.map((f) => f.path).sort();
    expect(fields).toEqual(expect.arrayContaining(['needConfirmed', 'nextMeeting.at', 'nextMeeting.type']));
    expect(rejected.message).toMatch(/surprise/);
    const types = await historyEventTypes(h, leadId);
    expect(types).toContain('EVENT_TYPE_WORKFLOW_EXECUTION_STARTED');
    expect(types.filter((t) => t.includes('UPDATE'))).toEqual([]);
  });
});

it('lets only the owner or a manager act, and refuses actions for another stage', async () => {
  await withWorker(h, 'owner', async ({ taskQueue }) => {
    const { handle, view } = await routedLead(h, taskQueue);
    const notOwner = await rejection(handle.executeUpdate(submitDiscoveryUpdate, { args: [{ actor: asRep('someone-else'), payload: qualifyingDiscovery() }] }));
    expect(notOwner.type).toBe('NotOwner');
    const wrongStage = await rejection(handle.executeUpdate(submitScopeUpdate, { args: [{ actor: asRep(view.owner), payload: { logAccess: 'yes', onboardingTeamAvailable: 'yes' } }] }));
    expect(wrongStage).toMatchObject({ type: 'WrongStage', message: expect.stringContaining('awaiting_discovery') });
    const byManager = await handle.executeUpdate(submitDiscoveryUpdate, { args: [{ actor: asManager, payload: qualifyingDiscovery() }] });
    expect(byManager.outcome).toBe('qualified');
    const view2 = await handle.query(getLeadStateQuery);
    expect(view2.events.find((e) => e.type === 'discovery_submitted')?.actor).toBe('manager');
  });
});

it('shows a wake-up as it stood before routing until routing is written, and decides an Update taken meanwhile once it is', async () => {
  // Nurture sleeps an hour: the lead wakes when this test asks, once it holds the lock.
  const sleepsAnHour = await storeRuleset(h.pool, fastRuleset({ nurture: { defaultCadence: '1h', minimumDelay: '1h' } }));
  await withWorker(h, 'unshown', async ({ taskQueue }) => {
    const { leadId, handle, view } = await routedLead(h, taskQueue);
    await handle.executeUpdate(submitDiscoveryUpdate, { args: [{ actor: asRep(view.owner), payload: unconfirmedNeedDiscovery() }] });
    await waitForStage(h, leadId, 'nurture');
    const send = (actor: ReturnType<typeof asRep> | typeof asManager, payload: unknown) =>
      handle.startUpdate(submitDiscoveryUpdate, { args: [{ actor, payload: payload as never }], waitForStage: WorkflowUpdateStage.ACCEPTED });
    // The wake-up's routing write locks the lead's row first; holding that lock keeps the write out for as long as this test needs.
    const holder = await h.pool.connect();
    let taken: Array<WorkflowUpdateHandle<LeadSummary>>;
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM leads WHERE lead_id = $1 FOR UPDATE', [leadId]);
      await handle.signal(reengageNowSignal, { requestedBy: 'manager' });
      await blockedBy(h.pool, holder);
      const meanwhile = await handle.query(getLeadStateQuery);
      expect(meanwhile).toMatchObject({ stage: 'fit_check', cycle: 1, owner: null });
      const types = meanwhile.events.map((e) => e.type);
      expect(types.slice(types.lastIndexOf('reengaged'))).toEqual(['reengaged', 'stage_changed']);
      const [malformed, ...rest] = await Promise.all([
        send(asManager, { ...qualifyingDiscovery(), needConfirmed: 'yes' }),
        send(asRep('someone-else'), qualifyingDiscovery()),
        send(asManager, qualifyingDiscovery()),
      ]);
      // Answered while the write is still held (the read model still shows the lead asleep): the payload's shape is judged at once, and refused;
      // the owner and stage, which the write decides, are judged once it is written, so the other two are taken and wait.
      const row = await h.pool.query('SELECT stage FROM leads WHERE lead_id = $1', [leadId]);
      expect(row.rows).toEqual([{ stage: 'nurture' }]);
      expect(await rejection(malformed!.result())).toMatchObject({ type: 'InvalidPayload' });
      taken = rest;
      await holder.query('COMMIT');
    } finally {
      // A failed check leaves the transaction open: end it, so the wake-up's write goes free (a no-op after COMMIT).
      await holder.query('ROLLBACK');
      holder.release();
    }
    const [byStranger, byManager] = taken;
    // Judged under the lock against the lead as routing left it: the stranger does not own it, the manager may act.
    expect(await rejection(byStranger!.result())).toMatchObject({ type: 'NotOwner' });
    expect(await byManager!.result()).toMatchObject({ cycle: 1, stage: 'outcome', outcome: 'qualified' });
    // The team's round robin is shared with other files' reps: the rep shown is the one the write recorded.
    const assigned = await h.pool.query<{ rep_id: string }>('SELECT rep_id FROM rep_assignments WHERE lead_id = $1 AND cycle = 1', [leadId]);
    expect(assigned.rows).toEqual([{ rep_id: expect.any(String) }]);
    const done = await handle.query(getLeadStateQuery);
    expect(done.owner).toBe(assigned.rows[0]!.rep_id);
    const trail = done.events.map((e) => e.type).filter((t) => t !== 'stage_changed');
    expect(trail.slice(trail.lastIndexOf('reengaged'))).toEqual(['reengaged', 'fit_checked', 'routed', 'discovery_submitted', 'scope_submitted', 'commercial_submitted', 'outcome_decided']);
    const history = await leadHandle(h.env.client, leadId).fetchHistory();
    expect(eventTypeNames(history).filter((t) => t.includes('UPDATE_ACCEPTED'))).toHaveLength(2);
    // Validators do not run on replay: the Updates taken while the write was out replay as taken, each after the write.
    await expect(replayLead(h, history, leadId)).resolves.toBeUndefined();
  }, sleepsAnHour);
});

it('refuses a vague disqualification note and records a specific one as the outcome', async () => {
  await withWorker(h, 'disqualify', async ({ taskQueue }) => {
    const { leadId, handle, view } = await routedLead(h, taskQueue);
    const vague = await rejection(handle.executeUpdate(disqualifyUpdate, { args: [{ actor: asRep(view.owner), payload: { reason: 'no_budget_path', note: 'not a fit' } }] }));
    expect(vague.type).toBe('InvalidPayload');
    expect(vague.message).toMatch(/note/);
    const note = 'CFO froze all new security spend until the FY27 plan; no pilot or budget cycle before then';
    const closed = await handle.executeUpdate(disqualifyUpdate, { args: [{ actor: asRep(view.owner), payload: { reason: 'no_budget_path', note } }] });
    expect(closed.outcome).toBe('disqualified_for_now');
    expect((await handle.query(getLeadStateQuery)).outcome).toMatchObject({ status: 'disqualified_for_now', note });
    await eventually(() => h.pool.query('SELECT status FROM lead_outcomes WHERE lead_id = $1', [leadId]), (r) => r.rowCount === 1);
  });
});

it('answers the stack trace query with the workflow line a parked lead waits on (the sandbox keeps a short stack)', async () => {
  await withWorker(h, 'stack', async ({ taskQueue }) => {
    const { handle } = await routedLead(h, taskQueue);
    const stack = await handle.query<string>('__stack_trace');
    expect(stack).toMatch(/at waitForRep \(.*workflows\/lead-qualification\.ts:\d+:\d+\)/);
    // One entry per pending promise; the SDK's promise hook takes the first two of the frames.
    const framesPerPromise = stack.split('\n\n').map((entry) => entry.match(/^\s+at /gm)?.length ?? 0);
    expect(Math.max(...framesPerPromise)).toBe(WORKFLOW_STACK_FRAMES - 2);
  });
});
