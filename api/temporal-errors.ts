/** How the lead workflow's answers map onto HTTP. */
import {
  ApplicationFailure,
  ServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { RejectionType } from '../workflows/messages';
import { problem, type FieldError, type HttpProblem } from './problem';

export type RejectionReason = 'wrong_stage' | 'invalid_payload' | 'not_owner' | 'forbidden_role';

export interface Rejection {
  reason: RejectionReason;
  problem: HttpProblem;
}

/** A validator's (or handler's) refusal of an Update, as the problem the caller gets; null for anything else. */
export function updateRejection(error: unknown): Rejection | null {
  if (!(error instanceof WorkflowUpdateFailedError)) return null;
  const cause = error.cause;
  if (!(cause instanceof ApplicationFailure)) return null;
  switch (cause.type) {
    case RejectionType.wrongStage: {
      const detail = (cause.details?.[0] ?? {}) as { stage?: string; expected?: string[] };
      return {
        reason: 'wrong_stage',
        problem: problem(409, cause.message, { reason: 'wrong_stage', ...(detail.stage ? { stage: detail.stage } : {}), ...(detail.expected ? { expectedStages: detail.expected } : {}) }),
      };
    }
    case RejectionType.invalidPayload: {
      const fields = ((cause.details?.[0] ?? {}) as { fields?: Array<{ path?: string; message?: string }> }).fields ?? [];
      const errors: FieldError[] = fields.map((f) => ({ field: f.path || '(body)', message: f.message ?? 'Invalid' }));
      return { reason: 'invalid_payload', problem: problem(422, 'The lead refused the findings.', { errors, reason: 'invalid_payload' }) };
    }
    case RejectionType.notOwner:
      return { reason: 'not_owner', problem: problem(403, cause.message, { reason: 'not_owner' }) };
    case RejectionType.forbiddenRole:
      return { reason: 'forbidden_role', problem: problem(403, cause.message, { reason: 'forbidden_role' }) };
    default:
      return null;
  }
}

export function isWorkflowNotFound(error: unknown): boolean {
  return error instanceof WorkflowNotFoundError;
}

/** Temporal unreachable or too slow: a 503 the caller may retry, never a 500. */
export function unavailable(error: unknown): HttpProblem | null {
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return problem(503, 'The lead did not answer in time. The action may still be applied: check GET /v1/leads/{id} before retrying.', {}, { 'Retry-After': '5' });
  }
  if (error instanceof ServiceError || isDeadlineError(error)) {
    return problem(503, 'The workflow service is not reachable right now; retry shortly.', {}, { 'Retry-After': '5' });
  }
  return null;
}

/** The call ran out of time (or the connection went), as opposed to an answer: the Update may still have reached the lead. */
export function isUpdateTimeout(error: unknown): boolean {
  return error instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isDeadlineError(error);
}

function isDeadlineError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  // gRPC DEADLINE_EXCEEDED (4), UNAVAILABLE (14), CANCELLED (1)
  return code === 4 || code === 14 || code === 1;
}
