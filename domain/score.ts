/**
 * The reference's three-part model: fit, need and stage, each 0–100, with the
 * reasons that produced every point. Reliable signals weigh more than clicks,
 * interest without a why-now stays low on stage, and a relevant title without
 * decision access is capped until discovery maps the decision.
 */
import type { Compiled } from './compiled';
import { compiled, leadText } from './compiled';
import { fitFindings } from './fit';
import type { Ruleset } from './ruleset';
import { engagementCount, type EngagementTally } from './engagement';
import type { Discovery, LeadIntake, Lifecycle, Reason } from './schemas';

export interface ScoreContext {
  engagement?: EngagementTally;
  discovery?: Discovery;
}

export interface Scores {
  fit: number;
  need: number;
  stage: number;
  total: number;
  lifecycle: Lifecycle;
  reasons: Reason[];
}

const clamp = (n: number) => Math.max(0, Math.min(100, Math.round(n)));
const sum = (reasons: readonly Reason[]) => reasons.reduce((acc, r) => acc + (r.weight ?? 0), 0);

function needReasons(intake: LeadIntake, r: Ruleset, c: Compiled, d?: Discovery): Reason[] {
  const w = r.weights.need;
  const out: Reason[] = [];
  if (intake.primaryInterest !== 'other') {
    out.push({ code: 'use_case_aligned', rule: 'weights.need.useCaseAlignment', evidence: intake.primaryInterest, weight: w.useCaseAlignment });
  }
  const topic = (c.needs.get(intake.primaryInterest) ?? c.anyNeed)(leadText([intake.message, intake.environment?.notes]));
  if (topic) out.push({ code: 'topic_wording', rule: `needs.${intake.primaryInterest}`, evidence: topic, weight: w.topicWording });
  const env = intake.environment;
  if (env && (env.cloud?.length || env.identityProvider || env.endpoints !== undefined || env.notes)) {
    out.push({ code: 'environment_described', rule: 'weights.need.environmentDetail', weight: w.environmentDetail });
  }
  if (intake.regulations?.length) {
    out.push({ code: 'regulatory_driver', rule: 'weights.need.regulatedDriver', evidence: intake.regulations.join(', '), weight: w.regulatedDriver });
  }
  if (!d) return out;
  if (d.needConfirmed) out.push({ code: 'need_confirmed', rule: 'weights.need.needConfirmed', evidence: d.triggeringEvent, weight: w.needConfirmed });
  if (d.painIdentified) out.push({ code: 'pain_identified', rule: 'weights.need.painIdentified', evidence: d.painIdentified, weight: w.painIdentified });
  if (d.desiredOutcome) out.push({ code: 'metric_defined', rule: 'weights.need.desiredOutcome', evidence: d.desiredOutcome, weight: w.desiredOutcome });
  if (d.urgentEnvironments?.length) {
    out.push({ code: 'urgent_environments', rule: 'weights.need.urgentEnvironments', evidence: d.urgentEnvironments.join(', '), weight: w.urgentEnvironments });
  }
  return out;
}

/** Timeline indicators: the "why now" that separates intent from interest. */
function whyNowReasons(intake: LeadIntake, r: Ruleset, c: Compiled, d?: Discovery): Reason[] {
  const w = r.weights.stage;
  const t = intake.timeline;
  const out: Reason[] = [];
  if (t?.activeIncident) out.push({ code: 'active_incident', rule: 'weights.stage.activeIncident', evidence: 'timeline.activeIncident', weight: w.activeIncident });
  if (t?.auditDate) out.push({ code: 'audit_date', rule: 'weights.stage.auditDate', evidence: t.auditDate, weight: w.auditDate });
  if (t?.migrationDate) out.push({ code: 'migration_date', rule: 'weights.stage.migrationDate', evidence: t.migrationDate, weight: w.migrationDate });
  if (t?.targetDate) out.push({ code: 'target_date', rule: 'weights.stage.targetDate', evidence: t.targetDate, weight: w.targetDate });
  const wording = c.whyNow(leadText([intake.message, intake.environment?.notes]));
  if (wording) out.push({ code: 'why_now_wording', rule: 'whyNowKeywords', evidence: wording, weight: w.whyNowWording });
  const timeline = d?.timeline?.targetDate ?? d?.timeline?.description;
  if (timeline) out.push({ code: 'timeline_confirmed', rule: 'weights.stage.discoveryTimeline', evidence: timeline, weight: w.discoveryTimeline });
  if (d?.decisionProcess) out.push({ code: 'decision_process_defined', rule: 'weights.stage.decisionProcess', evidence: d.decisionProcess, weight: w.decisionProcess });
  return out;
}

function engagementReasons(intake: LeadIntake, r: Ruleset, c: Compiled, tally: EngagementTally | undefined, d?: Discovery): Reason[] {
  const w = r.weights.stage;
  const reliable: Reason[] = [];
  const has = (type: Parameters<typeof engagementCount>[1]) => engagementCount(tally, type) > 0;
  if (intake.engagement?.requestedTechnicalCall || has('requested_technical_call')) {
    reliable.push({ code: 'requested_technical_call', rule: 'weights.stage.requestedTechnicalCall', weight: w.requestedTechnicalCall });
  }
  if (has('replied')) reliable.push({ code: 'replied', rule: 'weights.stage.replied', weight: w.replied });
  if (has('booked_meeting')) reliable.push({ code: 'booked_meeting', rule: 'weights.stage.bookedMeeting', weight: w.bookedMeeting });
  if (has('attended_meeting')) reliable.push({ code: 'attended_meeting', rule: 'weights.stage.attendedMeeting', weight: w.attendedMeeting });
  const buyer = d?.economicBuyer ?? d?.approvers?.[0];
  if (buyer) reliable.push({ code: 'economic_buyer_known', rule: 'weights.stage.economicBuyer', evidence: `${buyer.name}, ${buyer.title}`, weight: w.economicBuyer });
  if (d?.nextMeeting) {
    reliable.push({ code: 'next_meeting_scheduled', rule: 'weights.stage.nextMeeting', evidence: `${d.nextMeeting.type} at ${d.nextMeeting.at}`, weight: w.nextMeeting });
  }
  const intakeDownloads = intake.engagement?.downloads ?? [];
  const topical = [...intakeDownloads, ...(tally?.downloads ?? [])].map((x) => c.anyNeed(x)).find(Boolean);
  if (topical) reliable.push({ code: 'topic_download', rule: 'weights.stage.topicDownload', evidence: topical, weight: w.topicDownload });
  const downloads = intakeDownloads.length + engagementCount(tally, 'downloaded');
  return [...reliable, ...unreliableReasons(intake, r, tally, downloads - (topical ? 1 : 0))];
}

/** Page views, newsletter clicks and topic-less downloads: counted, but never allowed to add up to intent. */
function unreliableReasons(intake: LeadIntake, r: Ruleset, tally: EngagementTally | undefined, genericDownloads: number): Reason[] {
  const w = r.weights.stage;
  const views = (intake.engagement?.pageViews ?? 0) + engagementCount(tally, 'page_view');
  const clicks = (intake.engagement?.newsletterClicks ?? 0) + engagementCount(tally, 'newsletter_click');
  const raw = views * w.pageView + clicks * w.newsletterClick + genericDownloads * w.genericDownload;
  if (raw === 0) return [];
  const weight = Math.min(raw, r.caps.unreliableEngagement);
  const evidence = `${views} page views, ${clicks} newsletter clicks, ${genericDownloads} generic downloads`;
  return [{ code: raw > weight ? 'light_engagement_capped' : 'light_engagement', rule: 'caps.unreliableEngagement', evidence, weight }];
}

function decisionMapped(d?: Discovery): boolean {
  if (!d) return false;
  const approverContact = d.contacts?.some((x) => x.role === 'business_approval' || x.role === 'executive_sponsor');
  return Boolean(d.economicBuyer || d.approvers?.length || d.decisionProcess || approverContact);
}

function lifecycleOf(fit: number, total: number, r: Ruleset, d?: Discovery): { lifecycle: Lifecycle; reason: Reason } {
  const intentConfirmed = Boolean(d?.timeline?.targetDate ?? d?.timeline?.description ?? d?.decisionProcess);
  const meetingOk = Boolean(d?.nextMeeting) || !r.lifecycle.sql.requireNextMeeting;
  if (d?.needConfirmed && intentConfirmed && meetingOk) {
    return { lifecycle: 'sql', reason: { code: 'sql_confirmed', rule: 'lifecycle.sql', evidence: 'discovery confirmed need, intent and next meeting' } };
  }
  const { minTotal, minFit } = r.lifecycle.mql;
  if (total >= minTotal && fit >= minFit) {
    return { lifecycle: 'mql', reason: { code: 'mql_thresholds_met', rule: 'lifecycle.mql', evidence: `total ${total} ≥ ${minTotal}, fit ${fit} ≥ ${minFit}` } };
  }
  return { lifecycle: 'lead', reason: { code: 'below_mql_thresholds', rule: 'lifecycle.mql', evidence: `total ${total} (needs ${minTotal}), fit ${fit} (needs ${minFit})` } };
}

export function scoreLead(intake: LeadIntake, ruleset: Ruleset, ctx: ScoreContext = {}): Scores {
  const c = compiled(ruleset);
  const d = ctx.discovery;
  const findings = fitFindings(intake, ruleset);
  const fitReasons = [...findings.contributions, ...findings.flags.filter((f) => f.weight !== undefined)];
  const fit = clamp(sum(fitReasons));
  const need = needReasons(intake, ruleset, c, d);
  const whyNow = whyNowReasons(intake, ruleset, c, d);
  const stageReasons = [...whyNow, ...engagementReasons(intake, ruleset, c, ctx.engagement, d)];
  let stage = clamp(sum(stageReasons));
  if (whyNow.length === 0 && stage > ruleset.caps.stageWithoutWhyNow) {
    stageReasons.push({ code: 'no_why_now', rule: 'caps.stageWithoutWhyNow', evidence: 'no timeline, deadline or decision process stated', weight: ruleset.caps.stageWithoutWhyNow - stage });
    stage = ruleset.caps.stageWithoutWhyNow;
  }
  const needScore = clamp(sum(need));
  const t = ruleset.weights.total;
  let total = clamp(fit * t.fit + needScore * t.need + stage * t.stage);
  const capReasons: Reason[] = [];
  if (findings.limitedAccess && !decisionMapped(d) && total > ruleset.caps.limitedAccessTotal) {
    capReasons.push({ code: 'limited_decision_access', rule: 'caps.limitedAccessTotal', evidence: intake.contact.title, weight: ruleset.caps.limitedAccessTotal - total });
    total = ruleset.caps.limitedAccessTotal;
  }
  const unqualified = findings.flags.some((f) => (ruleset.fit.unqualifyingFlags as string[]).includes(f.code));
  const life = unqualified
    ? { lifecycle: 'lead' as const, reason: { code: 'fit_unqualified', rule: 'fit.unqualifyingFlags' } }
    : lifecycleOf(fit, total, ruleset, d);
  return { fit, need: needScore, stage, total, lifecycle: life.lifecycle, reasons: [...fitReasons, ...need, ...stageReasons, ...capReasons, life.reason] };
}
