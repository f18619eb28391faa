import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Pool } from 'pg';
import { leadHandle, queryLeadState, submitLead, type SubmitOptions } from '../../api/lead-client';
import type { LeadView } from '../../domain/lead-view';
import { upsertRep } from '../../db/reps';
import type { LeadIntake, Ruleset, Team } from '../../domain';
import { eventually, testPool } from './db';
import { eventTypeNames } from './history';
import { inboundLead } from './intake';
import { fastRuleset, storeRuleset } from './rulesets';
import { bundleLeadWorkflows, connectTestEnv, createTestWorker, leadReplayOptions, uniqueTaskQueue } from './temporal';

export type TestRep = { repId: string; team: Team; isTeamLead?: boolean };

/**
 * One per test file: a client on the shared dev server, the workflow bundle
 * (built once), a pool, a ruleset with clocks in seconds, and the file's reps.
 */
export async function createHarness(reps: TestRep[], ruleset: Ruleset = fastRuleset()): Promise<Harness> {
  const [env, bundle] = await Promise.all([connectTestEnv(), bundleLeadWorkflows()]);
  const pool = testPool();
  const rulesetVersion = await storeRuleset(pool, ruleset);
  for (const rep of reps) {
    await upsertRep(pool, { repId: rep.repId, name: rep.repId, email: null, team: rep.team, capacity: 10_000, isTeamLead: rep.isTeamLead ?? false });
  }
  return { env, bundle, pool, rulesetVersion };
}

export async function closeHarness(h: Harness | undefined): Promise<void> {
  await h?.pool.end();
  await h?.env.teardown();
}

export interface Harness {
  env: TestWorkflowEnvironment;
  bundle: WorkflowBundleWithSourceMap;
  pool: Pool;
  rulesetVersion: string;
}

/** Runs `fn` with a fresh worker on its own task queue, so tests never share workflows or workers. */
export async function withWorker<T>(
  h: Harness,
  name: string,
  fn: (ctx: { taskQueue: string; worker: Worker }) => Promise<T>,
  rulesetVersion = h.rulesetVersion,
): Promise<T> {
  const taskQueue = uniqueTaskQueue(name);
  const worker = await createTestWorker({ env: h.env, pool: h.pool, bundle: h.bundle, taskQueue, pinnedRulesetVersion: rulesetVersion });
  return worker.runUntil(fn({ taskQueue, worker }));
}

export function waitForStage(h: Harness, leadId: string, stage: LeadView['stage'], accept: (v: LeadView) => boolean = () => true) {
  return eventually(() => queryLeadState(h.env.client, leadId), (v) => v.stage === stage && accept(v));
}

/** Submits a lead and waits until it sits in `awaiting_discovery` with an owner. */
export async function routedLead(h: Harness, taskQueue: string, overrides: Partial<LeadIntake> = {}, options: SubmitOptions = {}) {
  const intake = inboundLead(overrides);
  const { leadId } = await submitLead(h.env.client, taskQueue, intake, options);
  // Routing may find no active rep in the team; the tests using this one need a rep.
  const view = await waitForStage(h, leadId, 'awaiting_discovery', (v) => v.owner !== null);
  return { leadId, intake, view, handle: leadHandle(h.env.client, leadId) };
}

export const asRep = (repId: string | null) => ({ role: 'rep' as const, repId: repId ?? undefined });
export const asManager = { role: 'manager' as const };

export async function historyEventTypes(h: Harness, leadId: string): Promise<string[]> {
  const history = await leadHandle(h.env.client, leadId).fetchHistory();
  return eventTypeNames(history);
}

/** Replays a lead's history on this file's bundle; rejects on any divergence. */
export function replayLead(h: Harness, history: unknown, leadId: string): Promise<void> {
  return Worker.runReplayHistory(leadReplayOptions(h.bundle), history, leadId);
}
