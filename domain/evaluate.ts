/**
 * Discovery, scope and commercial checks (reference steps 4–6): each says what
 * is confirmed, what is still missing, and what blocks the lead from moving on.
 */
import type { Ruleset } from './ruleset';
import type { CommercialFindings, Discovery, LeadIntake, Reason, ScopeFindings } from './schemas';

export interface Evaluation {
  verdict: 'continue' | 'stop';
  confirmed: string[];
  missing: string[];
  blockers: Reason[];
  reasons: Reason[];
}

/** A list of named checks: present → confirmed, absent → missing. */
type Check = [name: string, evidence: string | undefined];

function evaluation(rulePrefix: string, checks: readonly Check[], blockers: Reason[], extra: Reason[] = []): Evaluation {
  const confirmed = checks.filter(([, e]) => e !== undefined).map(([n]) => n);
  const missing = checks.filter(([, e]) => e === undefined).map(([n]) => n);
  const reasons: Reason[] = checks
    .filter(([, e]) => e !== undefined)
    .map(([name, evidence]) => ({ code: `${name}_confirmed`, rule: `${rulePrefix}.${name}`, evidence }));
  const all = [...reasons, ...extra, ...blockers];
  if (all.length === 0) all.push({ code: 'nothing_confirmed', rule: rulePrefix, evidence: `missing: ${missing.join(', ')}` });
  return { verdict: blockers.length > 0 ? 'stop' : 'continue', confirmed, missing, blockers, reasons: all };
}

const people = (list?: readonly { name: string; title: string }[]) =>
  list?.length ? list.map((p) => `${p.name} (${p.title})`).join(', ') : undefined;

/** The stated timeline, from discovery or from what the lead wrote on the form. */
export function statedTimeline(d: Discovery | undefined, intake: LeadIntake): string | undefined {
  const t = intake.timeline;
  if (d?.timeline?.targetDate || d?.timeline?.description) return [d.timeline.description, d.timeline.targetDate].filter(Boolean).join(', ');
  if (t?.activeIncident) return 'active incident';
  if (t?.auditDate) return `audit on ${t.auditDate}`;
  if (t?.migrationDate) return `migration on ${t.migrationDate}`;
  return t?.targetDate ? `target date ${t.targetDate}` : undefined;
}

export function evaluateDiscovery(d: Discovery, intake: LeadIntake, _ruleset: Ruleset): Evaluation {
  const timeline = statedTimeline(d, intake);
  const checks: Check[] = [
    ['need', d.needConfirmed ? d.triggeringEvent : undefined],
    ['pain', d.painIdentified ?? d.gaps],
    ['current_controls', d.currentControls],
    ['urgent_environments', d.urgentEnvironments?.join(', ') || undefined],
    ['metric', d.desiredOutcome],
    ['economic_buyer', people(d.economicBuyer ? [d.economicBuyer] : d.approvers)],
    ['decision_criteria', d.decisionCriteria?.join('; ') || undefined],
    ['decision_process', d.decisionProcess],
    ['timeline', timeline],
    ['next_meeting', d.nextMeeting ? `${d.nextMeeting.type} at ${d.nextMeeting.at}` : undefined],
    ['contacts', people(d.contacts)],
  ];
  const blockers: Reason[] = [];
  if (!d.needConfirmed) blockers.push({ code: 'need_not_confirmed', rule: 'discovery.needConfirmed', evidence: d.triggeringEvent });
  // Interest is not intent: without a timeline or a decision process the lead is not sales-ready.
  if (!timeline && !d.decisionProcess) blockers.push({ code: 'no_why_now', rule: 'discovery.timeline', evidence: 'no timeline and no decision process' });
  if (!d.nextMeeting) blockers.push({ code: 'no_next_meeting', rule: 'discovery.nextMeeting', evidence: 'discovery ended without a planned next step' });
  return evaluation('discovery', checks, blockers);
}

export interface ScopeContext {
  intake?: LeadIntake;
  discovery?: Discovery;
}

/**
 * Logs matter for monitoring and incident work; when the context is unknown
 * they are assumed required, so a missing context never waves a blocker through.
 */
function logsRequired(r: Ruleset, ctx: ScopeContext): boolean {
  if (!ctx.intake) return true;
  return r.scope.logsRequiredFor.includes(ctx.intake.primaryInterest) || Boolean(ctx.discovery?.urgentEnvironments?.includes('logs'));
}

export function evaluateScope(s: ScopeFindings, ruleset: Ruleset, ctx: ScopeContext = {}): Evaluation {
  const known = (v: string) => (v === 'unknown' ? undefined : v);
  const checks: Check[] = [
    ['log_access', known(s.logAccess)],
    ['data_handling', s.dataHandlingConstraints],
    ['integrations', s.integrations?.join(', ') || undefined],
    ['onboarding_team', known(s.onboardingTeamAvailable)],
    ['environments', s.environments?.join(', ') || undefined],
  ];
  const blockers: Reason[] = [];
  if (s.logAccess === 'no' && logsRequired(ruleset, ctx)) {
    blockers.push({ code: 'logs_unavailable', rule: 'scope.logsRequiredFor', evidence: 'required logs and telemetry are not accessible' });
  }
  if (s.onboardingTeamAvailable === 'no') {
    blockers.push({ code: 'no_onboarding_team', rule: 'scope.onboardingTeamAvailable', evidence: 'no internal team available for onboarding' });
  }
  return evaluation('scope', checks, blockers);
}

export function evaluateCommercial(c: CommercialFindings, discovery: Discovery | undefined, _ruleset: Ruleset): Evaluation {
  const funded = c.activePlan === 'approved_budget' || c.activePlan === 'budget_cycle' || c.activePlan === 'pilot';
  const timeline = discovery?.timeline?.targetDate ?? discovery?.timeline?.description ?? c.procurement?.timeline ?? c.procurement?.rfpDate;
  const decisionProcess = discovery?.decisionProcess ?? c.procurement?.path;
  const checks: Check[] = [
    ['funding_motion', funded ? c.activePlan : undefined],
    ['procurement_path', c.procurement?.path],
    ['procurement_timeline', c.procurement?.timeline ?? c.procurement?.rfpDate],
    ['stakeholders', people(c.stakeholders)],
  ];
  const blockers: Reason[] = [];
  const extra: Reason[] = [];
  if (c.activePlan === 'none') blockers.push({ code: 'no_funding_motion', rule: 'commercial.activePlan', evidence: 'no plan, pilot or budget cycle' });
  if (c.activePlan === 'unknown') {
    // Reference step 6: unknown budget still moves forward when timeline and decision process are defined.
    if (timeline && decisionProcess) extra.push({ code: 'budget_unknown_proceeds', rule: 'commercial.activePlan', evidence: `timeline: ${timeline}; decision process: ${decisionProcess}` });
    else blockers.push({ code: 'decision_path_missing', rule: 'commercial.activePlan', evidence: 'budget unknown and timeline or decision process undefined' });
  }
  return evaluation('commercial', checks, blockers, extra);
}
