/**
 * Typed operations on lead workflows from outside them: what the API routers,
 * the benchmark and the integration tests use. Wire names and ids come from the
 * workflow's own constants, never from strings here.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { leadIdFor, type LeadIntake } from '../domain';
import type { LeadView } from '../domain/lead-view';
import { leadQualificationWorkflowV7 } from '../workflows/lead-qualification';
import { leadWorkflowId } from '../workflows/ids';
import { getLeadStateQuery, submitInboundSignal, type InboundSubmission, type LeadWorkflowInput } from '../workflows/messages';
import { LeadStage } from '../workflows/search-attributes';

export interface SubmittedLead {
  leadId: string;
  /** False when the lead had already finished: the submission is recorded nowhere new. */
  reachedWorkflow: boolean;
}

/**
 * Starts the lead's workflow, or hands the submission to the one already
 * running (signal-with-start, atomic on the server). The workflow id is derived
 * from the contact email and company domain, so a duplicate can never fork a
 * second workflow; a lead that already finished is not started again.
 */
export interface SubmitOptions {
  leadId?: string;
  maxHistoryEvents?: number;
  /** The submission as already written to the intake outbox (its id makes a second hand-over a no-op). */
  submission?: InboundSubmission;
  /** The active ruleset (db/rulesets `rulesetForStarts`): a new lead is judged and routed by it in one write. */
  ruleset?: LeadWorkflowInput['ruleset'];
}

export function newSubmission(intake: LeadIntake): InboundSubmission {
  return { submissionId: randomUUID(), receivedAt: new Date().toISOString(), intake };
}

/** What every start of a lead workflow shares: its id, queue, one run per lead, and its first stage for visibility. */
function startOptions(leadId: string, taskQueue: string, input: LeadWorkflowInput) {
  return {
    workflowId: leadWorkflowId(leadId),
    taskQueue,
    args: [input] as [LeadWorkflowInput],
    workflowIdReusePolicy: 'REJECT_DUPLICATE' as const,
    typedSearchAttributes: [{ key: LeadStage, value: 'captured' }],
  };
}

export async function submitLead(temporal: Client, taskQueue: string, intake: LeadIntake, options: SubmitOptions = {}): Promise<SubmittedLead> {
  const leadId = options.leadId ?? leadIdFor(intake.contact.email, intake.domain);
  const submission = options.submission ?? newSubmission(intake);
  const input: LeadWorkflowInput = {
    leadId,
    submission,
    ...(options.maxHistoryEvents ? { maxHistoryEvents: options.maxHistoryEvents } : {}),
    ...(options.ruleset ? { ruleset: options.ruleset } : {}),
  };
  try {
    await temporal.workflow.signalWithStart(leadQualificationWorkflowV7, {
      ...startOptions(leadId, taskQueue, input),
      signal: submitInboundSignal,
      signalArgs: [submission],
    });
    return { leadId, reachedWorkflow: true };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { leadId, reachedWorkflow: false };
    throw error;
  }
}

export type ReopenInput = NonNullable<LeadWorkflowInput['reopen']>;

/**
 * Opens a closed lead as a new cycle: a new run under the same workflow id,
 * always started from the read model's cycle and event sequence (so it works
 * the same whether Temporal still holds the closed run or retention removed
 * it). Only a closed lead may get a new run: if one is running — a concurrent
 * reopen won — this answers false and starts nothing.
 */
export async function startReopenedRun(
  temporal: Client,
  taskQueue: string,
  input: Pick<LeadWorkflowInput, 'leadId' | 'submission' | 'ruleset'> & { reopen: ReopenInput },
): Promise<boolean> {
  try {
    await temporal.workflow.start(leadQualificationWorkflowV7, {
      ...startOptions(input.leadId, taskQueue, input),
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      workflowIdConflictPolicy: 'FAIL',
    });
    return true;
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw error;
  }
}

/** The run with the lead's id going now (a closed run still finishing its last writes, or a new cycle's), by run id; null when none is or Temporal no longer holds any. */
export async function goingRunId(temporal: Client, leadId: string): Promise<string | null> {
  try {
    const { status, runId } = await leadHandle(temporal, leadId).describe();
    return status.name === 'RUNNING' ? runId : null;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return null;
    throw error;
  }
}

/** Settles once that run of the lead has closed, however it closed (a later run, say a reopen's, is not waited for; the caller bounds the wait). */
export async function runEnded(temporal: Client, leadId: string, runId: string): Promise<void> {
  try {
    await leadHandle(temporal, leadId, runId).result();
  } catch (error) {
    if (error instanceof WorkflowFailedError || error instanceof WorkflowNotFoundError) return;
    throw error;
  }
}

/** Hands a submission to the running lead (one that a concurrent reopen just started). */
export async function signalSubmission(temporal: Client, leadId: string, submission: InboundSubmission): Promise<void> {
  await leadHandle(temporal, leadId).signal(submitInboundSignal, submission);
}

/** The lead's workflow: its newest run, or the run named. */
export function leadHandle(temporal: Client, leadId: string, runId?: string) {
  return temporal.workflow.getHandle<typeof leadQualificationWorkflowV7>(leadWorkflowId(leadId), runId);
}

/** The live state of a running (or recently closed) lead. */
export function queryLeadState(temporal: Client, leadId: string): Promise<LeadView> {
  return leadHandle(temporal, leadId).query(getLeadStateQuery);
}

/**
 * Starts the lead only if it never existed (open or closed): an outbound list
 * imported twice starts nothing the second time and wakes no nurturing lead.
 */
export async function startLeadIfNew(
  temporal: Client,
  taskQueue: string,
  intake: LeadIntake,
  ruleset?: LeadWorkflowInput['ruleset'],
): Promise<{ leadId: string; started: boolean }> {
  const leadId = leadIdFor(intake.contact.email, intake.domain);
  try {
    await temporal.workflow.start(leadQualificationWorkflowV7, startOptions(leadId, taskQueue, { leadId, submission: newSubmission(intake), ...(ruleset ? { ruleset } : {}) }));
    return { leadId, started: true };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { leadId, started: false };
    throw error;
  }
}
