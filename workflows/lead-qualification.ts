/**
 * One lead, from capture to a recorded outcome, as one durable workflow:
 * capture → fit check → routing → discovery wait → scope → commercial → outcome,
 * with nurture sleeping on a durable timer and routing the lead again when its
 * date comes. Decisions are the pure functions of `domain/`; every write is an
 * activity. The loop is driven by `state.view.stage`, so a run continued-as-new
 * resumes exactly where the previous one stopped.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { z } from 'zod';
import type { createActivities } from '../activities';
import {
  CommercialSchema,
  DiscoverySchema,
  DisqualifySchema,
  ScopeSchema,
  checkFit,
  decideOutcome,
  evaluateCommercial,
  evaluateDiscovery,
  evaluateScope,
  handoffChecklist,
  outcomeForDisqualify,
  parseDuration,
  planReengagement,
  routeLead,
  scoreLead,
  type Outcome,
  type OutcomeInput,
  type Reason,
  type Stage,
} from '../domain';
import type { LeadEvent, LeadView } from '../domain/lead-view';
import {
  RejectionType,
  disqualifyUpdate,
  getLeadStateQuery,
  reengageNowSignal,
  recordEngagementSignal,
  submitCommercialUpdate,
  submitDiscoveryUpdate,
  submitInboundSignal,
  submitScopeUpdate,
  type Actor,
  type LeadWorkflowInput,
  type RepCommand,
} from './messages';
import { LeadOutcome, LeadOwner, LeadReengageAt, LeadScore, LeadStage, LeadTeam } from './search-attributes';
import { initialState, type CarriedState, type LeadState } from './state';

type Activities = ReturnType<typeof createActivities>;

/** Database writes: short, retried with backoff for as long as Postgres is away. */
const writeRetry = { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '30s', nonRetryableErrorTypes: ['InvalidRuleset'] };

/**
 * Leads started before this patch ran their writes as regular activities: a
 * server round trip each. New runs write through local activities, run by the
 * worker inside the workflow task — capture to routed in one task, and the
 * writes of one task billed as one action.
 */
export const LOCAL_WRITES_PATCH = 'local-db-writes';
const remoteWrites = proxyActivities<Activities>({ startToCloseTimeout: '15s', retry: writeRetry });
const localWrites = proxyLocalActivities<Activities>({ startToCloseTimeout: '15s', localRetryThreshold: '10s', retry: writeRetry });

/** Keep each run's history small; the view and a few counters carry over. */
const DEFAULT_MAX_HISTORY_EVENTS = 2_000;
const RECENT_EVENTS_IN_VIEW = 25;

export async function leadQualificationWorkflow(input: LeadWorkflowInput, carried?: CarriedState): Promise<LeadView> {
  const lead = new LeadRun(input, carried);
  return lead.run();
}

class LeadRun {
  private readonly s: LeadState;
  private busy = false;
  /** A run parks in nurture only if it began there; otherwise it continues-as-new first, bounding history per cycle. */
  private readonly parkedCycle: number | null;
  private readonly db: Activities;

  constructor(
    private readonly input: LeadWorkflowInput,
    carried: CarriedState | undefined,
  ) {
    this.s = carried ?? initialState(input, nowIso());
    this.parkedCycle = this.s.view.stage === 'nurture' ? this.s.view.cycle : null;
    this.db = patched(LOCAL_WRITES_PATCH) ? localWrites : remoteWrites;
    this.registerHandlers();
  }

  async run(): Promise<LeadView> {
    for (;;) {
      switch (this.s.view.stage) {
        // Held under the lock so a rep's Update waits until routing is written, never interleaving with it.
        case 'captured':
          await this.exclusive(() => this.capture());
          break;
        case 'fit_check':
          await this.exclusive(() => this.fitCheck());
          break;
        case 'routed':
          await this.exclusive(() => this.route());
          break;
        case 'awaiting_discovery':
        case 'scope_check':
        case 'commercial_check':
          await this.waitForRep();
          break;
        case 'nurture':
          await this.nurture();
          break;
        case 'outcome':
          await condition(allHandlersFinished);
          return this.s.view;
      }
      await this.flushEngagement();
      await this.continueAsNewIfHistoryIsLong();
    }
  }

  // ---- stages -------------------------------------------------------------

  private async capture(): Promise<void> {
    await this.loadRuleset();
    this.event('captured', { source: this.s.intake.source });
    this.enter('fit_check');
    await this.db.recordLead({ intake: this.s.intake, ...this.changes() });
  }

  private async fitCheck(): Promise<void> {
    const { ruleset } = this.ruleset();
    const fit = checkFit(this.s.intake, ruleset);
    this.s.fit = fit;
    this.s.view.fitFlags = fit.flags;
    this.rescore();
    this.event('fit_checked', { verdict: fit.verdict }, fit.reasons);
    if (fit.verdict === 'unqualified') {
      await this.decide(decideOutcome({ trigger: 'fit_check', ...this.outcomeContext() }));
      return;
    }
    this.enter('routed');
  }

  private async route(): Promise<void> {
    const { ruleset } = this.ruleset();
    const route = routeLead(this.s.intake, ruleset, new Date());
    const { leadId, cycle } = this.s.view;
    const assignment = await this.db.assignRep({ leadId, cycle, team: route.team });
    this.s.view.route = { ...route, reasons: [...route.reasons, ...assignment.reasons] };
    this.s.view.owner = assignment.repId;
    this.s.view.sla = { dueAt: route.slaDueAt, reminderSentAt: null, escalatedAt: null, breached: false };
    this.s.teamLeadId = assignment.teamLeadId;
    this.s.responseWindowStartedAt = nowIso();
    this.event('routed', { team: route.team, urgency: route.urgency, escalated: route.escalated, owner: assignment.repId }, route.reasons);
    this.enter('awaiting_discovery');
    await Promise.all([
      this.persist(),
      this.db.notify({
        leadId,
        cycle,
        kind: route.escalated ? 'urgent_lead_assigned' : 'lead_assigned',
        recipientRepId: assignment.repId,
        recipientTeam: route.team,
        // An urgent lead goes to the team lead at once as well as to its owner.
        ccRepId: route.escalated ? assignment.teamLeadId : null,
        payload: { companyName: this.s.view.companyName, slaDueAt: route.slaDueAt, urgency: route.urgency },
      }),
    ]);
  }

  /** Waits for the owner's findings while reminding, escalating and closing on silence. */
  private async waitForRep(): Promise<void> {
    const stage = this.s.view.stage;
    const engagementsSeen = this.s.engagements.length;
    const deadline = this.nextDeadline();
    const changed = await condition(
      () => this.s.view.stage !== stage || this.s.engagements.length !== engagementsSeen,
      Math.max(deadline.at - Date.now(), 1),
    );
    if (changed) return;
    await this.exclusive(() => this.onDeadline(deadline.kind));
  }

  private nextDeadline(): { kind: 'reminder' | 'escalation' | 'response_window'; at: number } {
    const { ruleset } = this.ruleset();
    const sla = this.s.view.sla;
    const windowEnd = Date.parse(this.s.responseWindowStartedAt ?? this.s.view.updatedAt) + parseDuration(ruleset.engagement.responseWindow);
    const candidates: Array<{ kind: 'reminder' | 'escalation' | 'response_window'; at: number }> = [
      { kind: 'response_window', at: windowEnd },
    ];
    if (sla && this.s.view.stage === 'awaiting_discovery') {
      if (!sla.reminderSentAt && this.s.view.route) candidates.push({ kind: 'reminder', at: Date.parse(this.s.view.route.reminderAt) });
      if (!sla.escalatedAt) candidates.push({ kind: 'escalation', at: Date.parse(sla.dueAt) });
    }
    return candidates.reduce((a, b) => (b.at < a.at ? b : a));
  }

  private async onDeadline(kind: 'reminder' | 'escalation' | 'response_window'): Promise<void> {
    const { leadId, cycle, sla, owner } = this.s.view;
    if (kind === 'response_window') {
      await this.decide(decideOutcome({ trigger: 'no_engagement', ...this.outcomeContext() }));
      return;
    }
    if (!sla) return;
    if (kind === 'reminder') {
      sla.reminderSentAt = nowIso();
      this.event('sla_reminder_sent', { owner, dueAt: sla.dueAt });
      await Promise.all([
        this.persist(),
        this.db.notify({ leadId, cycle, kind: 'sla_reminder', recipientRepId: owner, recipientTeam: this.team(), payload: { dueAt: sla.dueAt } }),
      ]);
      return;
    }
    sla.escalatedAt = nowIso();
    sla.breached = true;
    this.event('sla_escalated', { owner, teamLead: this.s.teamLeadId, dueAt: sla.dueAt });
    await Promise.all([
      this.persist(),
      this.db.notify({
        leadId,
        cycle,
        kind: 'sla_escalation',
        recipientRepId: this.s.teamLeadId,
        recipientTeam: this.team(),
        payload: { owner, dueAt: sla.dueAt },
      }),
    ]);
  }

  /** Sleeps until the re-engagement date (or an early wake), then routes the lead again. */
  private async nurture(): Promise<void> {
    if (this.parkedCycle !== this.s.view.cycle) return this.continueAsNew();
    const reengageAt = Date.parse(this.s.view.nurture?.reengageAt ?? nowIso());
    const signalled = await condition(
      () => this.s.wakeRequested !== null || this.s.dirty || this.s.view.stage !== 'nurture',
      Math.max(reengageAt - Date.now(), 1),
    );
    // A manager closed the lead, or an engagement arrived (the main loop writes it and the lead keeps sleeping).
    if (signalled && this.s.wakeRequested === null) return;
    await this.exclusive(async () => {
      if (this.s.view.stage !== 'nurture') return;
      const reason = this.s.wakeRequested ?? 'reengage_date_reached';
      this.s.wakeRequested = null;
      await this.startNewCycle(reason);
    });
  }

  private async startNewCycle(reason: string): Promise<void> {
    const { ruleset } = this.ruleset();
    const cycle = this.s.view.cycle + 1;
    // The wake-up that would start one cycle too many is its own cycle: it closes the lead with one outcome row.
    this.s.view.cycle = cycle;
    if (cycle > ruleset.nurture.maxCycles) {
      this.event('nurture_cycles_exhausted', { reason, cycle, maxCycles: ruleset.nurture.maxCycles });
      await this.decide(decideOutcome({ trigger: 'max_nurture_cycles', ...this.outcomeContext() }));
      return;
    }
    this.event('reengaged', { reason, cycle });
    // A new cycle is judged on its own findings: nothing from the last cycle's calls carries into its outcome.
    Object.assign(this.s, {
      discovery: undefined,
      discoveryEval: undefined,
      scope: undefined,
      scopeEval: undefined,
      commercial: undefined,
      commercialEval: undefined,
    });
    Object.assign(this.s.view, { outcome: null, handoff: null, route: null, owner: null, sla: null });
    await this.loadRuleset();
    this.enter('fit_check');
  }

  // ---- rep actions (Updates) ---------------------------------------------

  private registerHandlers(): void {
    setHandler(getLeadStateQuery, () => this.s.view);
    setHandler(submitDiscoveryUpdate, (cmd) => this.exclusive(() => this.onDiscovery(cmd)), {
      validator: (cmd) => this.validate(cmd, ['awaiting_discovery'], DiscoverySchema),
    });
    setHandler(submitScopeUpdate, (cmd) => this.exclusive(() => this.onScope(cmd)), {
      validator: (cmd) => this.validate(cmd, ['scope_check'], ScopeSchema),
    });
    setHandler(submitCommercialUpdate, (cmd) => this.exclusive(() => this.onCommercial(cmd)), {
      validator: (cmd) => this.validate(cmd, ['commercial_check'], CommercialSchema),
    });
    setHandler(disqualifyUpdate, (cmd) => this.exclusive(() => this.onDisqualify(cmd)), {
      validator: (cmd) => this.validate(cmd, ['awaiting_discovery', 'scope_check', 'commercial_check', 'nurture'], DisqualifySchema),
    });
    setHandler(recordEngagementSignal, (engagement) => {
      this.s.engagements.push({ ...engagement, at: engagement.at ?? nowIso() });
      this.s.responseWindowStartedAt = nowIso();
      this.event('engagement_recorded', { type: engagement.type, detail: engagement.detail });
      if (this.s.fit) this.rescore();
      this.s.dirty = true;
    });
    setHandler(reengageNowSignal, ({ requestedBy }) => this.requestWake(`reengaged_by_${requestedBy}`));
    setHandler(submitInboundSignal, (submission) => {
      if (submission.submissionId === this.input.submission.submissionId) return;
      this.s.intake = { ...this.s.intake, ...submission.intake };
      this.event('resubmitted', { submissionId: submission.submissionId });
      this.s.dirty = true;
      this.requestWake('resubmitted');
    });
  }

  private requestWake(reason: string): void {
    if (this.s.view.stage !== 'nurture') return;
    this.s.wakeRequested = reason;
  }

  /** Rejects before anything enters history: wrong stage, not the owner, or a payload failing its schema. */
  private validate<T>(cmd: RepCommand<T>, stages: Stage[], schema: z.ZodType): void {
    if (!stages.includes(this.s.view.stage)) {
      throw ApplicationFailure.create({
        type: RejectionType.wrongStage,
        message: `Lead is in stage ${this.s.view.stage}; this action needs ${stages.join(' or ')}.`,
        details: [{ stage: this.s.view.stage, expected: stages }],
        nonRetryable: true,
      });
    }
    this.checkOwner(cmd.actor);
    const parsed = schema.safeParse(cmd.payload);
    if (parsed.success) return;
    const fields = parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
    throw ApplicationFailure.create({
      type: RejectionType.invalidPayload,
      message: `Invalid payload: ${fields.map((f) => `${f.path || '(body)'}: ${f.message}`).join('; ')}`,
      details: [{ fields }],
      nonRetryable: true,
    });
  }

  private checkOwner(actor: Actor): void {
    if (actor.role === 'manager') return;
    if (actor.repId && actor.repId === this.s.view.owner) return;
    throw ApplicationFailure.create({
      type: RejectionType.notOwner,
      message: 'Only the rep who owns this lead (or a manager) may act on it.',
      nonRetryable: true,
    });
  }

  /** A handler that waited for the lock re-checks the stage: another action may have moved the lead. */
  private requireStage(stages: Stage[]): void {
    if (stages.includes(this.s.view.stage)) return;
    throw ApplicationFailure.create({
      type: RejectionType.wrongStage,
      message: `Lead moved to stage ${this.s.view.stage} before this action ran.`,
      nonRetryable: true,
    });
  }

  private async onDiscovery(cmd: RepCommand<unknown>): Promise<LeadView> {
    this.requireStage(['awaiting_discovery']);
    const discovery = DiscoverySchema.parse(cmd.payload);
    const { ruleset } = this.ruleset();
    this.s.discovery = discovery;
    const evaluation = evaluateDiscovery(discovery, this.s.intake, ruleset);
    this.s.discoveryEval = evaluation;
    this.rescore();
    this.event('discovery_submitted', { verdict: evaluation.verdict, missing: evaluation.missing }, evaluation.reasons, actorName(cmd.actor));
    // A discovery call is engagement: the no-engagement window starts again for scope and commercial.
    this.s.responseWindowStartedAt = nowIso();
    if (evaluation.verdict === 'stop') return this.decideAndShow(decideOutcome({ trigger: 'evaluation', ...this.outcomeContext() }));
    this.enter('scope_check');
    if (discovery.scope) return this.applyScope(discovery.scope, cmd.actor);
    await this.persist();
    return this.s.view;
  }

  private async onScope(cmd: RepCommand<unknown>): Promise<LeadView> {
    this.requireStage(['scope_check']);
    return this.applyScope(ScopeSchema.parse(cmd.payload), cmd.actor);
  }

  private async applyScope(scope: z.infer<typeof ScopeSchema>, actor: Actor): Promise<LeadView> {
    const { ruleset } = this.ruleset();
    this.s.scope = scope;
    const evaluation = evaluateScope(scope, ruleset, { intake: this.s.intake, discovery: this.s.discovery });
    this.s.scopeEval = evaluation;
    this.event('scope_submitted', { verdict: evaluation.verdict, missing: evaluation.missing }, evaluation.reasons, actorName(actor));
    this.s.responseWindowStartedAt = nowIso();
    if (evaluation.verdict === 'stop') return this.decideAndShow(decideOutcome({ trigger: 'evaluation', ...this.outcomeContext() }));
    this.enter('commercial_check');
    if (this.s.discovery?.commercial) return this.applyCommercial(this.s.discovery.commercial, actor);
    await this.persist();
    return this.s.view;
  }

  private async onCommercial(cmd: RepCommand<unknown>): Promise<LeadView> {
    this.requireStage(['commercial_check']);
    return this.applyCommercial(CommercialSchema.parse(cmd.payload), cmd.actor);
  }

  private async applyCommercial(commercial: z.infer<typeof CommercialSchema>, actor: Actor): Promise<LeadView> {
    const { ruleset } = this.ruleset();
    this.s.commercial = commercial;
    const evaluation = evaluateCommercial(commercial, this.s.discovery, ruleset);
    this.s.commercialEval = evaluation;
    this.event('commercial_submitted', { verdict: evaluation.verdict, missing: evaluation.missing }, evaluation.reasons, actorName(actor));
    return this.decideAndShow(decideOutcome({ trigger: 'evaluation', ...this.outcomeContext() }));
  }

  private async onDisqualify(cmd: RepCommand<unknown>): Promise<LeadView> {
    this.requireStage(['awaiting_discovery', 'scope_check', 'commercial_check', 'nurture']);
    const request = DisqualifySchema.parse(cmd.payload);
    this.event('disqualified_by_hand', { reason: request.reason }, undefined, actorName(cmd.actor));
    return this.decideAndShow(outcomeForDisqualify(request), { final: true });
  }

  // ---- outcome --------------------------------------------------------------

  private async decideAndShow(outcome: Outcome, options: { final?: boolean } = {}): Promise<LeadView> {
    await this.decide(outcome, options);
    return this.s.view;
  }

  /** Records exactly one outcome per cycle; nurture parks the lead, anything else closes it. */
  private async decide(outcome: Outcome, options: { final?: boolean } = {}): Promise<void> {
    const { leadId, cycle } = this.s.view;
    const view = this.s.view;
    view.outcome = outcome;
    const nurturing = outcome.status === 'nurture' && !options.final;
    if (outcome.status === 'qualified' && this.s.discovery) {
      view.handoff = handoffChecklist(this.s.intake, this.s.discovery, this.s.scope, this.s.commercial);
    }
    const plan = nurturing ? planReengagement(this.s.intake, this.ruleset().ruleset, new Date(), view.cycle, this.s.discovery) : null;
    view.nurture = plan ? { reengageAt: plan.at, cycle: view.cycle } : null;
    this.event('outcome_decided', { status: outcome.status, nextAction: outcome.nextAction }, outcome.reasons);
    if (plan) this.event('nurture_scheduled', { reengageAt: plan.at }, plan.reasons);
    this.enter(nurturing ? 'nurture' : 'outcome');
    this.syncSearchAttributes();
    await Promise.all([
      this.db.recordOutcome({ cycle, outcome, handoff: view.handoff, ...this.changes() }),
      this.db.notify({
        leadId,
        cycle,
        kind: `outcome_${outcome.status}`,
        recipientRepId: view.owner,
        recipientTeam: this.team(),
        ccRepId: null,
        payload: { status: outcome.status, nextAction: outcome.nextAction, reengageAt: view.nurture?.reengageAt ?? null },
      }),
    ]);
  }

  private outcomeContext(): Omit<OutcomeInput, 'trigger'> {
    const s = this.s;
    return {
      intake: s.intake,
      ruleset: this.ruleset().ruleset,
      fit: s.fit,
      scores: s.scores,
      discovery: s.discovery,
      discoveryEval: s.discoveryEval,
      scope: s.scope,
      scopeEval: s.scopeEval,
      commercial: s.commercial,
      commercialEval: s.commercialEval,
      engagements: s.engagements,
    };
  }

  // ---- state helpers ----------------------------------------------------------

  private async loadRuleset(): Promise<void> {
    const loaded = await this.db.loadRuleset();
    this.s.ruleset = loaded;
    this.s.view.rulesetVersion = loaded.version;
  }

  private ruleset(): NonNullable<LeadState['ruleset']> {
    if (!this.s.ruleset) throw ApplicationFailure.nonRetryable('Ruleset not loaded before a decision', 'InvalidState');
    return this.s.ruleset;
  }

  private rescore(): void {
    const scores = scoreLead(this.s.intake, this.ruleset().ruleset, { engagements: this.s.engagements, discovery: this.s.discovery });
    this.s.scores = scores;
    this.s.view.scores = { fit: scores.fit, need: scores.need, stage: scores.stage, total: scores.total, reasons: scores.reasons };
    this.s.view.lifecycle = scores.lifecycle;
  }

  private team() {
    return this.s.view.route?.team ?? null;
  }

  private enter(stage: Stage): void {
    const from = this.s.view.stage;
    this.s.view.stage = stage;
    this.event('stage_changed', { from, to: stage });
  }

  private event(type: string, data?: Record<string, unknown>, reasons?: Reason[], actor?: string): void {
    const at = nowIso();
    const event: LeadEvent = { seq: this.s.seq++, type, stage: this.s.view.stage, at, ...(actor ? { actor } : {}) };
    if (data) event.data = stripUndefined(data);
    if (reasons?.length) event.reasons = reasons;
    this.s.pendingEvents.push(event);
    this.s.view.events = [...this.s.view.events, event].slice(-RECENT_EVENTS_IN_VIEW);
    this.s.view.updatedAt = at;
  }

  /**
   * What a write needs: the view without its recent-events list (those travel once,
   * as `events`), keeping activity inputs and so history small.
   */
  private changes() {
    const events = this.s.pendingEvents;
    this.s.pendingEvents = [];
    this.s.dirty = false;
    return { leadId: this.s.view.leadId, view: { ...this.s.view, events: [] }, events, lastEventSeq: this.s.seq - 1 };
  }

  private async persist(): Promise<void> {
    this.syncSearchAttributes();
    await this.db.recordStage(this.changes());
  }

  /** Engagement signals only touch memory; one write carries however many arrived together. */
  private async flushEngagement(): Promise<void> {
    if (!this.s.dirty || this.s.view.stage === 'outcome') return;
    await this.exclusive(async () => {
      if (this.s.dirty) await this.db.recordStage(this.changes());
    });
  }

  /** Each upsert is a billable action: send one only when a listed attribute changed. */
  private syncSearchAttributes(): void {
    const attributes = this.searchAttributes();
    const signature = JSON.stringify(attributes.map(({ key, value }) => [key.name, value]));
    if (signature === this.s.searchAttributesSignature) return;
    this.s.searchAttributesSignature = signature;
    upsertSearchAttributes(attributes);
  }

  private searchAttributes() {
    const v = this.s.view;
    const attributes: Parameters<typeof upsertSearchAttributes>[0] = [
      { key: LeadStage, value: v.stage },
      { key: LeadScore, value: Math.round(v.scores?.total ?? 0) },
    ];
    if (v.route) attributes.push({ key: LeadTeam, value: v.route.team });
    if (v.owner) attributes.push({ key: LeadOwner, value: v.owner });
    if (v.outcome) attributes.push({ key: LeadOutcome, value: v.outcome.status });
    if (v.nurture) attributes.push({ key: LeadReengageAt, value: new Date(v.nurture.reengageAt) });
    return attributes;
  }

  /** Serialises Updates and timer actions so two of them never interleave on one lead. */
  private async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    await condition(() => !this.busy);
    this.busy = true;
    try {
      return await fn();
    } finally {
      this.busy = false;
    }
  }

  private async continueAsNewIfHistoryIsLong(): Promise<void> {
    const info = workflowInfo();
    const limit = this.input.maxHistoryEvents ?? DEFAULT_MAX_HISTORY_EVENTS;
    if (!info.continueAsNewSuggested && info.historyLength < limit) return;
    await this.continueAsNew();
  }

  private async continueAsNew(): Promise<never> {
    await this.flushEngagement();
    await condition(() => allHandlersFinished() && !this.busy);
    // Everything carries over, unwritten events and a pending wake-up included: the next run writes and honours them.
    const carried: CarriedState = { ...this.s };
    return continueAsNew<typeof leadQualificationWorkflow>(this.input, carried);
  }
}

function nowIso(): string {
  return new Date().toISOString();
}

function actorName(actor: Actor): string {
  return actor.role === 'manager' ? 'manager' : `rep:${actor.repId ?? 'unknown'}`;
}

function stripUndefined(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([, value]) => value !== undefined));
}

