/**
 * What reps and managers do to a lead: discovery, scope and commercial findings
 * and disqualification go through the workflow's Updates (a synchronous answer:
 * 200 with the new state, or why not; 202 when the lead took the action but its
 * write is still waiting on the database); engagement and re-engagement are signals
 * (202); a manager's reopen starts a new cycle (202). Everything is checked here
 * first — body, then role, owner and stage from the one lead actions table — so
 * bad input never reaches Temporal; the workflow's validator has the last word.
 */
import { createHash } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import { Router, type Request } from 'express';
import type { z } from 'zod';
import {
  CommercialSchema,
  DiscoverySchema,
  DisqualifySchema,
  EngagementEventSchema,
  ScopeSchema,
} from '../domain';
import { actionRefusal, LEAD_ACTIONS, type ActionRefusal, type LeadActionName } from '../domain/actions';
import type { LeadView } from '../domain/lead-view';
import { recordFinding, type FindingKind } from '../db/lead-queries';
import {
  disqualifyUpdate,
  recordEngagementSignal,
  reengageNowSignal,
  submitCommercialUpdate,
  submitDiscoveryUpdate,
  submitScopeUpdate,
  type LeadSummary,
  type RepCommand,
} from '../workflows/messages';
import { actorOf, principalOf, requireActionRole } from './auth';
import { findLeadRecord } from '../db/intake';
import { reopenLead, type ReopenResult } from './intake';
import { leadHandle, newSubmission } from './lead-client';
import { confirmLive, leadFacts, writtenLead, type LeadFacts } from './lead-store';
import { leadIdParam, type RouterDeps } from './leads';
import { HttpProblem, leadNotFound, problem } from './problem';
import { ReengageSchema, ReopenSchema, type ActionRecordingSchema } from './schemas';
import { isUpdateTimeout, isWorkflowNotFound, unavailable, updateRejection, type RejectionReason } from './temporal-errors';
import { engagementLimit } from './rate-limit';
import { jsonBody, optionalJsonBody } from './validate';

/**
 * How long the caller waits for the action to be recorded (normally well under
 * a second). Past this, if the lead has taken it (the database is away and its
 * write is retrying) the answer is 202: the action is the lead's, it will be
 * recorded exactly once, and a retry joins it (actionUpdateId).
 */
const UPDATE_RESULT_MS = 5_000;
/** Until the lead has taken or refused the action at all; past this the caller gets a 503 it can check and retry. */
const UPDATE_ACCEPT_MS = 10_000;
/** Once taken late, how long more for its answer before 'recording' (a worker taking over answers within it). */
const UPDATE_LATE_ANSWER_MS = 2_000;
/** How long a refused retry looks for the Update it repeats. */
const EARLIER_ANSWER_MS = 1_000;

type UpdateDef = typeof submitDiscoveryUpdate | typeof submitScopeUpdate | typeof submitCommercialUpdate | typeof disqualifyUpdate;

interface RepAction {
  action: 'discovery' | 'scope' | 'commercial' | 'disqualify';
  schema: z.ZodType;
  update: UpdateDef;
  finding?: FindingKind;
}

const REP_ACTIONS: RepAction[] = [
  { action: 'discovery', schema: DiscoverySchema, update: submitDiscoveryUpdate, finding: 'discovery' },
  { action: 'scope', schema: ScopeSchema, update: submitScopeUpdate, finding: 'scope' },
  { action: 'commercial', schema: CommercialSchema, update: submitCommercialUpdate, finding: 'commercial' },
  { action: 'disqualify', schema: DisqualifySchema, update: disqualifyUpdate },
];

export function leadActionsRouter(deps: RouterDeps): Router {
  const router = Router();

  const reject = (action: string, reason: RejectionReason, decidedBy: 'api' | 'workflow', error: HttpProblem): never => {
    deps.metrics.updateRejections.inc({ action, reason, decided_by: decidedBy });
    throw error;
  };

  /** Runs the API's checks in order — body, then the lead actions table; an invalid body is counted and thrown, a refusal returned. */
  const check = async (req: Request, action: LeadActionName, body: () => unknown) => {
    let payload: unknown;
    try {
      payload = body();
    } catch (error) {
      if (error instanceof HttpProblem && error.problem.status === 422) reject(action, 'invalid_payload', 'api', error);
      throw error;
    }
    const leadId = leadIdParam(req);
    const principal = principalOf(req);
    const actor = { role: principal.role, repId: principal.repId };
    let facts = await leadFacts(deps, leadId);
    let refusal = actionRefusal(action, facts, actor);
    // A closed lead stays closed; any other refusal is checked against the live workflow first.
    if (refusal && facts.stage !== 'outcome') {
      facts = await confirmLive(deps, facts);
      refusal = actionRefusal(action, facts, actor);
    }
    return { leadId, facts, payload, principal, refusal };
  };

  /** `check`, with a refusal counted and thrown. */
  const precheck = async (req: Request, action: LeadActionName, body: () => unknown) => {
    const checked = await check(req, action, body);
    if (checked.refusal) reject(action, checked.refusal.reason, 'api', refusalProblem(checked.refusal, checked.facts));
    return checked;
  };

  for (const def of REP_ACTIONS) {
    router.post(`/v1/leads/:id/${LEAD_ACTIONS[def.action].path}`, requireActionRole(def.action), async (req, res) => {
      const { leadId, facts, payload, principal, refusal } = await check(req, def.action, () => jsonBody(req, def.schema));
      const updateId = actionUpdateId(leadId, def.action, principal, payload);
      if (refusal) return refuse(refusal.reason, 'api', refusalProblem(refusal, facts));
      const command: RepCommand<unknown> = { actor: actorOf(principal), payload };
      let summary: LeadSummary | 'recording';
      try {
        summary = await applyUpdate(deps, leadId, def.update, command, updateId);
      } catch (error) {
        const rejection = updateRejection(error);
        if (rejection) return refuse(rejection.reason, 'workflow', rejection.problem);
        // The workflow closed between the read and the Update: a refusal for its stage.
        if (isWorkflowNotFound(error)) return refuse('wrong_stage', 'workflow', closed(facts));
        throw unavailable(error) ?? error;
      }
      await answer(summary);

      /**
       * A refusal for the lead's stage may be the retry of the very action that moved
       * it on (its first answer was lost, or Temporal handed an Update completed at a
       * hand-over to the next run, temporalio/temporal#6375): answered as that action was.
       */
      async function refuse(reason: RejectionReason, decidedBy: 'api' | 'workflow', problem: HttpProblem): Promise<void> {
        const earlier = reason === 'wrong_stage' ? await earlierAnswer(deps, leadId, updateId) : null;
        if (earlier) return answer(earlier);
        reject(def.action, reason, decidedBy, problem);
      }

      async function answer(result: LeadSummary | 'recording'): Promise<void> {
        if (result === 'recording') {
          req.log.warn({ leadId, action: def.action }, 'rep action taken by the lead; its write is still retrying');
          const body: z.infer<typeof ActionRecordingSchema> = { leadId, status: 'recording' };
          res.status(202).location(`/v1/leads/${leadId}`).json(body);
          return;
        }
        req.log.info({ leadId, action: def.action, stage: result.stage, outcome: result.outcome }, 'rep action applied');
        // The findings are kept before the answer goes (what-if simulation sees them as soon as the rep does), beside the read of the lead.
        const [view] = await Promise.all([viewAfter(deps, result, req), keepFinding(result)]);
        res.json(view);
      }

      /** Kept for what-if simulation, once per lead, cycle and kind; the action stands either way, so a failed write is only logged. */
      async function keepFinding(result: LeadSummary): Promise<void> {
        if (!def.finding) return;
        await recordFinding(deps.pool, { leadId, cycle: result.cycle, kind: def.finding, payload, submittedBy: principal.repId ?? principal.role }).catch((error: unknown) =>
          req.log.warn({ err: error, leadId }, 'could not keep the findings for simulation'),
        );
      }
    });
  }

  router.post('/v1/leads/:id/engagement', requireActionRole('engagement'), engagementLimit(deps.pool, deps.config, leadIdParam), async (req, res) => {
    const { leadId, facts, payload } = await precheck(req, 'engagement', () => jsonBody(req, EngagementEventSchema));
    await signal(deps, facts, () => leadHandle(deps.temporal, leadId).signal(recordEngagementSignal, payload as z.infer<typeof EngagementEventSchema>));
    res.status(202).json({ leadId, status: 'recorded' });
  });

  router.post('/v1/leads/:id/reengage', requireActionRole('reengage'), async (req, res) => {
    const { leadId, facts, principal } = await precheck(req, 'reengage', () => optionalJsonBody(req, ReengageSchema));
    const requestedBy = principal.role === 'manager' ? 'manager' : `rep:${principal.repId}`;
    await signal(deps, facts, () => leadHandle(deps.temporal, leadId).signal(reengageNowSignal, { requestedBy }));
    res.status(202).json({ leadId, status: 'reengaging' });
  });

  router.post('/v1/leads/:id/reopen', requireActionRole('reopen'), async (req, res) => {
    const { leadId, payload } = await precheck(req, 'reopen', () => optionalJsonBody(req, ReopenSchema));
    const closing = () => problem(409, 'The lead is closing; retry in a moment.', { reason: 'wrong_stage' }, { 'Retry-After': '1' });
    const lead = await findLeadRecord(deps.pool, leadId);
    // Closed by the live workflow's word but not yet in the read model: there is nothing to continue from yet.
    if (!lead || lead.stage !== 'outcome') throw closing();
    let result: ReopenResult;
    try {
      result = await reopenLead(deps, lead, newSubmission(lead.intake), { reason: 'reopened_by_manager', actor: 'manager', note: (payload as { note?: string }).note ?? null });
    } catch (error) {
      throw unavailable(error) ?? error;
    }
    // Its closed run still finishing its last writes (or another reopen's run not yet written): the same answer as a lead the read model shows closing.
    if (result === 'running') throw closing();
    req.log.info({ leadId, started: result === 'reopened' }, 'lead reopened by a manager');
    res.status(202).location(`/v1/leads/${leadId}`).json({ leadId, status: result === 'reopened' ? 'reopened' : 'duplicate' });
  });

  return router;
}

/**
 * Sends the Update and waits for its answer — one round trip when the lead
 * answers in time, as it normally does. When it does not, asks whether the lead
 * has at least taken the action and waits briefly for its answer: taken but
 * still unanswered is 'recording' (its write is retrying); not taken, the
 * original timeout stands (a 503 to retry). At most 12 s in all.
 */
async function applyUpdate(deps: RouterDeps, leadId: string, update: UpdateDef, command: RepCommand<unknown>, updateId: string): Promise<LeadSummary | 'recording'> {
  const handle = leadHandle(deps.temporal, leadId);
  try {
    return await deps.temporal.withDeadline(Date.now() + UPDATE_RESULT_MS, () =>
      handle.executeUpdate(update as typeof submitDiscoveryUpdate, { args: [command as RepCommand<never>], updateId }),
    );
  } catch (error) {
    if (!isUpdateTimeout(error)) throw error;
    const stage = await updateStage(deps, leadId, updateId).catch(() => null);
    if (stage === 'not_taken' || stage === null) throw error;
    // Taken late (a worker took over the lead) or answered meanwhile, a refusal included: a short wait gives the answer.
    return deps.temporal
      .withDeadline(Date.now() + UPDATE_LATE_ANSWER_MS, () => handle.getUpdateHandle<LeadSummary>(updateId).result())
      .catch((late: unknown) => {
        if (stage === 'accepted' && isUpdateTimeout(late)) return 'recording' as const;
        throw late;
      });
  }
}

/**
 * One Update id per rep action: the same action by the same actor with the same
 * payload on the same lead. Temporal keeps one Update per id in a run, so a
 * retry (after a 503, a 202 'recording' or a lost answer) joins the first one
 * and gets its answer; it is never applied twice.
 */
function actionUpdateId(leadId: string, action: LeadActionName, principal: { role: string; repId?: string | null }, payload: unknown): string {
  const digest = createHash('sha256').update(JSON.stringify([leadId, action, principal.role, principal.repId ?? null, payload])).digest('hex');
  return `${action}-${digest.slice(0, 32)}`;
}

/**
 * A rep action refused for the lead's stage may be the retry of the one that
 * moved it on (its first answer was lost, or was a 503 while a worker took the
 * lead over): its answer, if the lead's current run holds that Update, or the
 * run it continued from (an action that sent the lead to nurture was answered
 * by the run that then handed it over); null otherwise.
 */
async function earlierAnswer(deps: RouterDeps, leadId: string, updateId: string): Promise<LeadSummary | 'recording' | null> {
  const current = await answerIn(deps, leadId, updateId);
  if (current !== null) return current;
  const previous = await previousRunId(deps, leadId).catch(() => undefined);
  return previous ? answerIn(deps, leadId, updateId, previous) : null;
}

/** The Update's answer in one run of the lead (its current run when `runId` is left out): 'recording' while taken but unanswered, null when the run does not hold it. */
async function answerIn(deps: RouterDeps, leadId: string, updateId: string, runId?: string): Promise<LeadSummary | 'recording' | null> {
  const stage = await updateStage(deps, leadId, updateId, EARLIER_ANSWER_MS, runId).catch(() => null);
  if (stage === 'accepted') return 'recording';
  if (stage !== 'completed') return null;
  return leadHandle(deps.temporal, leadId).getUpdateHandle<LeadSummary>(updateId, { workflowRunId: runId }).result().catch(() => null);
}

/** The run the lead's current run continued from, read off its first history event; undefined for a lead's first run. */
async function previousRunId(deps: RouterDeps, leadId: string): Promise<string | undefined> {
  const { namespace } = deps.temporal.options;
  const { history } = await deps.temporal.withDeadline(Date.now() + EARLIER_ANSWER_MS, () =>
    deps.temporal.workflowService.getWorkflowExecutionHistory({ namespace, execution: { workflowId: leadId }, maximumPageSize: 1 }),
  );
  return history?.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
}

const { UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED: ACCEPTED } = temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage;

/** How far the lead (its current run, or `runId`) has got with an Update, waiting up to the rest of the accept budget for it to be taken. */
async function updateStage(
  deps: RouterDeps,
  leadId: string,
  updateId: string,
  waitMs = UPDATE_ACCEPT_MS - UPDATE_RESULT_MS,
  runId?: string,
): Promise<'completed' | 'accepted' | 'not_taken'> {
  const { namespace, identity } = deps.temporal.options;
  const response = await deps.temporal.withDeadline(Date.now() + waitMs, () =>
    deps.temporal.workflowService.pollWorkflowExecutionUpdate({
      namespace,
      identity,
      updateRef: { workflowExecution: { workflowId: leadId, ...(runId ? { runId } : {}) }, updateId },
      waitPolicy: { lifecycleStage: ACCEPTED },
    }),
  );
  if (response.outcome) return 'completed';
  return (response.stage ?? 0) >= ACCEPTED ? 'accepted' : 'not_taken';
}

/** 403 for the wrong role, 404 for another rep's lead (as for a missing one), 409 for the wrong stage (a closed lead says so). */
function refusalProblem(refusal: ActionRefusal, facts: LeadFacts): HttpProblem {
  // Someone else's lead reads exactly like a missing one: a rep key cannot tell which leads exist.
  if (refusal.reason === 'not_owner') return leadNotFound();
  if (refusal.reason !== 'wrong_stage') return problem(403, refusal.message, { reason: refusal.reason });
  if (facts.stage === 'outcome') return closed(facts);
  return problem(409, refusal.message, { reason: 'wrong_stage', stage: refusal.stage, expectedStages: [...refusal.expected] });
}

/**
 * The Update answers with a summary so the whole view never crosses history per
 * action; the caller still gets the whole lead, as GET shows it. The Update
 * answers only once the action's writes have landed, so the read model already
 * holds it: no second trip through the lead's worker. Should that read fail,
 * the summary is the answer: the action has been applied either way.
 */
async function viewAfter(deps: RouterDeps, summary: LeadSummary, req: Request): Promise<LeadView | LeadSummary> {
  try {
    const view = await writtenLead(deps.pool, summary.leadId);
    if (view) return view;
  } catch (error) {
    req.log.warn({ err: error, leadId: summary.leadId }, 'answered with the summary: the read model did not answer');
  }
  return summary;
}

function closed(facts: LeadFacts): HttpProblem {
  return problem(409, `Lead ${facts.leadId} is closed (stage outcome); nothing more can be recorded on it.`, { reason: 'wrong_stage', stage: 'outcome' });
}

async function signal(deps: RouterDeps, facts: LeadFacts, send: () => Promise<void>): Promise<void> {
  try {
    await deps.temporal.withDeadline(Date.now() + 10_000, send);
  } catch (error) {
    if (isWorkflowNotFound(error)) throw closed(facts);
    throw unavailable(error) ?? error;
  }
}
