/**
 * What happens to a submission: it is written to the intake outbox first, then
 * handed to Temporal — a new lead is started, a running lead gets it, a closed
 * lead is reopened or the submission is recorded on it (the ruleset's reopen
 * rules decide). When Temporal cannot take it right now the caller hears
 * `queued` and the relay hands it over once Temporal answers.
 */
import { runEvery, type BackgroundLoop } from '../platform/background-loop';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { decideResubmission, defaultRuleset, leadIdFor, RulesetError, type LeadIntake, type Ruleset } from '../domain';
import {
  claimQueuedIntakes,
  closedCycleState,
  confirmReopen,
  findLeadRecord,
  markHandedOver,
  purgeHandedOverIntakes,
  queueIntake,
  recordClosedResubmission,
  releaseIntake,
  reserveReopen,
  unclaimIntakes,
  unwrittenReopen,
  type LeadRecord,
  type QueuedIntake,
  type ReopenRequest,
} from '../db/intake';
import { activeRuleset, rulesetForStarts } from '../db/rulesets';
import type { Logger } from '../platform/logger';
import type { InboundSubmission } from '../workflows/messages';
import { goingRunId, newSubmission, runEnded, signalSubmission, startReopenedRun, submitLead, type ReopenInput } from './lead-client';
import type { IntakeStatus } from './schemas';

export interface IntakeDeps {
  temporal: Client;
  taskQueue: string;
  pool: Pool;
  log: Logger;
}

/** How long the intake waits for Temporal before answering `queued`: a web form should not hang on an outage. */
const TEMPORAL_HANDOVER_MS = 3_000;

export type HandoverStatus = Exclude<IntakeStatus, 'queued'>;

/** A Temporal call within the hand-over deadline; calls that share one pass the same `deadline`. */
function withTemporal<T>(deps: IntakeDeps, call: () => Promise<T>, deadline = Date.now() + TEMPORAL_HANDOVER_MS): Promise<T> {
  return deps.temporal.withDeadline(deadline, call);
}

/** The ruleset whose reopen rules decide; a broken active ruleset falls back to the shipped rules rather than failing the intake. */
async function decisionRuleset(deps: IntakeDeps): Promise<Ruleset> {
  try {
    return (await activeRuleset(deps.pool)).ruleset;
  } catch (error) {
    if (!(error instanceof RulesetError)) throw error;
    deps.log.warn('active ruleset does not validate; the shipped reopen rules decide');
    return defaultRuleset;
  }
}

/**
 * What a reopen did: started the new cycle's run; found it taken (another
 * reopen's run started, or the lead is no longer closed at this cycle); or
 * found a run with the lead's id still going, so nothing was written and the
 * caller retries in a moment.
 */
export type ReopenResult = 'reopened' | 'taken' | 'running';

/**
 * Opens a closed lead as a new cycle from the read model (see startReopenedRun).
 * Only once Temporal holds no running run of the lead: a closed run finishing
 * its last writes still takes event numbers. Then the reopen is written
 * (reserveReopen), so the new run's events start after every event the closed
 * cycle has, a resubmission recorded a moment ago included.
 */
export async function reopenLead(
  deps: IntakeDeps,
  lead: LeadRecord,
  submission: InboundSubmission,
  why: { reason: ReopenInput['reason']; actor?: string; note?: string | null },
): Promise<ReopenResult> {
  if (await withTemporal(deps, () => goingRunId(deps.temporal, lead.leadId))) return 'running';
  const request: ReopenRequest = {
    leadId: lead.leadId, cycle: lead.cycle, reason: why.reason, actor: why.actor ?? null, note: why.note ?? null, submissionId: submission.submissionId,
  };
  const reserved = (await reserveReopen(deps.pool, request)) ?? (await takeOverUnwrittenReopen(deps, request));
  if (!reserved) return 'taken';
  const reopen: ReopenInput = {
    previousCycle: lead.cycle,
    nextSeq: reserved.nextSeq,
    createdAt: lead.createdAt,
    reason: why.reason,
    ...(why.actor ? { actor: why.actor } : {}),
  };
  // Not started here (Temporal away, or a concurrent reopen's run won): the reservation holds the closed cycle until a retry takes it over or it lapses.
  const ruleset = (await rulesetForStarts(deps.pool)) ?? undefined;
  const started = await withTemporal(deps, () => startReopenedRun(deps.temporal, deps.taskQueue, { leadId: lead.leadId, submission, reopen, ruleset }));
  if (!started) return 'taken';
  // If this write is lost the hold lapses on its own; normally the run's first write has closed the cycle to resubmissions by then.
  await confirmReopen(deps.pool, request).catch((error: unknown) =>
    deps.log.warn({ err: error, leadId: lead.leadId }, 'could not confirm a reopen; its hold on the closed cycle lapses on its own'),
  );
  return 'reopened';
}

/**
 * A confirmed reopen of this cycle whose run ended before its first write (an
 * operator terminated it, say) would keep the lead closed for good: it is taken
 * over, as it stood when Temporal was then seen to hold no run of the lead.
 */
async function takeOverUnwrittenReopen(deps: IntakeDeps, request: ReopenRequest): Promise<{ nextSeq: number } | null> {
  const version = await unwrittenReopen(deps.pool, request);
  if (version === null) return null;
  if (await withTemporal(deps, () => goingRunId(deps.temporal, request.leadId))) return null;
  return reserveReopen(deps.pool, request, { takeOver: version });
}

/**
 * Records a submission on the lead's closed cycle once Temporal holds no run of
 * the lead: the closed run may still be writing its last events, and a reopen's
 * run may have started behind its reopener's deadline, and either takes the
 * number this record would. A reopen's run gets the submission instead (false);
 * with none on record, the closed run is waited for (it closes a moment after
 * its outcome). Still finishing past the hand-over deadline, or Temporal away,
 * the submission is left to the relay (throws): nothing is recorded on a guess.
 */
async function recordOnClosedCycle(deps: IntakeDeps, lead: LeadRecord, submission: InboundSubmission, decision: 'record' | 'stay_closed'): Promise<boolean> {
  const record = { leadId: lead.leadId, cycle: lead.cycle, submissionId: submission.submissionId, decision };
  const state = await closedCycleState(deps.pool, record);
  if (state.seen) return true;
  if (!state.closed || state.held) return false;
  // One deadline for the question and the wait, so a hand-over stays within it.
  const deadline = Date.now() + TEMPORAL_HANDOVER_MS;
  const going = await withTemporal(deps, () => goingRunId(deps.temporal, lead.leadId), deadline);
  if (going) {
    if (state.reopens !== null) return false;
    await withTemporal(deps, () => runEnded(deps.temporal, lead.leadId, going), deadline);
  }
  return (await recordClosedResubmission(deps.pool, { ...record, reopensSeen: state.reopens })) === 'recorded';
}

async function closedLeadSubmission(deps: IntakeDeps, lead: LeadRecord, submission: InboundSubmission): Promise<HandoverStatus> {
  const decision = decideResubmission(lead.outcome, await decisionRuleset(deps));
  if (decision === 'reopen') {
    const reopened = await reopenLead(deps, lead, submission, { reason: 'resubmitted' });
    if (reopened === 'reopened') return 'reopened';
    // The closed run is still finishing (or a reopen's run has not written yet): the relay hands this over again in a moment, to whichever run is then going.
    if (reopened === 'running') throw new Error("the lead's run is still going; the submission waits for the relay");
  } else if (await recordOnClosedCycle(deps, lead, submission, decision)) {
    return 'recorded';
  }
  // Reopened a moment ago (by another submission or a manager): this one goes to that run like any resubmission,
  // once the run has written its first event. Before that it waits for the relay: a run ended before its first
  // write (an operator terminated it) never reads its signals, and the relay then records or reopens afresh.
  const { closed } = await closedCycleState(deps.pool, { leadId: lead.leadId, cycle: lead.cycle, submissionId: submission.submissionId });
  if (closed) throw new Error("the lead's reopened run has not written yet; the submission waits for the relay");
  await withTemporal(deps, () => signalSubmission(deps.temporal, lead.leadId, submission));
  return 'duplicate';
}

/**
 * Hands one written submission to Temporal, given its lead as the read model
 * had it (null: not written yet); throws when Temporal cannot take it now (the
 * row stays queued).
 */
async function handOver(deps: IntakeDeps, queued: QueuedIntake, lead: LeadRecord | null): Promise<HandoverStatus> {
  const { leadId, submission } = queued;
  if (lead?.stage === 'outcome') return closedLeadSubmission(deps, lead, submission);
  // A lead the read model holds is running: its start input, ruleset and all, would go unread.
  const ruleset = lead ? undefined : ((await rulesetForStarts(deps.pool)) ?? undefined);
  const submitted = await withTemporal(deps, () => submitLead(deps.temporal, deps.taskQueue, submission.intake, { leadId, submission, ruleset }));
  if (submitted.reachedWorkflow) return lead ? 'duplicate' : 'accepted';
  // Temporal still holds the closed run; the read model, read a moment ago, may have trailed it.
  const closed = await findLeadRecord(deps.pool, leadId);
  return closed?.stage === 'outcome' ? closedLeadSubmission(deps, closed, submission) : 'duplicate';
}

async function handOverAndMark(deps: IntakeDeps, queued: QueuedIntake, lead: LeadRecord | null): Promise<HandoverStatus> {
  const status = await handOver(deps, queued, lead);
  // Temporal has it; if this mark is lost the relay hands it over again, which its submission id makes a no-op.
  await markHandedOver(deps.pool, queued.submission.submissionId, status).catch((error: unknown) =>
    deps.log.warn({ err: error, leadId: queued.leadId }, 'could not mark an intake as handed over; the relay will repeat it harmlessly'),
  );
  return status;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export type IntakeResult =
  | { replayed: false; leadId: string; status: IntakeStatus }
  | { replayed: true; leadId: string; sameRequest: boolean };

/**
 * A new submission: written first (with its idempotency key, in one short
 * transaction that never spans a Temporal call), then handed over. Database
 * errors reach the caller (503); Temporal's never do — the submission is kept.
 */
export async function submitIntake(deps: IntakeDeps, intake: LeadIntake, idempotency?: { key: string; requestHash: string }): Promise<IntakeResult> {
  const queued: QueuedIntake = { leadId: leadIdFor(intake.contact.email, intake.domain), submission: newSubmission(intake) };
  const claim = await queueIntake(deps.pool, queued, idempotency);
  if (!claim.claimed) return { replayed: true, leadId: claim.leadId, sameRequest: claim.sameRequest };
  try {
    return { replayed: false, leadId: queued.leadId, status: await handOverAndMark(deps, queued, claim.lead) };
  } catch (error) {
    deps.log.warn({ leadId: queued.leadId, error: describe(error) }, 'intake queued: Temporal could not take it now');
    await releaseIntake(deps.pool, queued.submission.submissionId, describe(error)).catch(() => undefined);
    return { replayed: false, leadId: queued.leadId, status: 'queued' };
  }
}

/**
 * One pass of the relay: hands queued submissions over, oldest first. The first
 * one Temporal refuses ends the pass (the rest are left for the next one);
 * claims are row leases, so several API processes can run the relay at once.
 * Rows that failed back off by their own attempts, so a pass during an outage
 * probes with one row and a poisoned row never blocks the others.
 */
export async function relayQueuedIntakes(deps: IntakeDeps, batchSize = 50): Promise<{ handedOver: number; failed: number }> {
  const batch = await claimQueuedIntakes(deps.pool, batchSize);
  let handedOver = 0;
  for (const [index, queued] of batch.entries()) {
    try {
      await handOverAndMark(deps, queued, await findLeadRecord(deps.pool, queued.leadId));
      handedOver++;
    } catch (error) {
      // One probe per pass while Temporal is away: this row backs off, the untried rest wait for the next pass.
      const untried = batch.slice(index + 1).map((q) => q.submission.submissionId);
      await releaseIntake(deps.pool, queued.submission.submissionId, describe(error)).catch(() => undefined);
      await unclaimIntakes(deps.pool, untried).catch(() => undefined);
      return { handedOver, failed: untried.length + 1 };
    }
  }
  return { handedOver, failed: 0 };
}

const PURGE_EVERY_MS = 60 * 60_000;

/** Runs the relay every `intervalMs` until stopped; a failed pass (database or Temporal away) is logged and the loop goes on. */
export function startIntakeRelay(deps: IntakeDeps, intervalMs: number): BackgroundLoop {
  let purgedAt = 0;
  return runEvery(intervalMs, async () => {
    try {
      if (Date.now() - purgedAt > PURGE_EVERY_MS) {
        await purgeHandedOverIntakes(deps.pool);
        purgedAt = Date.now();
      }
      const { handedOver, failed } = await relayQueuedIntakes(deps);
      if (handedOver > 0 || failed > 0) deps.log.info({ handedOver, stillQueued: failed }, 'intake relay pass');
    } catch (error) {
      deps.log.warn({ error: describe(error) }, 'intake relay pass failed; retrying');
    }
  });
}
