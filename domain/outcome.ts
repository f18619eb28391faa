/**
 * The outcome of reference step 7: exactly one status, with reason codes, a
 * note specific enough to help the next call, and the next action.
 */
import type { Evaluation } from './evaluate';
import { statedTimeline } from './evaluate';
import type { FitResult } from './fit';
import type { Ruleset } from './ruleset';
import type { CommercialFindings, Discovery, DisqualifyReason, DisqualifyRequest, LeadIntake, MeetingType, Outcome, OutcomeStatus, Reason, ScopeFindings } from './schemas';
import type { Scores } from './score';
import { scoreLead } from './score';

export interface OutcomeInput {
  trigger: 'fit_check' | 'evaluation' | 'no_engagement' | 'max_nurture_cycles';
  intake: LeadIntake;
  ruleset: Ruleset;
  fit?: FitResult;
  scores?: Scores;
  discovery?: Discovery;
  discoveryEval?: Evaluation;
  scope?: ScopeFindings;
  scopeEval?: Evaluation;
  commercial?: CommercialFindings;
  commercialEval?: Evaluation;
}

const NEED_LABEL: Record<LeadIntake['primaryInterest'], string> = {
  incident_response: 'incident response',
  monitoring: 'security monitoring and log coverage',
  vulnerability_management: 'vulnerability management',
  iam: 'identity and access management',
  compliance: 'compliance-driven control gaps',
  other: 'an unspecified security topic',
};

const MEETING_LABEL: Record<MeetingType, string> = {
  technical_review: 'technical review',
  assessment: 'technical assessment',
  pilot_outline: 'proof-of-value pilot outline',
  stakeholder_meeting: 'stakeholder meeting',
  scoping_workshop: 'scoping workshop',
};

const BLOCKER_ACTION: Record<string, string> = {
  need_not_confirmed: 'Re-engage when a specific security problem is stated; share material on the stated interest meanwhile',
  no_why_now: 'Keep in nurture until a timeline or decision process is stated; re-engage at the re-engagement date',
  no_next_meeting: 'Book the next meeting: technical review, assessment, pilot outline or stakeholder meeting',
  logs_unavailable: 'Close the lead: required logs and telemetry are not accessible; reopen only if log access changes',
  no_onboarding_team: 'Re-engage when an internal team can support onboarding',
  scope_not_checked: 'Run the scope check (logs, data handling, integrations, onboarding team) before pricing work',
  commercial_not_checked: 'Run the commercial check (plan, procurement path, stakeholders) before proposing',
  no_funding_motion: 'Re-engage at the next budget cycle or when a pilot is planned',
  decision_path_missing: 'Map who approves and the procurement steps before investing more time',
};

const SEVERITY: Record<OutcomeStatus, number> = { qualified: 0, nurture: 1, disqualified_for_now: 2, unqualified: 3 };

/** Free text as one sentence of a note: no doubled full stop when the rep already ended it. */
const sentence = (text: string) => text.trim().replace(/[.!?]+$/, '');

const needOf = (intake: LeadIntake) => `${NEED_LABEL[intake.primaryInterest]} for ${intake.companyName}`;

function fitCheckOutcome({ intake, ruleset, fit }: OutcomeInput): Outcome {
  if (!fit || fit.verdict !== 'unqualified') throw new Error('A fit_check outcome needs the unqualified fit result that ended the lead');
  const found = fit.reasons.map((r) => `${r.code.replace(/_/g, ' ')} (${r.evidence ?? r.rule})`).join('; ');
  return {
    status: 'unqualified',
    reasons: fit.reasons,
    note: `Unqualified at fit check: ${found}. Stated interest was ${needOf(intake)}; no rep time spent (ruleset ${ruleset.version}).`,
    nextAction: 'No sales follow-up; keep the record for reporting only',
  };
}

function noEngagementOutcome({ intake, ruleset }: OutcomeInput): Outcome {
  const status = ruleset.engagement.noEngagementOutcome;
  const window = ruleset.engagement.responseWindow;
  return {
    status,
    reasons: [{ code: 'no_engagement_in_window', rule: 'engagement.responseWindow', evidence: window }],
    note: `No reply or meeting within the ${window} response window after outreach about ${needOf(intake)}; engagement not consistent.`,
    nextAction: status === 'nurture' ? 'Move to nurture and re-engage at the next cadence date' : 'Stop outreach; reopen only on a new inbound request',
  };
}

function exhaustedOutcome({ intake, ruleset }: OutcomeInput): Outcome {
  const cycles = ruleset.nurture.maxCycles;
  return {
    status: ruleset.nurture.exhaustedOutcome,
    reasons: [{ code: 'max_nurture_cycles', rule: 'nurture.maxCycles', evidence: String(cycles) }],
    note: `Nurtured ${cycles} cycles without a confirmed need or timeline for ${needOf(intake)}; stop the automatic re-engagement.`,
    nextAction: 'Stop nurture; reopen only on a new inbound request',
  };
}

/** Evaluations the caller skipped become blockers: a lead is never qualified without a scope and commercial check. */
function collectBlockers(input: OutcomeInput): Reason[] {
  const skipped: Reason[] = [];
  if (!input.scopeEval) skipped.push({ code: 'scope_not_checked', rule: 'outcome.scope', evidence: 'no scope findings recorded' });
  if (!input.commercialEval) skipped.push({ code: 'commercial_not_checked', rule: 'outcome.commercial', evidence: 'no commercial findings recorded' });
  const evals = [input.discoveryEval, input.scopeEval, input.commercialEval].filter((e): e is Evaluation => Boolean(e));
  const missingDiscovery: Reason[] = input.discoveryEval ? [] : [{ code: 'need_not_confirmed', rule: 'outcome.discovery', evidence: 'no discovery recorded' }];
  return [...missingDiscovery, ...evals.flatMap((e) => e.blockers), ...skipped];
}

function statusFor(blocker: Reason, input: OutcomeInput): OutcomeStatus {
  const status = input.ruleset.outcome.blockerStatus[blocker.code] ?? 'nurture';
  if (blocker.code !== 'need_not_confirmed') return status;
  // "Nurture: some fit signals" — without them an unconfirmed need means no relevant issue.
  const fit = input.scores?.fit ?? scoreLead(input.intake, input.ruleset, { discovery: input.discovery }).fit;
  return fit >= input.ruleset.outcome.nurtureMinFit ? status : 'unqualified';
}

function blockedOutcome(input: OutcomeInput, blockers: Reason[]): Outcome {
  const ranked = blockers.map((b) => ({ b, status: statusFor(b, input) })).sort((x, y) => SEVERITY[y.status] - SEVERITY[x.status]);
  const top = ranked[0] as { b: Reason; status: OutcomeStatus };
  const why = ranked.map(({ b }) => `${b.code.replace(/_/g, ' ')} (${b.evidence ?? b.rule})`).join('; ');
  const trigger = input.discovery ? ` — trigger: ${sentence(input.discovery.triggeringEvent)}` : '';
  const timeline = statedTimeline(input.discovery, input.intake);
  const nextAction = BLOCKER_ACTION[top.b.code] ?? 'Review the blockers with the team lead';
  return {
    status: top.status,
    reasons: ranked.map(({ b }) => b),
    note: `${top.status.replace(/_/g, ' ')}: ${why}. Need: ${needOf(input.intake)}${trigger}.${timeline ? ` Timeline: ${timeline}.` : ''} Next: ${nextAction}.`,
    nextAction,
  };
}

function qualifiedOutcome(input: OutcomeInput, d: Discovery & { nextMeeting: NonNullable<Discovery['nextMeeting']> }): Outcome {
  const meeting = `${MEETING_LABEL[d.nextMeeting.type]} on ${d.nextMeeting.at}`;
  const scope = [input.scope?.environments?.join(', '), input.scope?.integrations?.join('/'), d.urgentEnvironments?.join(', ')].filter(Boolean)[0];
  const timeline = statedTimeline(d, input.intake) ?? d.decisionProcess ?? 'decision process defined';
  const reasons: Reason[] = [
    { code: 'need_confirmed', rule: 'discovery.needConfirmed', evidence: d.triggeringEvent },
    { code: 'stage_confirmed', rule: 'discovery.timeline', evidence: timeline },
    { code: 'next_meeting_scheduled', rule: 'discovery.nextMeeting', evidence: meeting },
    ...(input.commercialEval?.reasons.filter((r) => r.code === 'budget_unknown_proceeds') ?? []),
  ];
  return {
    status: 'qualified',
    reasons,
    note: `Qualified: ${needOf(input.intake)} — ${sentence(d.triggeringEvent)}. Scope: ${scope ?? 'to confirm at the next meeting'}. Timeline: ${timeline}. Next step: ${meeting}.`,
    nextAction: `Hold the ${meeting} and send the delivery handoff checklist`,
  };
}

function evaluationOutcome(input: OutcomeInput): Outcome {
  const blockers = collectBlockers(input);
  const d = input.discovery;
  if (blockers.length > 0 || !d?.nextMeeting) {
    return blockedOutcome(input, blockers.length > 0 ? blockers : [{ code: 'no_next_meeting', rule: 'discovery.nextMeeting' }]);
  }
  return qualifiedOutcome(input, { ...d, nextMeeting: d.nextMeeting });
}

export function decideOutcome(input: OutcomeInput): Outcome {
  switch (input.trigger) {
    case 'fit_check':
      return fitCheckOutcome(input);
    case 'no_engagement':
      return noEngagementOutcome(input);
    case 'max_nurture_cycles':
      return exhaustedOutcome(input);
    case 'evaluation':
      return evaluationOutcome(input);
  }
}

/** What a rep's reason code means for reporting: a lasting mismatch, or a "not now". */
const DISQUALIFY_STATUS: Record<DisqualifyReason, OutcomeStatus> = {
  no_budget_path: 'disqualified_for_now',
  no_decision_access: 'disqualified_for_now',
  unresponsive: 'disqualified_for_now',
  timing_later: 'nurture',
  competitor: 'unqualified',
  vendor_pitch: 'unqualified',
  student_or_job_seeker: 'unqualified',
  out_of_territory: 'unqualified',
  scope_mismatch: 'unqualified',
  no_relevant_issue: 'unqualified',
  no_buying_intent: 'unqualified',
  duplicate: 'unqualified',
};

/**
 * A disqualification by hand closes the lead: no timer re-engages it, whatever
 * its status says for reporting. A "not now" (nurture status) says who brings it
 * back: the rep when the timing changes, or the prospect's next request, which
 * reopens it (the ruleset's reopen rules).
 */
export function outcomeForDisqualify(req: DisqualifyRequest): Outcome {
  const status = DISQUALIFY_STATUS[req.reason];
  return {
    status,
    reasons: [{ code: req.reason, rule: 'disqualify.reason', evidence: req.note }],
    note: req.note,
    nextAction:
      status === 'nurture'
        ? 'Closed for now, with no automatic re-engagement: follow up when their timing changes; a new inbound request reopens the lead'
        : 'Stop outreach; reopen only on a new inbound request',
  };
}
