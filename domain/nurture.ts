/**
 * When a nurturing lead wakes up: from what the lead said (audit date minus
 * lead time, migration date minus lead time, target date, "next quarter"),
 * else the default cadence. Deterministic given `now`, never in the past.
 */
import { compiled, leadText } from './compiled';
import type { Ruleset } from './ruleset';
import type { Discovery, LeadIntake, Reason } from './schemas';

export interface ReengagementPlan {
  at: string;
  reasons: Reason[];
}

interface Candidate {
  at: number;
  reason: Reason;
}

const dayMs = (isoDate: string) => Date.parse(`${isoDate}T00:00:00Z`);

/** First day of the calendar quarter after `now` (UTC). */
function nextQuarterStart(now: Date): number {
  const quarter = Math.floor(now.getUTCMonth() / 3);
  return Date.UTC(now.getUTCFullYear(), (quarter + 1) * 3, 1);
}

function statedCandidates(intake: LeadIntake, r: Ruleset, now: Date, d?: Discovery): Candidate[] {
  const c = compiled(r);
  const nowMs = now.getTime();
  const out: Candidate[] = [];
  // Only events still ahead count; a passed audit says nothing about when to call again.
  const fromEvent = (date: string | undefined, leadTime: number, code: string, rule: string) => {
    if (date && dayMs(date) > nowMs) out.push({ at: dayMs(date) - leadTime, reason: { code, rule, evidence: date } });
  };
  fromEvent(intake.timeline?.auditDate, c.nurture.auditLeadTime, 'audit_date_minus_lead_time', 'nurture.auditLeadTime');
  fromEvent(intake.timeline?.migrationDate, c.nurture.migrationLeadTime, 'migration_date_minus_lead_time', 'nurture.migrationLeadTime');
  fromEvent(d?.timeline?.targetDate ?? intake.timeline?.targetDate, 0, 'target_date', 'timeline.targetDate');
  const wording = c.nextQuarter(leadText([d?.timeline?.description, intake.message]));
  if (wording) out.push({ at: nextQuarterStart(now), reason: { code: 'next_quarter_wording', rule: 'nextQuarterKeywords', evidence: wording } });
  return out;
}

export function planReengagement(intake: LeadIntake, ruleset: Ruleset, now: Date, cycle: number, discovery?: Discovery): ReengagementPlan {
  const c = compiled(ruleset);
  const earliestAllowed = now.getTime() + c.nurture.minimumDelay;
  const cycleNote: Reason = { code: 'nurture_cycle', rule: 'nurture.maxCycles', evidence: `cycle ${cycle} of ${ruleset.nurture.maxCycles}` };
  const stated = statedCandidates(intake, ruleset, now, discovery).sort((a, b) => a.at - b.at)[0];
  if (!stated) {
    const at = now.getTime() + c.nurture.cadence;
    return { at: new Date(at).toISOString(), reasons: [{ code: 'default_cadence', rule: 'nurture.defaultCadence', evidence: ruleset.nurture.defaultCadence }, cycleNote] };
  }
  if (stated.at >= earliestAllowed) return { at: new Date(stated.at).toISOString(), reasons: [stated.reason, cycleNote] };
  // The lead time has already begun: call back as soon as allowed rather than in the past.
  const clamp: Reason = { code: 'clamped_to_minimum_delay', rule: 'nurture.minimumDelay', evidence: ruleset.nurture.minimumDelay };
  return { at: new Date(earliestAllowed).toISOString(), reasons: [stated.reason, clamp, cycleNote] };
}

export function nextReengageAt(intake: LeadIntake, ruleset: Ruleset, now: Date, cycle: number, discovery?: Discovery): string {
  return planReengagement(intake, ruleset, now, cycle, discovery).at;
}
