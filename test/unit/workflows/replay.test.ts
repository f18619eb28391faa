import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DeterminismViolationError } from '@temporalio/workflow';
import { ReplayError, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { asType } from '../../support/history';
import { bundleLeadWorkflows, leadReplayOptions } from '../../support/temporal';

/**
 * Replays recorded lead histories (test/histories, made by `npm run
 * histories:record`) against today's workflow code. A change that makes a
 * running lead take a different path fails here: it needs `patched()` or a new
 * workflow type, not a re-recording. Replay runs with the encrypting data
 * converter, as production workers do: histories recorded before encryption
 * hold plain payloads, which the codec passes through. Replay needs no server
 * or database, so this runs with the unit tests, as the SDK's own do.
 */
const historiesDir = path.join(__dirname, '..', '..', 'histories');
const files = readdirSync(historiesDir).filter((f) => f.endsWith('.json')).sort();

let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  bundle = await bundleLeadWorkflows();
});

const paths = [
  'qualified-in-one-call',
  'qualified-stepwise',
  'urgent-escalated-then-silent',
  'nurture-cycle-then-disqualified',
  'nurture-cycle-then-disqualified.run2',
  'unqualified-at-fit-check',
];

const VERSIONS_FROM_V3 = ['v3', 'v4', 'v5', 'v6', 'v7', 'v8', 'v9', 'v10', 'v11'];

/** Paths recorded from v10 (V6) on (v10, v11): a judgement taken back when its write finds another ruleset, at capture and at a wake-up. */
const TAKE_BACK_PATHS = ['captured-under-an-older-ruleset', 'woken-after-a-publication', 'woken-after-a-publication.run2'];

/** Paths recorded from v3 on: the FIFO lock and signal writer, a reopened lead. */
const v3Paths = ['engaged-resubmitted-then-qualified', 'reopened-by-manager', 'reopened-by-manager.run2'];

it('has recorded histories for every path worth protecting: remote writes (v1), local writes (v2), encrypted with the FIFO lock and signal writer (v3), one write per step (v4), the V2 type without patch markers (v5), the V3 type capturing in one write (v6), the V4 type routing in one write (v7), its wake-up loads without the ruleset it holds (v8), the V5 type waking in one write (v9), the V6 type routing in the capture write (v10), the V7 type judging a fired timer by its deadline (v11)', () => {
  const expected = [
    ...paths.flatMap((p) => [`${p}.json`, `v1-remote-writes.${p}.json`, ...VERSIONS_FROM_V3.map((v) => `${v}.${p}.json`)]),
    ...v3Paths.flatMap((p) => VERSIONS_FROM_V3.map((v) => `${v}.${p}.json`)),
    ...['v10', 'v11'].flatMap((v) => TAKE_BACK_PATHS.map((p) => `${v}.${p}.json`)),
  ];
  expect(files).toEqual(expect.arrayContaining(expected));
});

const replay = (history: unknown, name: string) =>
  Worker.runReplayHistory(leadReplayOptions(bundle), history, name);

it('replays every recorded history deterministically, the whole folder in one replay worker', async () => {
  const histories = files.map((file) => ({ workflowId: file, history: JSON.parse(readFileSync(path.join(historiesDir, file), 'utf8')) }));
  const results: Array<{ file: string; error: string | null }> = [];
  for await (const result of Worker.runReplayHistories(leadReplayOptions(bundle), histories)) {
    results.push({ file: result.workflowId, error: result.error ? `${result.error.name}: ${result.error.message}` : null });
  }
  expect(results).toEqual(files.map((file) => ({ file, error: null })));
});

type HistoryJson = { events: Array<Record<string, unknown> & { eventId: string; eventType: string }> };

/** The history without the given events, ids renumbered and every reference to an event id following. */
function withoutEvents(history: HistoryJson, drop: Set<string>): HistoryJson {
  const renumbered = new Map<string, string>();
  const kept = history.events.filter((e) => !drop.has(e.eventId));
  kept.forEach((e, i) => renumbered.set(e.eventId, String(i + 1)));
  const remap = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(remap);
    if (!value || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, /EventId$|^eventId$/.test(k) && typeof v === 'string' ? (renumbered.get(v) ?? v) : remap(v)]),
    );
  };
  return { ...history, events: kept.map((e) => remap(e) as HistoryJson['events'][number]) };
}

/** Each version's newest patch marker, and the markers before it (each recorded with the SDK's own search-attribute upsert after it). */
const negativeControls = [
  { file: 'v3.qualified-in-one-call.json', patches: ['local-db-writes', 'fifo-lock-signal-writer'] },
  { file: 'v4.qualified-in-one-call.json', patches: ['local-db-writes', 'fifo-lock-signal-writer', 'one-write-per-step'] },
];

function patchId(marker: HistoryJson['events'][number]): string {
  const details = (marker.markerRecordedEventAttributes as { details: Record<string, { payloads: Array<{ data: string }> }> }).details;
  return (JSON.parse(Buffer.from(details['patch-data']!.payloads[0]!.data, 'base64').toString()) as { id: string }).id;
}

it.each(negativeControls)('fails $file without its newest patch marker (negative control)', async ({ file, patches }) => {
  const history = JSON.parse(readFileSync(path.join(historiesDir, file), 'utf8')) as HistoryJson;
  const markers = history.events.filter((e) => (e.markerRecordedEventAttributes as { markerName?: string } | undefined)?.markerName === 'core_patch');
  expect(markers).toHaveLength(patches.length);
  const marker = markers[markers.length - 1]!;
  const upsert = history.events[history.events.indexOf(marker) + 1]!;
  expect(upsert.eventType).toBe('EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES');
  expect(markers.map(patchId)).toEqual(patches);
  // The rewrite itself changes nothing a replay sees: dropping nothing still replays.
  await expect(replay(withoutEvents(history, new Set()), 'rewritten')).resolves.toBeUndefined();
  await expect(replay(withoutEvents(history, new Set([marker.eventId, upsert.eventId])), 'tampered')).rejects.toThrow(DeterminismViolationError);
});

const markerName = (e: HistoryJson['events'][number]) => (e.markerRecordedEventAttributes as { markerName?: string } | undefined)?.markerName;
const workflowType = (history: HistoryJson) =>
  (history.events[0]!.workflowExecutionStartedEventAttributes as { workflowType: { name: string } }).workflowType.name;

/** The workflow type each recorded version's leads were started as (unlisted versions: the original type, patch markers and all). */
const TYPE_OF_VERSION: Record<string, string> = {
  'v5.': 'leadQualificationWorkflowV2',
  'v6.': 'leadQualificationWorkflowV3',
  'v7.': 'leadQualificationWorkflowV4',
  'v8.': 'leadQualificationWorkflowV4',
  'v9.': 'leadQualificationWorkflowV5',
  'v10.': 'leadQualificationWorkflowV6',
  'v11.': 'leadQualificationWorkflowV7',
};
const typeOfFile = (file: string) => TYPE_OF_VERSION[`${file.split('.')[0]}.`] ?? 'leadQualificationWorkflow';

it('records each version as its workflow type: V2 (v5), V3 (v6), V4 (v7, v8), V5 (v9), V6 (v10) and V7 (v11) with no patch marker, older ones as leadQualificationWorkflow', () => {
  for (const file of files) {
    const history = JSON.parse(readFileSync(path.join(historiesDir, file), 'utf8')) as HistoryJson;
    const type = typeOfFile(file);
    expect([file, workflowType(history)]).toEqual([file, type]);
    if (type !== 'leadQualificationWorkflow') expect([file, history.events.filter((e) => markerName(e) === 'core_patch')]).toEqual([file, []]);
  }
});

const localActivities = (history: HistoryJson) => history.events.filter((e) => markerName(e) === 'core_local_activity');

it.each([
  // V2 loads the ruleset, then writes: the second local activity is the lead's first write.
  { file: 'v5.qualified-in-one-call.json', captureWrite: 1 },
  // V3 loads the ruleset in the lead's first write: the first local activity.
  { file: 'v6.qualified-in-one-call.json', captureWrite: 0 },
  // V4 as V3 at capture; its second local activity is routing's one write.
  { file: 'v7.qualified-in-one-call.json', captureWrite: 0 },
])('fails $file without its capture write (negative control: markers no longer stand between versions)', async ({ file, captureWrite }) => {
  const history = JSON.parse(readFileSync(path.join(historiesDir, file), 'utf8')) as HistoryJson;
  const writes = localActivities(history);
  expect(writes.length).toBeGreaterThanOrEqual(2);
  await expect(replay(withoutEvents(history, new Set()), 'rewritten')).resolves.toBeUndefined();
  await expect(replay(withoutEvents(history, new Set([writes[captureWrite]!.eventId])), 'tampered')).rejects.toThrow(DeterminismViolationError);
});

it.each(['v7.qualified-in-one-call.json', 'v7.nurture-cycle-then-disqualified.run2.json', 'v8.nurture-cycle-then-disqualified.run2.json'])(
  'fails %s without its routing write (negative control: routing is one local activity, assignment and write together)',
  async (file) => {
    const history = JSON.parse(readFileSync(path.join(historiesDir, file), 'utf8')) as HistoryJson;
    const writes = localActivities(history);
    // Capture (or a new cycle's ruleset load), then routing: nothing else is local on the way to a rep.
    expect(writes).toHaveLength(2);
    await expect(replay(withoutEvents(history, new Set([writes[1]!.eventId])), 'tampered')).rejects.toThrow(DeterminismViolationError);
  },
);

it('fails a V2 history replayed as the older type, which asks markers the history does not have (negative control)', async () => {
  const history = JSON.parse(readFileSync(path.join(historiesDir, 'v5.qualified-in-one-call.json'), 'utf8')) as HistoryJson;
  await expect(replay(asType(history, 'leadQualificationWorkflow'), 'older type')).rejects.toThrow(DeterminismViolationError);
});

/**
 * V2 schedules two local activities at capture where V3 recorded one. Replaying
 * this history, the SDK (1.24) matches each local activity to a marker by
 * sequence number and here does not compare activity types (it does below, for
 * V4 as V3: which path checks depends on how the marker is reached), so V2 is
 * handed V3's results in turn until one does not fit: the assignment comes back
 * empty and the workflow task fails, a ReplayError rather than a determinism
 * error. A change of local activities whose results kept their shape could
 * replay silently, which is why V3 is a type of its own and not an edit of V2.
 */
it('fails a V3 history replayed as V2 (negative control)', async () => {
  const history = JSON.parse(readFileSync(path.join(historiesDir, 'v6.qualified-in-one-call.json'), 'utf8')) as HistoryJson;
  await expect(replay(asType(history, 'leadQualificationWorkflowV2'), 'older type')).rejects.toThrow(ReplayError);
});

/** V3 assigns the rep in a local activity of its own where V4 recorded routing's one write: the SDK names the mismatch this time. */
it('fails a V4 history replayed as V3 (negative control)', async () => {
  const history = JSON.parse(readFileSync(path.join(historiesDir, 'v7.qualified-in-one-call.json'), 'utf8')) as HistoryJson;
  await expect(replay(asType(history, 'leadQualificationWorkflowV3'), 'older type')).rejects.toThrow(
    expect.objectContaining({ name: 'DeterminismViolationError', message: expect.stringContaining("recorded marker 'recordRouting' does not match") }),
  );
});

/** A local activity's recorded result, in encoded (sealed) bytes: enough to tell a version from a whole ruleset. */
function resultBytes(marker: HistoryJson['events'][number]): number {
  const details = (marker.markerRecordedEventAttributes as { details: Record<string, { payloads: Array<{ data: string }> }> }).details;
  return details['result']!.payloads.reduce((n, p) => n + Buffer.from(p.data, 'base64').length, 0);
}

/**
 * A nurture lead wakes holding the ruleset it loaded last cycle: from v8 on, the
 * wake's load answers with the version alone when it is still the active one.
 * The v7 wake carried the whole ruleset; both replay on today's code (above).
 */
it('records a wake-up load that finds the version the lead holds as the version alone (v8), where v7 carried the ruleset', () => {
  const wakeLoad = (file: string) => {
    const history = JSON.parse(readFileSync(path.join(historiesDir, file), 'utf8')) as HistoryJson;
    return resultBytes(localActivities(history)[0]!);
  };
  expect(wakeLoad('v7.nurture-cycle-then-disqualified.run2.json')).toBeGreaterThan(4_000);
  expect(wakeLoad('v8.nurture-cycle-then-disqualified.run2.json')).toBeLessThan(200);
});

/** The local activity a marker recorded, by type (core writes the marker's own data unsealed). */
function activityType(marker: HistoryJson['events'][number]): string {
  const details = (marker.markerRecordedEventAttributes as { details: Record<string, { payloads: Array<{ data: string }> }> }).details;
  return (JSON.parse(Buffer.from(details['data']!.payloads[0]!.data, 'base64').toString()) as { activity_type: string }).activity_type;
}

const readHistory = (file: string) => JSON.parse(readFileSync(path.join(historiesDir, file), 'utf8')) as HistoryJson;

/**
 * V5 wakes in one local activity, routing's write confirming the ruleset, where V4 loaded it and then wrote;
 * V6 routes a new lead in its capture write, where V5 captured and then routed. Replayed as the type before,
 * each is handed the other local activity's answer (matched by sequence number, as V3 as V2 above) and its task fails.
 */
it.each([
  { file: 'nurture-cycle-then-disqualified.run2.json', type: 'V5', before: 'v8', now: 'v9', olderType: 'leadQualificationWorkflowV4', was: ['loadRuleset', 'recordRouting'], is: 'routeOnRuleset' },
  { file: 'qualified-in-one-call.json', type: 'V6', before: 'v9', now: 'v10', olderType: 'leadQualificationWorkflowV5', was: ['captureLead', 'recordRouting'], is: 'captureAndRoute' },
])('records $file as one local activity from $type on, and fails without it or as the type before (negative controls)', async ({ file, before, now, olderType, was, is }) => {
  expect(localActivities(readHistory(`${before}.${file}`)).map(activityType)).toEqual(was);
  const history = readHistory(`${now}.${file}`);
  const writes = localActivities(history);
  expect(writes.map(activityType)).toEqual([is]);
  await expect(replay(withoutEvents(history, new Set([writes[0]!.eventId])), 'tampered')).rejects.toThrow(DeterminismViolationError);
  await expect(replay(asType(history, olderType), 'older type')).rejects.toThrow(ReplayError);
});

/** The taken-back judgements, as recorded: the one write answered with a ruleset, then the step as a V4 lead writes it. */
it.each([
  { file: 'v10.captured-under-an-older-ruleset.json', writes: ['captureAndRoute', 'recordLead', 'recordRouting'] },
  { file: 'v10.woken-after-a-publication.run2.json', writes: ['routeOnRuleset', 'recordRouting'] },
])('records $file as a judgement taken back and made again', ({ file, writes }) => {
  expect(localActivities(readHistory(file)).map(activityType)).toEqual(writes);
});

/**
 * Kept from a fault-test run (test/histories/found, outside the folder replayed whole): a V6 lead whose first task
 * completed without commands (the SDK answering a query while capture's write was out) and whose response window
 * then closed it. Replayed, the first task runs with the next at that task's time, so the window starts later than
 * in the run, and a fired timer checked against the clock alone (V6) finds it not yet due and sets another timer where
 * the run decided. V7 judges a fired timer by the deadline it was set for and replays it as the run decided.
 */
it('replays a lead whose first task is merged on replay and whose window then closed it: V6 diverges, V7 decides as the run did', async () => {
  const history = JSON.parse(readFileSync(path.join(historiesDir, 'found', 'v10.first-task-merged-then-window-closed.json'), 'utf8')) as HistoryJson;
  expect(workflowType(history)).toBe('leadQualificationWorkflowV6');
  const types = history.events.map((e) => e.eventType.replace('EVENT_TYPE_', ''));
  // The first task completed without commands; the capture write's marker came with the next.
  expect(types.slice(2, 9)).toEqual([
    'WORKFLOW_TASK_SCHEDULED',
    'WORKFLOW_TASK_STARTED',
    'WORKFLOW_TASK_COMPLETED',
    'WORKFLOW_TASK_SCHEDULED',
    'WORKFLOW_TASK_STARTED',
    'WORKFLOW_TASK_COMPLETED',
    'MARKER_RECORDED',
  ]);
  // The window's timer fired and the run decided at once (the outcome's search attributes), with no second timer.
  expect(types.slice(11, 16)).toEqual(['TIMER_FIRED', 'WORKFLOW_TASK_SCHEDULED', 'WORKFLOW_TASK_STARTED', 'WORKFLOW_TASK_COMPLETED', 'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES']);
  expect(types.filter((t) => t === 'TIMER_STARTED')).toHaveLength(1);
  await expect(replay(history, 'as V6')).rejects.toThrow(DeterminismViolationError);
  await expect(replay(asType(history, 'leadQualificationWorkflowV7'), 'as V7')).resolves.toBeUndefined();
});

/**
 * Kept from the live test of a wake-up whose routing write was held
 * (test/integration/lead-workflow.test.ts): two discovery Updates, a stranger's
 * and a manager's, were taken while the write was out (a validator then judges
 * only the role) and decided under the lock once it was written: the stranger's
 * refused as not the owner, the manager's applied. Validators do not run on
 * replay, so the taken Updates replay as taken, each after the write.
 */
it('replays Updates taken while routing was written and decided after it; without them the commands they made diverge (negative control)', async () => {
  const history = JSON.parse(readFileSync(path.join(historiesDir, 'found', 'v11.updates-taken-while-routing-was-written.json'), 'utf8')) as HistoryJson;
  expect(workflowType(history)).toBe('leadQualificationWorkflowV7');
  const types = history.events.map((e) => e.eventType.replace('EVENT_TYPE_', ''));
  const accepted = history.events.filter((e) => e.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED');
  expect(accepted).toHaveLength(2);
  // Both taken before routing's write was recorded (its marker), both answered after it.
  const routingMarker = types.indexOf('MARKER_RECORDED');
  expect(types.indexOf('WORKFLOW_EXECUTION_UPDATE_ACCEPTED')).toBeLessThan(routingMarker);
  expect(types.indexOf('WORKFLOW_EXECUTION_UPDATE_COMPLETED')).toBeGreaterThan(routingMarker);
  await expect(replay(history, 'as recorded')).resolves.toBeUndefined();
  await expect(replay(withoutEvents(history, new Set(accepted.map((e) => e.eventId))), 'updates dropped')).rejects.toThrow(DeterminismViolationError);
});
