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
import type { createActivities } from '../activities';
import {
  actionRefusal,
  roleRefusal,
  addEngagement,
  assignedEvents,
  assignRouting,
  UNASSIGNED,
  sharedRuleset,
  parseCommercial,
  parseDiscovery,
  parseDisqualify,
  parseScope,
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
  type ActionRefusal,
  type Assignment,
  type CommercialFindings,
  type Discovery,
  type GuardResult,
  type LeadActionName,
  type LeadEvent,
  type LeadView,
  type DisqualifyRequest,
  type Outcome,
  type OutcomeInput,
  type Reason,
  type Route,
  type Ruleset,
  type ScopeFindings,
  type Stage,
} from '../domain/core';
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
  type LeadSummary,
  type LeadWorkflowInput,
  type RepCommand,
} from './messages';
import { ConditionLock, FifoLock } from './lock';
import { LeadOutcome, LeadOwner, LeadReengageAt, LeadScore, LeadStage, LeadTeam } from './search-attributes';
import { initialState, resumeState, type CarriedState, type LeadState } from './state';

type Activities = ReturnType<typeof createActivities>;
type Notice = Parameters<Activities['notify']>[0];
type LoadedRuleset = Awaited<ReturnType<Activities['loadRuleset']>>;
type RoutingWrite = Parameters<Activities['recordRouting']>[0];
type RouteOnRulesetAnswer = Awaited<ReturnType<Activities['routeOnRuleset']>>;

/**
 * Database writes and ruleset loads: short, retried with backoff for as long as
 * Postgres (or a valid ruleset) is away. Nothing here fails a lead for good.
 */
const writeRetry = { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '30s' };

/**
 * Leads started before this patch ran their writes as regular activities: a
 * server round trip each. New runs write through local activities, run by the
 * worker inside the workflow task — capture to routed in one task, and the
 * writes of one task billed as one action.
 */
export const LOCAL_WRITES_PATCH = 'local-db-writes';
/**
 * Remote writes carry decisions a rep's request waits on: their backoff stops
 * growing at 5 s, so once the database is back the decision lands within
 * seconds. (A server-side policy: replay never compares it.)
 */
const remoteWrites = proxyActivities<Activities>({ startToCloseTimeout: '15s', retry: { ...writeRetry, maximumInterval: '5s' } });
const localWrites = proxyLocalActivities<Activities>({ startToCloseTimeout: '15s', localRetryThreshold: '10s', retry: writeRetry });

/**
 * Runs from this patch on take a FIFO lock (before it, two waiters could enter
 * together), write what signals bring from a writer of its own (before it, every
 * engagement woke the wait and restarted its timer; a resubmission waited for
 * the next write), let a deadline that fires early simply sleep again, and write
 * outcomes through regular activities, after the deciding task is committed.
 */
export const SERIAL_WRITER_PATCH = 'fifo-lock-signal-writer';
/**
 * Runs from this patch on write each step's message with its state, in one
 * write (before it: two writes side by side, two local activities or, for a
 * decision, two activity tasks), and check between stages whether there is
 * anything to write or hand over before awaiting it (nearly always not).
 */
export const ONE_WRITE_PER_STEP_PATCH = 'one-write-per-step';

/** Keep each run's history small; the view and a few counters carry over. */
const DEFAULT_MAX_HISTORY_EVENTS = 2_000;
const RECENT_EVENTS_IN_VIEW = 25;
/** One write carries at most this many audit events, so a flood of signals never makes one huge activity input. */
const MAX_EVENTS_PER_WRITE = 200;
/** Unwritten events a run may hand to the next; more are written first, so a flood cannot stall the hand-over or swell its input. */
const MAX_EVENTS_CARRIED = 50;

/** How a run writes and serialises its work: chosen once, when the run starts. */
interface Behaviour {
  /** Writes are local activities (LOCAL_WRITES_PATCH), not regular ones. */
  localWrites: boolean;
  /** A FIFO lock and a writer for signals (SERIAL_WRITER_PATCH). */
  serialWriter: boolean;
  /** A step's message goes with its state in one write (ONE_WRITE_PER_STEP_PATCH). */
  oneWritePerStep: boolean;
  /** Capture loads the ruleset in the lead's first write: one local activity, not two (leadQualificationWorkflowV3 on). */
  captureInOneWrite: boolean;
  /** Routing picks the rep inside the step's write: one local activity, not two (leadQualificationWorkflowV4 on). */
  routeInOneWrite: boolean;
  /**
   * A woken nurture lead judges its new cycle under the ruleset it holds, and
   * routing's write confirms that is still the one to use: one local activity at
   * a wake-up, not a load and then a write (leadQualificationWorkflowV5 on).
   */
  wakeInOneWrite: boolean;
  /**
   * Capture judges the lead under the ruleset the API handed it and routes it in
   * the lead's first write, which confirms that ruleset: one local activity from
   * capture to a rep, not two (leadQualificationWorkflowV6 on).
   */
  routeAtCapture: boolean;
  /**
   * A fired timer's deadline is due when it is no later than the one the timer
   * was set for, without asking the clock (leadQualificationWorkflowV7 on; see
   * `stillDue`).
   */
  deadlineByTimer: boolean;
}

/** Everything the patches above introduced: how leads started on leadQualificationWorkflowV2 run. */
const V2_BEHAVIOUR: Behaviour = {
  localWrites: true,
  serialWriter: true,
  oneWritePerStep: true,
  captureInOneWrite: false,
  routeInOneWrite: false,
  wakeInOneWrite: false,
  routeAtCapture: false,
  deadlineByTimer: false,
};
/** How leads started on leadQualificationWorkflowV3 run. */
const V3_BEHAVIOUR: Behaviour = { ...V2_BEHAVIOUR, captureInOneWrite: true };
/** How leads started on leadQualificationWorkflowV4 run. */
const V4_BEHAVIOUR: Behaviour = { ...V3_BEHAVIOUR, routeInOneWrite: true };
/** How leads started on leadQualificationWorkflowV5 run. */
const V5_BEHAVIOUR: Behaviour = { ...V4_BEHAVIOUR, wakeInOneWrite: true };
/** How leads started on leadQualificationWorkflowV6 run. */
const V6_BEHAVIOUR: Behaviour = { ...V5_BEHAVIOUR, routeAtCapture: true };
/** How every lead started on leadQualificationWorkflowV7 runs. */
const CURRENT_BEHAVIOUR: Behaviour = { ...V6_BEHAVIOUR, deadlineByTimer: true };

/**
 * Leads started before leadQualificationWorkflowV2, and their continued runs:
 * each run asks the patch markers in its history which behaviour it was started
 * with (in the order they were introduced, as recorded). A new run of this type
 * records all three, each with the SDK's search-attribute upsert.
 */
export async function leadQualificationWorkflow(input: LeadWorkflowInput, carried?: CarriedState): Promise<LeadSummary> {
  const behaviour = {
    localWrites: patched(LOCAL_WRITES_PATCH),
    serialWriter: patched(SERIAL_WRITER_PATCH),
    oneWritePerStep: patched(ONE_WRITE_PER_STEP_PATCH),
    captureInOneWrite: false,
    routeInOneWrite: false,
    wakeInOneWrite: false,
    routeAtCapture: false,
    deadlineByTimer: false,
  };
  return new LeadRun(input, carried, behaviour).run();
}

/**
 * Leads started between leadQualificationWorkflow and leadQualificationWorkflowV3:
 * the patched behaviours fixed by the workflow type instead of asked of patch
 * markers, so a run's history carries no marker and no search-attribute upsert
 * per patch (six events and three billable actions fewer a run).
 */
export async function leadQualificationWorkflowV2(input: LeadWorkflowInput, carried?: CarriedState): Promise<LeadSummary> {
  return new LeadRun(input, carried, V2_BEHAVIOUR).run();
}

/**
 * Leads started between leadQualificationWorkflowV2 and leadQualificationWorkflowV4:
 * V2, with capture's ruleset load and first write in one local activity (one
 * activation and one marker fewer per capture; the local activities of one
 * task bill as one action either way).
 */
export async function leadQualificationWorkflowV3(input: LeadWorkflowInput, carried?: CarriedState): Promise<LeadSummary> {
  return new LeadRun(input, carried, V3_BEHAVIOUR).run();
}

/**
 * Leads started between leadQualificationWorkflowV3 and leadQualificationWorkflowV5:
 * V3, with routing's rep assignment and its write in one local activity (one
 * activation and one marker fewer each time a lead is routed: at capture, at
 * every nurture wake-up and reopening).
 */
export async function leadQualificationWorkflowV4(input: LeadWorkflowInput, carried?: CarriedState): Promise<LeadSummary> {
  return new LeadRun(input, carried, V4_BEHAVIOUR).run();
}

/**
 * Leads started between leadQualificationWorkflowV4 and leadQualificationWorkflowV6:
 * V4, with a nurture wake-up judged under the ruleset the lead holds and routed
 * in one local activity that also confirms the version (one activation and one
 * marker fewer per wake-up; a ruleset published while the lead slept costs that
 * wake-up a second judgement, nothing written twice).
 */
export async function leadQualificationWorkflowV5(input: LeadWorkflowInput, carried?: CarriedState): Promise<LeadSummary> {
  return new LeadRun(input, carried, V5_BEHAVIOUR).run();
}

/**
 * Leads started between leadQualificationWorkflowV5 and leadQualificationWorkflowV7:
 * V5, with capture judged under the ruleset the API handed over with the lead
 * and routed in the lead's first write, which confirms that ruleset (one
 * activation and one marker fewer from capture to a rep).
 */
export async function leadQualificationWorkflowV6(input: LeadWorkflowInput, carried?: CarriedState): Promise<LeadSummary> {
  return new LeadRun(input, carried, V6_BEHAVIOUR).run();
}

/**
 * Every lead started from now on: V6, with a fired timer's deadline judged by
 * the one the timer was set for rather than by the clock, so a lead whose first
 * task replays at a later time decides on replay as it did in the run. A V6
 * lead keeps the clock check its history was made with. A change to how these
 * runs behave needs `patched()` here, or a new type.
 */
export async function leadQualificationWorkflowV7(input: LeadWorkflowInput, carried?: CarriedState): Promise<LeadSummary> {
  return new LeadRun(input, carried, CURRENT_BEHAVIOUR).run();
}

type Deadline = { kind: 'reminder' | 'escalation' | 'response_window'; at: number };

class LeadRun {
  /** Replaced whole only when a judgement is taken back (judgeOnRuleset). */
  private s: LeadState;
  private readonly lock: FifoLock | ConditionLock;
  /** The signal writer found the history long: the main loop hands over to a new run. */
  private handOverRequested = false;
  /** Signals changed what scores are made of; the next write or decision rescores once, not once per signal. */
  private scoresStale = false;
  /** A run parks in nurture only if it began there; otherwise it continues-as-new first, bounding history per cycle. */
  private readonly parkedCycle: number | null;
  private readonly db: Activities;
  /** Signals that arrived while a judgement might still be taken back (judgeOnRuleset): applied, in order, once it stands or is redone. */
  private deferredSignals: Array<() => void> | null = null;
  /**
   * While routing's write is out: the lead as it stood before the step. Queries
   * see this, not a stage whose rep is not yet picked or whose judgement may yet
   * be taken back; Update validators then judge only the caller's role (see
   * `validate`).
   */
  private shown: LeadView | null = null;

  /** The run's input, less the ruleset handed over with it: that goes to capture, and no further (not kept, not continued). */
  private readonly input: LeadWorkflowInput;
  /** The ruleset the API handed over, until capture takes it (every lead then shares one copy, see useRuleset). */
  private handedOver: LeadWorkflowInput['ruleset'];

  constructor(
    input: LeadWorkflowInput,
    carried: CarriedState | undefined,
    /** Chosen once, when the run starts; older runs replay exactly as they were recorded. */
    private readonly behaviour: Behaviour,
  ) {
    // Taken out of the input object itself: the SDK holds a run's arguments for as long as it runs, so a copy would stay with every cached lead.
    this.handedOver = input.ruleset;
    delete input.ruleset;
    this.input = input;
    this.s = carried ? resumeState(carried) : initialState(input, nowIso());
    this.parkedCycle = this.s.view.stage === 'nurture' ? this.s.view.cycle : null;
    this.db = behaviour.localWrites ? localWrites : remoteWrites;
    this.lock = behaviour.serialWriter ? new FifoLock() : new ConditionLock();
    this.registerHandlers();
  }

  async run(): Promise<LeadSummary> {
    if (this.behaviour.serialWriter) void this.writeSignals();
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
          // A signal that lands while the lead closes is written before it closes.
          do {
            await condition(allHandlersFinished);
            await this.writeRemaining();
          } while (this.s.dirty);
          return this.summary();
      }
      await this.betweenStages();
    }
  }

  /** Writes what signals left in memory and hands over to a new run when the history is long. */
  private async betweenStages(): Promise<void> {
    if (!this.behaviour.oneWritePerStep) {
      await this.flushEngagement();
      await this.continueAsNewIfHistoryIsLong();
      return;
    }
    if (this.s.dirty) await this.flushEngagement();
    if (this.historyIsLong()) await this.continueAsNew();
  }

  // ---- stages -------------------------------------------------------------

  private async capture(): Promise<void> {
    if (!this.behaviour.captureInOneWrite) await this.loadRuleset();
    const reopen = this.input.reopen;
    if (reopen) this.event('reopened', { reason: reopen.reason, cycle: this.s.view.cycle }, undefined, reopen.actor);
    else this.event('captured', { source: this.s.intake.source });
    this.enter('fit_check');
    if (!this.behaviour.captureInOneWrite) {
      await this.db.recordLead({ intake: this.s.intake, ...this.changes() });
      return;
    }
    const given = this.behaviour.routeAtCapture ? this.handedOver : undefined;
    this.handedOver = undefined;
    // A lead the given ruleset would close at its fit check is captured as before: only routing's write confirms the version.
    if (given && checkFit(this.s.intake, given.ruleset).verdict !== 'unqualified') return this.captureOnGivenRuleset(given);
    // The write records the lead under the ruleset it loads: nothing written here depends on the ruleset.
    this.useRuleset(await this.db.captureLead({ intake: this.s.intake, keepVersion: this.keptRulesetVersion(), ...this.changes() }));
  }

  /** The lead judged and routed under the ruleset it was handed, in its first write; if that write finds another, the lead's first write is the capture alone. */
  private async captureOnGivenRuleset(given: NonNullable<LeadWorkflowInput['ruleset']>): Promise<void> {
    this.useRuleset(given);
    const intake = this.s.intake;
    await this.judgeOnRuleset(
      (routing) => this.db.captureAndRoute({ ...routing, intake, rulesetVersion: given.version }),
      () => this.db.recordLead({ intake, ...this.changes() }),
    );
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
    const route = routeLead(this.s.intake, this.ruleset().ruleset, new Date());
    if (!this.behaviour.routeInOneWrite) {
      const { leadId, cycle } = this.s.view;
      const assignment = await this.db.assignRep({ leadId, cycle, team: route.team });
      this.enterRouted(route, assignment);
      await this.persistWith(this.routingNotice(route, assignment));
      return;
    }
    await this.writeRouting(route, (routing) => this.db.recordRouting(routing));
  }

  /**
   * The step goes out with no owner; its write picks the rep and fills it in, and
   * so does this run from the answer. A write that answers with no assignment
   * wrote nothing, and its caller takes the step back (judgeOnRuleset).
   */
  private async writeRouting(route: Route, write: (routing: RoutingWrite) => Promise<Assignment | null>): Promise<void> {
    // A shallow copy stays as it was: routing replaces the view's fields, it never changes one in place.
    await this.shownAsBefore(
      () => ({ ...this.s.view }),
      async () => {
        const routedSeq = this.enterRouted(route, UNASSIGNED);
        const assignment = await write({ team: route.team, step: { ...this.changes(), notify: this.routingNotice(route, UNASSIGNED) } });
        if (!assignment) return;
        this.assign(assignment, routedSeq);
        this.syncSearchAttributes();
      },
    );
  }

  /** Runs a step whose write decides what it shows; until that write answers, the lead shows as `before` (the outermost such step's). */
  private async shownAsBefore(before: () => LeadView, step: () => Promise<void>): Promise<void> {
    if (this.shown) return step();
    this.shown = before();
    try {
      await step();
    } finally {
      this.shown = null;
    }
  }

  /** The lead as queries see it. */
  private visible(): LeadView {
    return this.shown ?? this.s.view;
  }

  /** Records the routing; returns its event's sequence number. */
  private enterRouted(route: Route, assignment: Assignment): number {
    this.s.view.route = { ...route, reasons: [...route.reasons, ...assignment.reasons] };
    this.s.view.owner = assignment.repId;
    this.s.view.sla = { dueAt: route.slaDueAt, reminderSentAt: null, escalatedAt: null, breached: false };
    this.s.teamLeadId = assignment.teamLeadId;
    this.s.responseWindowStartedAt = nowIso();
    const { seq } = this.event('routed', { team: route.team, urgency: route.urgency, escalated: route.escalated, owner: assignment.repId }, route.reasons);
    this.enter('awaiting_discovery');
    return seq;
  }

  /** The rep the routing write picked, filled in as the write filled it in (and into events still waiting for a write). */
  private assign(assignment: Assignment, routedSeq: number): void {
    const { view, events } = assignRouting({ view: this.s.view, events: this.s.view.events }, assignment, routedSeq);
    this.s.view = { ...view, events };
    this.s.pendingEvents = assignedEvents(this.s.pendingEvents, assignment, routedSeq);
    this.s.teamLeadId = assignment.teamLeadId;
  }

  private routingNotice(route: Route, assignment: Assignment): Notice {
    const { leadId, cycle, companyName } = this.s.view;
    return {
      leadId,
      cycle,
      kind: route.escalated ? 'urgent_lead_assigned' : 'lead_assigned',
      recipientRepId: assignment.repId,
      recipientTeam: route.team,
      // An urgent lead goes to the team lead at once as well as to its owner.
      ccRepId: route.escalated ? assignment.teamLeadId : null,
      payload: { companyName, slaDueAt: route.slaDueAt, urgency: route.urgency },
    };
  }

  /** Waits for the owner's findings while reminding, escalating and closing on silence. */
  private async waitForRep(): Promise<void> {
    const stage = this.s.view.stage;
    const engagementsSeen = this.s.engagementsSeen;
    const deadline = this.nextDeadline();
    // Older runs woke on every engagement to move the deadline; now the deadline re-checks itself when its timer fires.
    const engagementMoved = () => !this.behaviour.serialWriter && this.s.engagementsSeen !== engagementsSeen;
    const changed = await condition(
      () => this.s.view.stage !== stage || engagementMoved() || this.handOverRequested,
      Math.max(deadline.at - Date.now(), 1),
    );
    if (changed) return;
    await this.exclusive(async () => {
      // An Update or engagement may have moved the lead while this waited for the lock: act only if the deadline still stands.
      if (!this.stillDue(stage, deadline)) return;
      await this.onDeadline(deadline.kind);
    });
  }

  /**
   * Whether the deadline whose timer fired still stands. The workflow's clock
   * does not replay exactly: a run's first task that completes without commands
   * (the SDK completes it to answer a query while capture's write is out, or at
   * 80% of the task's timeout) is replayed together with the next task, at that
   * task's time, so the instants capture takes (the response window's start,
   * the SLA's reminder and due times) come out later on replay than in the
   * run. Checked against the clock alone, a timer that fired just after its
   * deadline in the run can find it not yet due on replay and set another
   * timer where the run decided. From V7 on, a deadline no later than the one
   * the timer was set for is due (in a live run the clock agrees: a timer
   * fires at or after its instant); only a deadline moved later meanwhile (an
   * engagement) asks the clock. V6 and older keep the clock check their
   * histories were made with: a V6 lead that replayed between setting the
   * timer and its firing may have set a second timer on that check, and must
   * replay it.
   */
  private stillDue(stage: Stage, deadline: Deadline): boolean {
    if (this.s.view.stage !== stage) return false;
    const now = this.nextDeadline();
    if (now.kind !== deadline.kind) return false;
    return (this.behaviour.deadlineByTimer && now.at <= deadline.at) || now.at <= Date.now();
  }

  private nextDeadline(): Deadline {
    const { ruleset } = this.ruleset();
    const sla = this.s.view.sla;
    const windowEnd = Date.parse(this.s.responseWindowStartedAt ?? this.s.view.updatedAt) + parseDuration(ruleset.engagement.responseWindow);
    const candidates: Deadline[] = [
      { kind: 'response_window', at: windowEnd },
    ];
    if (sla && this.s.view.stage === 'awaiting_discovery') {
      if (!sla.reminderSentAt && this.s.view.route) candidates.push({ kind: 'reminder', at: Date.parse(this.s.view.route.reminderAt) });
      if (!sla.escalatedAt) candidates.push({ kind: 'escalation', at: Date.parse(sla.dueAt) });
    }
    return candidates.reduce((a, b) => (b.at < a.at ? b : a));
  }

  private async onDeadline(kind: Deadline['kind']): Promise<void> {
    const { leadId, cycle, sla, owner } = this.s.view;
    if (kind === 'response_window') {
      await this.decide(decideOutcome({ trigger: 'no_engagement', ...this.outcomeContext() }));
      return;
    }
    if (!sla) return;
    if (kind === 'reminder') {
      sla.reminderSentAt = nowIso();
      this.event('sla_reminder_sent', { owner, dueAt: sla.dueAt });
      await this.persistWith({ leadId, cycle, kind: 'sla_reminder', recipientRepId: owner, recipientTeam: this.team(), payload: { dueAt: sla.dueAt } });
      return;
    }
    sla.escalatedAt = nowIso();
    sla.breached = true;
    this.event('sla_escalated', { owner, teamLead: this.s.teamLeadId, dueAt: sla.dueAt });
    await this.persistWith({
      leadId,
      cycle,
      kind: 'sla_escalation',
      recipientRepId: this.s.teamLeadId,
      recipientTeam: this.team(),
      payload: { owner, dueAt: sla.dueAt },
    });
  }

  /** Sleeps until the re-engagement date (or an early wake), then routes the lead again. */
  private async nurture(): Promise<void> {
    if (this.parkedCycle !== this.s.view.cycle) return this.continueAsNew();
    const reengageAt = Date.parse(this.s.view.nurture?.reengageAt ?? nowIso());
    const signalled = await condition(
      () => this.s.wakeRequested !== null || (!this.behaviour.serialWriter && this.s.dirty) || this.handOverRequested || this.s.view.stage !== 'nurture',
      Math.max(reengageAt - Date.now(), 1),
    );
    // A manager closed the lead, the history is long, or (in older runs) an engagement arrived: the main loop takes it from here.
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
    if (this.behaviour.wakeInOneWrite) return this.judgeWakeOnHeldRuleset();
    await this.loadRuleset();
    this.enter('fit_check');
  }

  /**
   * The new cycle judged under the ruleset the lead holds, routed in the
   * wake-up's one write (judgeOnRuleset). A cycle that would close at its fit
   * check loads the ruleset first, as before: only routing's write confirms the
   * version.
   */
  private async judgeWakeOnHeldRuleset(): Promise<void> {
    this.enter('fit_check');
    const held = this.ruleset();
    if (checkFit(this.s.intake, held.ruleset).verdict === 'unqualified') return this.loadRuleset();
    await this.judgeOnRuleset((routing) => this.db.routeOnRuleset({ ...routing, rulesetVersion: held.version }));
  }

  /**
   * Fit check and routing under the ruleset the run holds, in one write that
   * writes only if it is still the one to use: `write` answers with the rep, or
   * with the ruleset to use instead and nothing written. Then the judgement is
   * taken back — the state as it was before it; signals that arrived meanwhile
   * are held and applied after — the new ruleset taken, and `takenBack` writes
   * what must stand before the main loop judges the step again.
   */
  private async judgeOnRuleset(write: (routing: RoutingWrite) => Promise<RouteOnRulesetAnswer>, takenBack?: () => Promise<void>): Promise<void> {
    const before = { state: this.copyOfState(), scoresStale: this.scoresStale };
    this.deferredSignals = [];
    try {
      await this.shownAsBefore(
        () => before.state.view,
        async () => {
          await this.fitCheck();
          const found: { newer?: LoadedRuleset } = {};
          await this.writeRouting(routeLead(this.s.intake, this.ruleset().ruleset, new Date()), async (routing) => {
            const answer = await write(routing);
            if ('assignment' in answer) return answer.assignment;
            found.newer = answer.ruleset;
            return null;
          });
          if (!found.newer) return;
          this.s = before.state;
          this.scoresStale = before.scoresStale;
          this.useRuleset(found.newer);
          await takenBack?.();
        },
      );
    } finally {
      const deferred = this.deferredSignals;
      this.deferredSignals = null;
      for (const apply of deferred) apply();
    }
  }

  /** A deep copy of the run's state, sharing its one frozen ruleset. */
  private copyOfState(): LeadState {
    const { ruleset, ...rest } = this.s;
    return { ...(JSON.parse(JSON.stringify(rest)) as Omit<LeadState, 'ruleset'>), ruleset };
  }

  // ---- rep actions (Updates) ---------------------------------------------

  private registerHandlers(): void {
    setHandler(getLeadStateQuery, () => this.visible());
    setHandler(submitDiscoveryUpdate, (cmd) => this.act('discovery', cmd, parseDiscovery, (d) => this.onDiscovery(d, cmd.actor)), {
      validator: (cmd) => this.validate('discovery', cmd, parseDiscovery),
    });
    setHandler(submitScopeUpdate, (cmd) => this.act('scope', cmd, parseScope, (scope) => this.applyScope(scope, cmd.actor)), {
      validator: (cmd) => this.validate('scope', cmd, parseScope),
    });
    setHandler(submitCommercialUpdate, (cmd) => this.act('commercial', cmd, parseCommercial, (c) => this.applyCommercial(c, cmd.actor)), {
      validator: (cmd) => this.validate('commercial', cmd, parseCommercial),
    });
    setHandler(disqualifyUpdate, (cmd) => this.act('disqualify', cmd, parseDisqualify, (request) => this.onDisqualify(request, cmd.actor)), {
      validator: (cmd) => this.validate('disqualify', cmd, parseDisqualify),
    });
    setHandler(recordEngagementSignal, (engagement) =>
      this.onSignal(() => {
        // Accepted after the decision (the lead is closing): still part of the trail, no longer of the score.
        if (this.s.view.stage === 'outcome') return this.recordLateEngagement(engagement);
        this.s.engagement = addEngagement(this.s.engagement, engagement);
        this.s.engagementsSeen += 1;
        this.s.responseWindowStartedAt = nowIso();
        this.event('engagement_recorded', { type: engagement.type, detail: engagement.detail });
        this.scoresStale = this.s.fit !== undefined;
        this.s.dirty = true;
      }),
    );
    setHandler(reengageNowSignal, ({ requestedBy }) => this.onSignal(() => this.requestWake(`reengaged_by_${requestedBy}`)));
    setHandler(submitInboundSignal, (submission) =>
      this.onSignal(() => {
        if (submission.submissionId === this.input.submission.submissionId) return;
        this.s.intake = { ...this.s.intake, ...submission.intake };
        this.event('resubmitted', { submissionId: submission.submissionId });
        this.scoresStale = this.s.fit !== undefined;
        this.s.dirty = true;
        this.requestWake('resubmitted');
      }),
    );
  }

  private onSignal(apply: () => void): void {
    if (this.deferredSignals) this.deferredSignals.push(apply);
    else apply();
  }

  private recordLateEngagement(engagement: { type: string; detail?: string }): void {
    if (!this.behaviour.serialWriter) return;
    this.event('engagement_recorded', { type: engagement.type, detail: engagement.detail, afterOutcome: true });
    this.s.dirty = true;
  }

  private requestWake(reason: string): void {
    if (this.s.view.stage !== 'nurture') return;
    this.s.wakeRequested = reason;
  }

  /**
   * Rejects before anything enters history: a role, owner or stage the action
   * table refuses, or a payload failing its shape. While a step's write is out
   * only the role is judged: the owner and stage that step leaves are not known
   * yet, so the Update is taken and waits for the lock, where `act` judges them
   * once the step is written. A rep acting on a lead whose routing has just
   * been written (the read model shows it as theirs) is not refused for the
   * stage the lead is leaving. Validators do not run on replay, so running
   * leads replay as recorded.
   */
  private validate<T>(action: LeadActionName, cmd: RepCommand<unknown>, parse: (value: unknown) => GuardResult<T>): T {
    const actor = actorOf(cmd);
    const refusal = this.shown ? roleRefusal(action, this.shown, actor) : actionRefusal(action, this.s.view, actor);
    if (refusal) throw rejection(refusal);
    const parsed = parse(cmd.payload);
    if (parsed.ok) return parsed.value;
    throw ApplicationFailure.create({
      type: RejectionType.invalidPayload,
      message: `Invalid payload: ${parsed.issues.map((f) => `${f.path || '(body)'}: ${f.message}`).join('; ')}`,
      details: [{ fields: parsed.issues }],
      nonRetryable: true,
    });
  }

  /**
   * Runs an accepted Update under the lock, after the same checks again: while it
   * waited, another action or a deadline may have moved the lead.
   */
  private act<T>(action: LeadActionName, cmd: RepCommand<unknown>, parse: (value: unknown) => GuardResult<T>, apply: (payload: T) => Promise<void>): Promise<LeadSummary> {
    return this.exclusive(async () => {
      await apply(this.validate(action, cmd, parse));
      return this.summary();
    });
  }

  private async onDiscovery(discovery: Discovery, actor: Actor): Promise<void> {
    const { ruleset } = this.ruleset();
    this.s.discovery = discovery;
    const evaluation = evaluateDiscovery(discovery, this.s.intake, ruleset);
    this.s.discoveryEval = evaluation;
    this.rescore();
    this.event('discovery_submitted', { verdict: evaluation.verdict, missing: evaluation.missing }, evaluation.reasons, actorName(actor));
    // A discovery call is engagement: the no-engagement window starts again for scope and commercial.
    this.s.responseWindowStartedAt = nowIso();
    if (evaluation.verdict === 'stop') return this.decide(decideOutcome({ trigger: 'evaluation', ...this.outcomeContext() }));
    this.enter('scope_check');
    if (discovery.scope) return this.applyScope(discovery.scope, actor);
    await this.persist();
  }

  private async applyScope(scope: ScopeFindings, actor: Actor): Promise<void> {
    const { ruleset } = this.ruleset();
    this.s.scope = scope;
    const evaluation = evaluateScope(scope, ruleset, { intake: this.s.intake, discovery: this.s.discovery });
    this.s.scopeEval = evaluation;
    this.event('scope_submitted', { verdict: evaluation.verdict, missing: evaluation.missing }, evaluation.reasons, actorName(actor));
    this.s.responseWindowStartedAt = nowIso();
    if (evaluation.verdict === 'stop') return this.decide(decideOutcome({ trigger: 'evaluation', ...this.outcomeContext() }));
    this.enter('commercial_check');
    if (this.s.discovery?.commercial) return this.applyCommercial(this.s.discovery.commercial, actor);
    await this.persist();
  }

  private async applyCommercial(commercial: CommercialFindings, actor: Actor): Promise<void> {
    const { ruleset } = this.ruleset();
    this.s.commercial = commercial;
    const evaluation = evaluateCommercial(commercial, this.s.discovery, ruleset);
    this.s.commercialEval = evaluation;
    this.event('commercial_submitted', { verdict: evaluation.verdict, missing: evaluation.missing }, evaluation.reasons, actorName(actor));
    return this.decide(decideOutcome({ trigger: 'evaluation', ...this.outcomeContext() }));
  }

  private async onDisqualify(request: DisqualifyRequest, actor: Actor): Promise<void> {
    this.event('disqualified_by_hand', { reason: request.reason }, undefined, actorName(actor));
    return this.decide(outcomeForDisqualify(request), { final: true });
  }

  // ---- outcome --------------------------------------------------------------

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
    const db = this.decisionWrites();
    const record = { cycle, outcome, handoff: view.handoff, ...this.changes() };
    const notice: Notice = {
      leadId,
      cycle,
      kind: `outcome_${outcome.status}`,
      recipientRepId: view.owner,
      recipientTeam: this.team(),
      ccRepId: null,
      payload: { status: outcome.status, nextAction: outcome.nextAction, reengageAt: view.nurture?.reengageAt ?? null },
    };
    if (this.behaviour.oneWritePerStep) await db.recordOutcome({ ...record, notify: notice });
    else await Promise.all([db.recordOutcome(record), db.notify(notice)]);
  }

  /**
   * Where an outcome is written. A local write runs inside the workflow task that
   * decided it, and a task that also closes the lead is refused by Temporal when a
   * signal lands meanwhile: the write of a decision the lead then never made would
   * stay. A regular activity runs only once the deciding task is committed.
   */
  private decisionWrites(): Activities {
    return this.behaviour.serialWriter ? remoteWrites : this.db;
  }

  private outcomeContext(): Omit<OutcomeInput, 'trigger'> {
    if (this.scoresStale) this.rescore();
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
    };
  }

  // ---- state helpers ----------------------------------------------------------

  /** The active ruleset; if it does not validate, the version this lead already carries. */
  private async loadRuleset(): Promise<void> {
    this.useRuleset(await this.db.loadRuleset({ keepVersion: this.keptRulesetVersion() }));
  }

  private keptRulesetVersion(): string | null {
    return this.s.ruleset?.version ?? null;
  }

  /** A load leaves the content out when it is the version this lead holds (and loads recorded before that carry it anyway). */
  private useRuleset(loaded: LoadedRuleset): void {
    const ruleset = loaded.ruleset ? sharedRuleset(loaded.ruleset) : this.heldRuleset(loaded.version);
    this.s.ruleset = { version: loaded.version, ruleset };
    this.s.view.rulesetVersion = loaded.version;
  }

  private heldRuleset(version: string): Ruleset {
    // The load leaves the content out only for the version it was told this lead holds; anything else is a bug, retried as a failed task.
    if (this.s.ruleset?.version !== version) throw new Error(`Ruleset ${version} loaded without content, and this lead holds ${this.s.ruleset?.version ?? 'none'}`);
    return this.s.ruleset.ruleset;
  }

  private ruleset(): NonNullable<LeadState['ruleset']> {
    // A plain Error fails the workflow task, which retries; an ApplicationFailure would fail the lead for good.
    if (!this.s.ruleset) throw new Error('Ruleset not loaded before a decision');
    return this.s.ruleset;
  }

  private rescore(): void {
    this.scoresStale = false;
    const scores = scoreLead(this.s.intake, this.ruleset().ruleset, { engagement: this.s.engagement, discovery: this.s.discovery });
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

  private event(type: string, data?: Record<string, unknown>, reasons?: Reason[], actor?: string): LeadEvent {
    const at = nowIso();
    const event: LeadEvent = { seq: this.s.seq++, type, stage: this.s.view.stage, at, ...(actor ? { actor } : {}) };
    if (data) event.data = stripUndefined(data);
    if (reasons?.length) event.reasons = reasons;
    this.s.pendingEvents.push(event);
    this.s.view.events = [...this.s.view.events, event].slice(-RECENT_EVENTS_IN_VIEW);
    this.s.view.updatedAt = at;
    return event;
  }

  /**
   * What a write needs: the view without its recent-events list (those travel once,
   * as `events`), keeping activity inputs and so history small.
   */
  private changes() {
    if (this.scoresStale) this.rescore();
    const events = this.s.pendingEvents.slice(0, MAX_EVENTS_PER_WRITE);
    this.s.pendingEvents = this.s.pendingEvents.slice(events.length);
    this.s.dirty = this.s.pendingEvents.length > 0;
    const lastEventSeq = events.length > 0 ? events[events.length - 1]!.seq : this.s.seq - 1;
    return { leadId: this.s.view.leadId, view: { ...this.s.view, events: [] }, events, lastEventSeq };
  }

  private async persist(notify?: Notice): Promise<void> {
    this.syncSearchAttributes();
    await this.db.recordStage(notify ? { ...this.changes(), notify } : this.changes());
  }

  /** The step's state and its message: one write from ONE_WRITE_PER_STEP_PATCH on, two side by side before it. */
  private async persistWith(notice: Notice): Promise<void> {
    if (this.behaviour.oneWritePerStep) await this.persist(notice);
    else await Promise.all([this.persist(), this.db.notify(notice)]);
  }

  /** Signals only touch memory; one write carries however many arrived together (in bounded batches). */
  private async flushEngagement(): Promise<void> {
    if (this.s.view.stage === 'outcome') return;
    await this.writeRemaining();
  }

  /** Writes every event still in memory, batch by batch; a closing lead calls it last (an outcome write carries one batch). */
  private async writeRemaining(): Promise<void> {
    if (!this.s.dirty) return;
    await this.exclusive(async () => {
      while (this.s.dirty) await this.db.recordStage(this.changes());
    });
  }

  /**
   * Writes what signals leave in memory — engagements, resubmissions — as soon as
   * the lock is free, however many arrive, without waking the stage loop or its
   * timers; asks for a hand-over to a new run when the history grows long.
   */
  private async writeSignals(): Promise<void> {
    for (;;) {
      await condition(() => this.s.dirty && this.s.view.stage !== 'outcome');
      await this.flushEngagement();
      if (this.historyIsLong()) this.handOverRequested = true;
    }
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

  /** Serialises Updates, stage work and timer actions so two of them never interleave on one lead. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.lock.run(fn);
  }

  private summary(): LeadSummary {
    const v = this.s.view;
    return {
      leadId: v.leadId,
      cycle: v.cycle,
      stage: v.stage,
      owner: v.owner,
      outcome: v.outcome?.status ?? null,
      rulesetVersion: v.rulesetVersion,
      updatedAt: v.updatedAt,
    };
  }

  private historyIsLong(): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength >= (this.input.maxHistoryEvents ?? DEFAULT_MAX_HISTORY_EVENTS);
  }

  private async continueAsNewIfHistoryIsLong(): Promise<void> {
    if (this.historyIsLong()) await this.continueAsNew();
  }

  private async continueAsNew(): Promise<never> {
    // Signals may keep arriving while handlers finish: write until what is left is small enough to carry.
    do {
      await this.flushEngagement();
      await condition(() => allHandlersFinished() && !this.lock.busy);
    } while (this.s.pendingEvents.length > MAX_EVENTS_CARRIED);
    // Everything carries over, unwritten events and a pending wake-up included: the next run writes and honours them.
    // The next run is of this run's type, so a lead keeps the behaviour it was started with.
    const carried: CarriedState = { ...this.s };
    return continueAsNew<typeof leadQualificationWorkflowV7>(this.input, carried);
  }
}

function nowIso(): string {
  return new Date().toISOString();
}

/** The caller named in a command, refused as an invalid payload when a direct Temporal caller sends none. */
function actorOf(cmd: RepCommand<unknown>): Actor {
  const actor = (cmd as Partial<RepCommand<unknown>> | null)?.actor;
  if (actor && (actor.role === 'manager' || (actor.role === 'rep' && typeof actor.repId === 'string'))) return actor;
  throw ApplicationFailure.create({
    type: RejectionType.invalidPayload,
    message: 'Invalid payload: actor: name a manager, or a rep with a repId',
    details: [{ fields: [{ path: 'actor', message: 'Name a manager, or a rep with a repId' }] }],
    nonRetryable: true,
  });
}

const REJECTION_TYPE: Record<ActionRefusal['reason'], string> = {
  forbidden_role: RejectionType.forbiddenRole,
  not_owner: RejectionType.notOwner,
  wrong_stage: RejectionType.wrongStage,
};

function rejection(refusal: ActionRefusal): ApplicationFailure {
  return ApplicationFailure.create({
    type: REJECTION_TYPE[refusal.reason],
    message: refusal.message,
    details: [{ stage: refusal.stage, expected: refusal.expected }],
    nonRetryable: true,
  });
}

function actorName(actor: Actor): string {
  return actor.role === 'manager' ? 'manager' : `rep:${actor.repId ?? 'unknown'}`;
}

function stripUndefined(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([, value]) => value !== undefined));
}

