/**
 * What a new submission does to a closed lead: open a new cycle, be recorded
 * for the lead's owner, or be recorded and leave the lead closed. The rules are
 * data (the ruleset's `reopen` section); this is the one pure reading of them,
 * free of zod so any floor can call it.
 */
import type { OutcomeStatus } from './schemas';

export type ResubmissionDecision = 'reopen' | 'record' | 'stay_closed';

export interface ReopenRules {
  /** Outcomes whose lead is already someone's deal: the resubmission is recorded for the owner, nothing reopens. */
  recordStatuses: readonly OutcomeStatus[];
  /** Reason codes that close a lead for good (vendor, competitor, student, job seeker), whatever the status. */
  stayClosedReasons: readonly string[];
  /** Outcomes that reopen on a resubmission ("not now" rather than "never"). */
  reopenStatuses: readonly OutcomeStatus[];
  /** Reason codes that reopen whatever the status: timing reasons, exhausted nurture. */
  reopenReasons: readonly string[];
}

/** The part of a stored outcome the decision reads. */
export interface ClosedOutcome {
  status: OutcomeStatus;
  reasons: ReadonlyArray<{ code: string }>;
}

/**
 * Record first (a won lead is never reopened behind its owner), then the
 * permanent reasons, then what reopens; anything not listed stays closed.
 */
export function decideResubmission(lastOutcome: ClosedOutcome | null, ruleset: { reopen: ReopenRules }): ResubmissionDecision {
  if (!lastOutcome) return 'stay_closed';
  const rules = ruleset.reopen;
  const codes = lastOutcome.reasons.map((r) => r.code);
  if (rules.recordStatuses.includes(lastOutcome.status)) return 'record';
  if (codes.some((code) => rules.stayClosedReasons.includes(code))) return 'stay_closed';
  if (rules.reopenStatuses.includes(lastOutcome.status)) return 'reopen';
  if (codes.some((code) => rules.reopenReasons.includes(code))) return 'reopen';
  return 'stay_closed';
}
