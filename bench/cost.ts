/**
 * Cost of a path from its real history: events, encoded bytes and Temporal
 * Cloud billable actions, counted the way Cloud bills them — each run's start
 * (client start or continue-as-new), each signal, each accepted update (rejected
 * ones never reach history: the caller adds them), each timer started (a
 * `condition` timeout included), each activity attempt, the local activities of
 * one workflow task as one, each search-attribute upsert, each child start and
 * external signal. Queries never reach history either: the caller adds them.
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;

export interface RunCost {
  events: number;
  bytes: number;
  actions: number;
  breakdown: Record<string, number>;
}

export function costOf(history: History): RunCost {
  const events = history.events ?? [];
  const breakdown: Record<string, number> = {};
  const add = (kind: string, n = 1) => (breakdown[kind] = (breakdown[kind] ?? 0) + n);
  const startedAttempt = new Map<string, number>();
  for (const e of events) {
    const a = e.activityTaskStartedEventAttributes;
    if (a) startedAttempt.set(String(a.scheduledEventId), a.attempt ?? 1);
  }
  const tasksWithLocalActivities = new Set<string>();
  let currentTask = '0';
  for (const e of events) {
    if (e.workflowTaskCompletedEventAttributes) currentTask = String(e.eventId);
    if (e.workflowExecutionStartedEventAttributes) add(e.workflowExecutionStartedEventAttributes.continuedExecutionRunId ? 'continue_as_new_start' : 'workflow_start');
    if (e.workflowExecutionSignaledEventAttributes) add('signal');
    if (e.workflowExecutionUpdateAcceptedEventAttributes) add('update');
    if (e.timerStartedEventAttributes) add('timer');
    if (e.activityTaskScheduledEventAttributes) add('activity_attempt', startedAttempt.get(String(e.eventId)) ?? 1);
    if (e.markerRecordedEventAttributes?.markerName === 'core_local_activity') tasksWithLocalActivities.add(currentTask);
    if (e.upsertWorkflowSearchAttributesEventAttributes) add('search_attribute_upsert');
    if (e.startChildWorkflowExecutionInitiatedEventAttributes) add('child_workflow_start');
    if (e.signalExternalWorkflowExecutionInitiatedEventAttributes) add('external_signal');
  }
  if (tasksWithLocalActivities.size) add('local_activity_batch', tasksWithLocalActivities.size);
  const actions = Object.values(breakdown).reduce((a, b) => a + b, 0);
  const bytes = temporal.api.history.v1.History.encode(history).finish().byteLength;
  return { events: events.length, bytes, actions, breakdown };
}

/** Every run of a workflow id, oldest first, following continue-as-new links back from the latest run. */
export async function runHistories(client: Client, workflowId: string): Promise<History[]> {
  const runs: History[] = [];
  let runId: string | undefined;
  for (let guard = 0; guard < 50; guard++) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    runs.unshift(history);
    const previous = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
    if (!previous) break;
    runId = previous;
  }
  return runs;
}

export function sumCosts(costs: RunCost[]): RunCost {
  const breakdown: Record<string, number> = {};
  for (const c of costs) for (const [k, v] of Object.entries(c.breakdown)) breakdown[k] = (breakdown[k] ?? 0) + v;
  return {
    events: costs.reduce((a, c) => a + c.events, 0),
    bytes: costs.reduce((a, c) => a + c.bytes, 0),
    actions: costs.reduce((a, c) => a + c.actions, 0),
    breakdown,
  };
}
