/**
 * Routing (reference step 3 and "routing rules that reduce delays"): the
 * ruleset's rules are tried in order and the first match wins, so precedence
 * (incident wording beats any topic) is visible in the file, not hidden in code.
 */
import type { Compiled } from './compiled';
import { compiled, leadText } from './compiled';
import type { Ruleset } from './ruleset';
import type { LeadIntake, Reason, Team, Urgency } from './schemas';

export interface Route {
  team: Team;
  escalated: boolean;
  urgency: Urgency;
  slaDueAt: string;
  reminderAt: string;
  reasons: Reason[];
}

type RoutingRule = Ruleset['routing']['rules'][number];

/** What made a rule match, or undefined when it does not. */
function ruleEvidence(rule: RoutingRule, intake: LeadIntake, text: string, matcher: Compiled['routing'][number]): string | undefined {
  const req = rule.require;
  if (req?.sources && !req.sources.includes(intake.source)) return undefined;
  if (req?.minEmployees && (intake.employeeCount ?? 0) < req.minEmployees) return undefined;
  const m = rule.match;
  if (!m) return `source ${intake.source}, ${intake.employeeCount ?? 0} employees`;
  if (m.activeIncident && intake.timeline?.activeIncident) return 'timeline.activeIncident';
  const keyword = matcher.match?.(text);
  if (keyword) return keyword;
  if (m.interests?.includes(intake.primaryInterest)) return `primaryInterest ${intake.primaryInterest}`;
  return undefined;
}

export function routeLead(intake: LeadIntake, ruleset: Ruleset, now: Date): Route {
  const c = compiled(ruleset);
  const text = leadText([intake.message, intake.environment?.notes]);
  const reasons: Reason[] = [];
  let winner: RoutingRule | undefined;
  ruleset.routing.rules.forEach((rule, i) => {
    const evidence = ruleEvidence(rule, intake, text, c.routing[i] ?? {});
    if (evidence === undefined) return;
    const rulePath = `routing.rules[${i}].${rule.id}`;
    if (winner) {
      reasons.push({ code: 'route_outranked', rule: rulePath, evidence: `${evidence} (outranked by ${winner.id})` });
      return;
    }
    winner = rule;
    reasons.unshift({ code: 'route_matched', rule: rulePath, evidence });
  });
  const team = winner?.team ?? ruleset.routing.fallback.team;
  const urgency = winner?.urgency ?? ruleset.routing.fallback.urgency;
  if (!winner) reasons.push({ code: 'route_fallback', rule: 'routing.fallback', evidence: 'no routing rule matched' });
  const sla = c.durations[urgency];
  const escalated = winner?.escalate ?? false;
  if (escalated) reasons.push({ code: 'escalated', rule: `routing.rules.${winner?.id}`, evidence: `urgency ${urgency}` });
  reasons.push({ code: 'sla', rule: `sla.${urgency}`, evidence: ruleset.sla[urgency] });
  return {
    team,
    escalated,
    urgency,
    slaDueAt: new Date(now.getTime() + sla).toISOString(),
    reminderAt: new Date(now.getTime() + Math.round(sla * ruleset.sla.reminderFraction)).toISOString(),
    reasons,
  };
}
