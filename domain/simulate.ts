/**
 * "What would the new rules have done to last month's leads?" — re-decides
 * recorded leads under a candidate ruleset and lists what would change.
 */
import type { Evaluation } from './evaluate';
import { evaluateCommercial, evaluateDiscovery, evaluateScope } from './evaluate';
import { checkFit } from './fit';
import { decideOutcome } from './outcome';
import { routeLead } from './route';
import type { Ruleset } from './ruleset';
import { rulesetVersion } from './ruleset';
import type { CommercialFindings, Discovery, EngagementEvent, LeadIntake, Lifecycle, OutcomeStatus, ScopeFindings, Team } from './schemas';
import { scoreLead } from './score';
import { tallyEngagements } from './engagement';

export interface Decided {
  team?: Team;
  lifecycle?: Lifecycle;
  outcome?: OutcomeStatus;
  scoreTotal?: number;
}

export interface RecordedLead {
  leadId: string;
  intake: LeadIntake;
  decided: Decided;
  engagements?: EngagementEvent[];
  discovery?: Discovery;
  scope?: ScopeFindings;
  commercial?: CommercialFindings;
}

export interface SimulatedLead {
  leadId: string;
  before: Decided & { scoreBand?: string };
  after: Required<Omit<Decided, 'outcome' | 'team'>> & { team?: Team; outcome?: OutcomeStatus; scoreBand: string };
  changed: ('team' | 'lifecycle' | 'outcome' | 'scoreBand')[];
}

export interface SimulationReport {
  rulesetVersion: string;
  leads: SimulatedLead[];
  totals: { leads: number; routeChanges: number; lifecycleChanges: number; outcomeChanges: number; scoreBandChanges: number };
}

export function scoreBand(total: number, r: Ruleset): string {
  const bands = [...r.scoreBands].sort((a, b) => b.min - a.min);
  return (bands.find((b) => total >= b.min) ?? bands[bands.length - 1])?.id ?? 'none';
}

/** The outcome the candidate rules reach with the evidence recorded so far; none if the lead is still mid-process. */
function outcomeAfter(lead: RecordedLead, r: Ruleset, fit: ReturnType<typeof checkFit>): OutcomeStatus | undefined {
  const { intake, discovery } = lead;
  if (fit.verdict === 'unqualified') return decideOutcome({ trigger: 'fit_check', intake, ruleset: r, fit }).status;
  if (!discovery) return undefined;
  const scope = lead.scope ?? discovery.scope;
  const commercial = lead.commercial ?? discovery.commercial;
  const scopeEval: Evaluation | undefined = scope ? evaluateScope(scope, r, { intake, discovery }) : undefined;
  const commercialEval = commercial ? evaluateCommercial(commercial, discovery, r) : undefined;
  const discoveryEval = evaluateDiscovery(discovery, intake, r);
  return decideOutcome({ trigger: 'evaluation', intake, ruleset: r, fit, discovery, discoveryEval, scope, scopeEval, commercial, commercialEval }).status;
}

function simulateOne(lead: RecordedLead, r: Ruleset, now: Date): SimulatedLead {
  const fit = checkFit(lead.intake, r);
  const scores = scoreLead(lead.intake, r, { engagement: tallyEngagements(lead.engagements ?? []), discovery: lead.discovery });
  const team = fit.verdict === 'pass' ? routeLead(lead.intake, r, now).team : undefined;
  const after = { team, lifecycle: scores.lifecycle, scoreTotal: scores.total, outcome: outcomeAfter(lead, r, fit), scoreBand: scoreBand(scores.total, r) };
  const before = { ...lead.decided, scoreBand: lead.decided.scoreTotal === undefined ? undefined : scoreBand(lead.decided.scoreTotal, r) };
  const changed: SimulatedLead['changed'] = [];
  // Only what was actually decided before can have changed.
  if (before.team !== undefined && before.team !== after.team) changed.push('team');
  if (before.lifecycle !== undefined && before.lifecycle !== after.lifecycle) changed.push('lifecycle');
  if (before.outcome !== undefined && before.outcome !== after.outcome) changed.push('outcome');
  if (before.scoreBand !== undefined && before.scoreBand !== after.scoreBand) changed.push('scoreBand');
  return { leadId: lead.leadId, before, after, changed };
}

/** `now` only anchors SLA arithmetic, which the report does not compare; the default keeps runs reproducible. */
export function simulate(candidate: Ruleset, leads: readonly RecordedLead[], now: Date = new Date(0)): SimulationReport {
  const results = leads.map((lead) => simulateOne(lead, candidate, now));
  const count = (field: SimulatedLead['changed'][number]) => results.filter((l) => l.changed.includes(field)).length;
  return {
    rulesetVersion: rulesetVersion(candidate),
    leads: results,
    totals: { leads: results.length, routeChanges: count('team'), lifecycleChanges: count('lifecycle'), outcomeChanges: count('outcome'), scoreBandChanges: count('scoreBand') },
  };
}
