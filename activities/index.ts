/**
 * Every side effect of a lead workflow. Each activity is idempotent under retry:
 * writes are keyed (lead + event sequence, lead + cycle, message key), so a
 * retried attempt writes nothing twice.
 */
import { ApplicationFailure, log, metricMeter } from '@temporalio/activity';
import type { Pool, PoolClient } from 'pg';
import { assignRouting, RulesetError, type Assignment, type LeadIntake, type Ruleset, type Team } from '../domain';
import { insertLead, insertOutcome, updateLead, type RecordLeadInput, type RecordOutcomeInput, type RecordStageInput } from '../db/leads';
import { enqueueNotification, type NotifyInput } from '../db/outbox';
import { assignRep, lockLead, type AssignRepInput, type RecordedAssignment } from '../db/reps';
import { activeRuleset, findRuleset, type StoredRuleset } from '../db/rulesets';
import { inTransaction } from '../db/tx';

export interface ActivityDeps {
  pool: Pool;
  /** Load this stored ruleset version instead of the active one (a canary worker, or a test). */
  pinnedRulesetVersion?: string;
}

export interface LoadRulesetInput {
  /** The version the lead already carries: what it keeps when the active ruleset does not validate. */
  keepVersion?: string | null;
}

/** A stored version that validates, else null. */
async function validStored(pool: Pool, version: string): Promise<StoredRuleset | null> {
  try {
    return await findRuleset(pool, version);
  } catch (error) {
    if (error instanceof RulesetError) return null;
    throw error;
  }
}

/**
 * A configuration mistake never kills a lead: a broken active (or pinned)
 * ruleset makes the lead keep the version it carries, or wait with retries
 * until someone fixes the ruleset. Every such load is counted and logged
 * (versions only, no lead data).
 */
async function loadRuleset(pool: Pool, pinned: string | undefined, input: LoadRulesetInput): Promise<StoredRuleset> {
  let problem: string;
  try {
    const loaded = pinned ? await findRuleset(pool, pinned) : await activeRuleset(pool);
    if (loaded) return loaded;
    problem = 'pinned ruleset is not stored';
  } catch (error) {
    if (!(error instanceof RulesetError)) throw error;
    problem = pinned ? 'pinned ruleset does not validate' : 'active ruleset does not validate';
  }
  const kept = input.keepVersion ? await validStored(pool, input.keepVersion) : null;
  metricMeter
    .createCounter('leadgate_ruleset_load_fallbacks', 'loads', 'Ruleset loads that found no valid active (or pinned) ruleset, by what the lead did instead')
    .add(1, { fallback: kept ? 'kept_version' : 'retry' });
  log.warn('no valid ruleset to load', { problem, pinned: pinned ?? null, keptVersion: kept?.version ?? null });
  if (kept) return kept;
  // Retryable on purpose: the lead waits, with backoff, until a valid ruleset is active again.
  throw ApplicationFailure.retryable(`No valid ruleset to load (${problem}) and the lead carries none; retrying`, 'RulesetUnavailable');
}

/**
 * A load's answer: the version, and its content only when the lead does not
 * already hold that version. A nurture lead wakes holding the version it loaded
 * last cycle, so the content (some 6 KB) is left out of its wake's history then.
 */
export interface LoadedRuleset {
  version: string;
  ruleset?: Ruleset;
}

function withoutKeptContent(loaded: StoredRuleset, keepVersion: string | null | undefined): LoadedRuleset {
  return loaded.version === keepVersion ? { version: loaded.version } : loaded;
}

export type CaptureLeadInput = RecordLeadInput & LoadRulesetInput;

/**
 * A lead's first write under the ruleset it will be judged by: loads the ruleset,
 * records the lead with that version, and returns it — one local activity at
 * capture where there were two. A retry loads again and rewrites the same
 * snapshot (same event sequence) with the version it returns, so the read model
 * and the lead agree even if a ruleset was published in between.
 */
async function captureLead(pool: Pool, pinned: string | undefined, input: CaptureLeadInput): Promise<StoredRuleset> {
  const { keepVersion, ...record } = input;
  const loaded = await loadRuleset(pool, pinned, { keepVersion });
  await insertLead(pool, { ...record, view: { ...record.view, rulesetVersion: loaded.version } });
  return loaded;
}

export interface RecordRoutingInput {
  team: Team;
  /** The routing step with no owner yet: the rep picked here is filled in before it is written. */
  step: RecordStageInput;
}

/**
 * Routing's one write: picks the rep (round robin; a retry gets the same rep
 * back) and records the step with that rep filled in, its message addressed to
 * them; the workflow fills its own state in from the answer the same way.
 */
async function recordRouting(pool: Pool | PoolClient, routing: RecordRoutingInput, check?: (recorded: RecordedAssignment | null) => void): Promise<Assignment> {
  const { team, step } = routing;
  const assignment = await assignRep(pool, { leadId: step.leadId, cycle: step.view.cycle, team }, check);
  await writeRouted(pool, routing, assignment);
  return assignment;
}

/** The routing step with the picked rep filled in, written over the lead's row. */
function writeRouted(pool: Pool | PoolClient, { step }: RecordRoutingInput, assignment: Assignment): Promise<void> {
  return updateLead(pool, assignRouting(step, assignment));
}

export interface RouteOnRulesetInput extends RecordRoutingInput {
  /** The ruleset the lead judged the step under: the step is written only if that is still the one to use. */
  rulesetVersion: string;
}

export interface CaptureAndRouteInput extends RouteOnRulesetInput {
  intake: LeadIntake;
}

/** Routing's write, done; or the ruleset to judge the step under instead, with nothing written. */
export type RouteOnRulesetAnswer = { assignment: Assignment } | { ruleset: StoredRuleset };

/** Thrown inside a routing write's transaction to roll it back: the step is to be judged again, under this ruleset. */
class JudgeAgain extends Error {
  constructor(readonly ruleset: StoredRuleset) {
    super(`judge the step again under ruleset ${ruleset.version}`);
  }
}

/**
 * Writes a routing step the lead judged under a ruleset it already had (the one
 * it holds at a nurture wake-up, or the one the API handed it at capture) if a
 * load just before the write gives that same version: one local activity where
 * a load and a write were two. Another version (published in between) and
 * nothing is written: the answer is that ruleset, and the lead judges the step
 * again under it. A step once written stands: if the cycle already has its rep,
 * an earlier run of this write committed and its answer was lost (a re-run
 * after a failed workflow task starts again at attempt 1, so attempts cannot
 * tell), and it is written again as it was, whatever is active now; a rep
 * recorded for another team is another judgement's, which stands, and nothing
 * is written (the answer: judge again, under what a load gives). The lead's
 * row is locked for the write (a new lead's, once `firstWrite` inserts it), so
 * two runs of it at once take turns.
 */
async function writeOnRuleset(
  pool: Pool,
  pinned: string | undefined,
  { rulesetVersion, ...routing }: RouteOnRulesetInput,
  firstWrite?: (client: PoolClient) => Promise<void>,
): Promise<RouteOnRulesetAnswer> {
  const { leadId } = routing.step;
  const loaded = await loadRuleset(pool, pinned, { keepVersion: rulesetVersion });
  try {
    return await inTransaction(pool, async (client) => {
      // A new lead's upsert locks its row as an update would, even when its sequence guard leaves the row as it is.
      if (firstWrite) await firstWrite(client);
      else await lockLead(client, leadId);
      // Assignment's read, after the lock, tells whether the cycle already has its rep: only an unwritten step checks the version.
      const assignment = await recordRouting(client, routing, (recorded) => {
        if (!recorded && loaded.version !== rulesetVersion) throw new JudgeAgain(loaded);
        // Recorded for another team: another judgement of the cycle was written (this write is a stale run's, from a task
        // Temporal discarded before the lead took its judgement back and routed again). That one stands; this writes nothing.
        if (recorded && recorded.team !== routing.team) throw new JudgeAgain(loaded);
      });
      return { assignment };
    });
  } catch (error) {
    if (error instanceof JudgeAgain) return { ruleset: error.ruleset };
    throw error;
  }
}

export function createActivities({ pool, pinnedRulesetVersion }: ActivityDeps) {
  return {
    loadRuleset: async (input: LoadRulesetInput = {}): Promise<LoadedRuleset> => withoutKeptContent(await loadRuleset(pool, pinnedRulesetVersion, input), input.keepVersion),
    captureLead: (input: CaptureLeadInput) => captureLead(pool, pinnedRulesetVersion, input),
    recordLead: (input: RecordLeadInput) => insertLead(pool, input),
    recordStage: (input: RecordStageInput) => updateLead(pool, input),
    assignRep: (input: AssignRepInput) => assignRep(pool, input),
    recordRouting: (input: RecordRoutingInput) => recordRouting(pool, input),
    /** A woken nurture lead's routing (leadQualificationWorkflowV5 on). */
    routeOnRuleset: (input: RouteOnRulesetInput) => writeOnRuleset(pool, pinnedRulesetVersion, input),
    /**
     * A new lead's first write, routed (leadQualificationWorkflowV6 on): its row first (a rep's assignment names an
     * existing lead; its events and message come with routing's write), then routing, in one transaction.
     */
    captureAndRoute: ({ intake, ...input }: CaptureAndRouteInput) =>
      writeOnRuleset(pool, pinnedRulesetVersion, input, (client) => {
        const { leadId, view, lastEventSeq } = input.step;
        return insertLead(client, { leadId, view, lastEventSeq, events: [], intake });
      }),
    notify: (input: NotifyInput) => enqueueNotification(pool, input),
    recordOutcome: (input: RecordOutcomeInput) => insertOutcome(pool, input),
  };
}

export type LeadActivities = ReturnType<typeof createActivities>;
