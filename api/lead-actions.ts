/**
 * What reps and managers do to a lead: discovery, scope and commercial findings
 * and disqualification go through the workflow's Updates (a synchronous answer:
 * 200 with the new state, or why not); engagement and re-engagement are signals
 * (202). Everything is checked here first — body, lead, owner, closed lead — so
 * bad input never reaches Temporal; the workflow's validator has the last word.
 */
import { Router, type Request } from 'express';
import type { z } from 'zod';
import {
  CommercialSchema,
  DiscoverySchema,
  DisqualifySchema,
  EngagementEventSchema,
  ScopeSchema,
  type Stage,
} from '../domain';
import type { LeadView } from '../domain/lead-view';
import { recordFinding, type FindingKind } from '../db/lead-queries';
import {
  disqualifyUpdate,
  recordEngagementSignal,
  reengageNowSignal,
  submitCommercialUpdate,
  submitDiscoveryUpdate,
  submitScopeUpdate,
  type RepCommand,
} from '../workflows/messages';
import { actorOf, assertCanActOn, principalOf, requireRole } from './auth';
import { leadHandle } from './lead-client';
import { confirmLive, leadFacts, type LeadFacts } from './lead-store';
import { leadIdParam, type RouterDeps } from './leads';
import { HttpProblem, problem } from './problem';
import { ReengageSchema } from './schemas';
import { isWorkflowNotFound, unavailable, updateRejection, type RejectionReason } from './temporal-errors';
import { jsonBody, optionalJsonBody } from './validate';

/** An Update waits for the lead's lock (a write in flight); past this the caller gets a 503 it can check and retry. */
const UPDATE_DEADLINE_MS = 30_000;

type UpdateDef = typeof submitDiscoveryUpdate | typeof submitScopeUpdate | typeof submitCommercialUpdate | typeof disqualifyUpdate;

interface RepAction {
  path: string;
  action: string;
  schema: z.ZodType;
  update: UpdateDef;
  finding?: FindingKind;
}

const REP_ACTIONS: RepAction[] = [
  { path: 'discovery', action: 'submit discovery', schema: DiscoverySchema, update: submitDiscoveryUpdate, finding: 'discovery' },
  { path: 'scope', action: 'submit scope findings', schema: ScopeSchema, update: submitScopeUpdate, finding: 'scope' },
  { path: 'commercial', action: 'submit commercial findings', schema: CommercialSchema, update: submitCommercialUpdate, finding: 'commercial' },
  { path: 'disqualify', action: 'disqualify it', schema: DisqualifySchema, update: disqualifyUpdate },
];

export function leadActionsRouter(deps: RouterDeps): Router {
  const router = Router();

  const reject = (action: string, reason: RejectionReason, decidedBy: 'api' | 'workflow', error: HttpProblem): never => {
    deps.metrics.updateRejections.inc({ action, reason, decided_by: decidedBy });
    throw error;
  };

  /** Runs the API's checks in order, counting each refusal. */
  const precheck = async (req: Request, action: RepAction | { path: string; action: string }, body: () => unknown, needsStage?: Stage) => {
    let payload: unknown;
    try {
      payload = body();
    } catch (error) {
      if (error instanceof HttpProblem && error.problem.status === 422) reject(action.path, 'invalid_payload', 'api', error);
      throw error;
    }
    const leadId = leadIdParam(req);
    const principal = principalOf(req);
    let facts = await leadFacts(deps, leadId);
    const refused = (f: LeadFacts) => (principal.role === 'rep' && f.owner !== principal.repId) || (needsStage !== undefined && f.stage !== needsStage);
    // A closed lead stays closed; any other refusal is checked against the live workflow first.
    if (facts.stage !== 'outcome' && refused(facts)) facts = await confirmLive(deps, facts);
    if (principal.role !== 'intake') {
      try {
        assertCanActOn(principal, facts.owner);
      } catch (error) {
        reject(action.path, 'not_owner', 'api', error as HttpProblem);
      }
    }
    if (facts.stage === 'outcome') reject(action.path, 'wrong_stage', 'api', closed(facts));
    return { leadId, facts, payload, principal };
  };

  for (const def of REP_ACTIONS) {
    router.post(`/v1/leads/:id/${def.path}`, requireRole('rep', 'manager'), async (req, res) => {
      const { leadId, facts, payload, principal } = await precheck(req, def, () => jsonBody(req, def.schema));
      const command: RepCommand<unknown> = { actor: actorOf(principal), payload };
      let view: LeadView;
      try {
        view = await deps.temporal.withDeadline(Date.now() + UPDATE_DEADLINE_MS, () =>
          leadHandle(deps.temporal, leadId).executeUpdate(def.update as typeof submitDiscoveryUpdate, { args: [command as RepCommand<never>] }),
        );
      } catch (error) {
        const rejection = updateRejection(error);
        if (rejection) return reject(def.path, rejection.reason, 'workflow', rejection.problem);
        // The workflow closed between the read and the Update.
        if (isWorkflowNotFound(error)) return reject(def.path, 'wrong_stage', 'workflow', closed(facts));
        throw unavailable(error) ?? error;
      }
      if (def.finding) {
        // Kept for what-if simulation; the Update already succeeded, so a failed write is logged, never the caller's problem.
        await recordFinding(deps.pool, { leadId, cycle: view.cycle, kind: def.finding, payload, submittedBy: principal.repId ?? principal.role }).catch((error: unknown) =>
          req.log.warn({ err: error, leadId }, 'could not keep the findings for simulation'),
        );
      }
      req.log.info({ leadId, action: def.path, stage: view.stage, outcome: view.outcome?.status }, 'rep action applied');
      res.json(view);
    });
  }

  router.post('/v1/leads/:id/engagement', requireRole('intake', 'rep', 'manager'), async (req, res) => {
    const { leadId, facts, payload } = await precheck(req, { path: 'engagement', action: 'record engagement on it' }, () => jsonBody(req, EngagementEventSchema));
    await signal(deps, facts, () => leadHandle(deps.temporal, leadId).signal(recordEngagementSignal, payload as z.infer<typeof EngagementEventSchema>));
    res.status(202).json({ leadId, status: 'recorded' });
  });

  router.post('/v1/leads/:id/reengage', requireRole('rep', 'manager'), async (req, res) => {
    const { leadId, facts, principal } = await precheck(req, { path: 'reengage', action: 're-engage it' }, () => optionalJsonBody(req, ReengageSchema), 'nurture');
    if (facts.stage !== 'nurture') {
      reject('reengage', 'wrong_stage', 'api', problem(409, `Only a nurturing lead can be re-engaged; this lead is in stage ${facts.stage}.`, { reason: 'wrong_stage', stage: facts.stage }));
    }
    const requestedBy = principal.role === 'manager' ? 'manager' : `rep:${principal.repId}`;
    await signal(deps, facts, () => leadHandle(deps.temporal, leadId).signal(reengageNowSignal, { requestedBy }));
    res.status(202).json({ leadId, status: 'reengaging' });
  });

  return router;
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
