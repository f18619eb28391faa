/**
 * The lead workflow's wire contract: every Update, Signal and Query, defined
 * once. The API and tests import these constants; nobody spells a wire name.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  CommercialFindings,
  Discovery,
  DisqualifyRequest,
  EngagementEvent,
  LeadIntake,
  ScopeFindings,
} from '../domain/schemas';
import type { OutcomeStatus, Stage } from '../domain/schemas';
import type { Ruleset } from '../domain/ruleset';
import type { LeadView } from '../domain/lead-view';

/** Who is asking: reps may act on their own leads only; managers on any. */
export interface Actor {
  role: 'rep' | 'manager';
  repId?: string;
}

/**
 * What an Update and the workflow answer: enough to know where the lead went.
 * The whole view (about 14 KB) is read through the query or the read model, so
 * it never crosses history once per answer.
 */
export interface LeadSummary {
  leadId: string;
  cycle: number;
  stage: Stage;
  owner: string | null;
  outcome: OutcomeStatus | null;
  rulesetVersion: string | null;
  updatedAt: string;
}

/** A rep action: the caller's identity travels with the payload so the validator can check ownership. */
export interface RepCommand<T> {
  actor: Actor;
  payload: T;
}

export interface InboundSubmission {
  submissionId: string;
  receivedAt: string;
  intake: LeadIntake;
}

export interface LeadWorkflowInput {
  leadId: string;
  /** The submission that started the lead; its signal-with-start copy is not a resubmission. */
  submission: InboundSubmission;
  /** History events per run before the lead continues as new (default 2,000). */
  maxHistoryEvents?: number;
  /** A closed lead opened again: the new run continues the read model's numbering, so every write lands. */
  reopen?: LeadReopen;
  /**
   * The active ruleset when the lead was handed over: capture judges the lead by
   * it and routes it in the lead's first write, which checks it is still the
   * one to use (leadQualificationWorkflowV6 on). Absent, capture loads one.
   * Not carried into continued runs.
   */
  ruleset?: { version: string; ruleset: Ruleset };
}

export interface LeadReopen {
  /** The last cycle the read model holds; the new run's cycle is the next one. */
  previousCycle: number;
  /** The read model's last event sequence + 1. */
  nextSeq: number;
  /** When the lead was first captured. */
  createdAt: string;
  reason: 'resubmitted' | 'reopened_by_manager';
  actor?: string;
}

export const submitDiscoveryUpdate = defineUpdate<LeadSummary, [RepCommand<Discovery>]>('submitDiscovery');
export const submitScopeUpdate = defineUpdate<LeadSummary, [RepCommand<ScopeFindings>]>('submitScope');
export const submitCommercialUpdate = defineUpdate<LeadSummary, [RepCommand<CommercialFindings>]>('submitCommercial');
export const disqualifyUpdate = defineUpdate<LeadSummary, [RepCommand<DisqualifyRequest>]>('disqualify');

export const recordEngagementSignal = defineSignal<[EngagementEvent]>('recordEngagement');
export const reengageNowSignal = defineSignal<[{ requestedBy: string }]>('reengageNow');
export const submitInboundSignal = defineSignal<[InboundSubmission]>('submitInbound');

export const getLeadStateQuery = defineQuery<LeadView>('getLeadState');

/** Failure types an Update validator or handler raises; the API maps them to HTTP statuses. */
export const RejectionType = {
  wrongStage: 'WrongStage',
  invalidPayload: 'InvalidPayload',
  notOwner: 'NotOwner',
  forbiddenRole: 'ForbiddenRole',
} as const;
export type RejectionType = (typeof RejectionType)[keyof typeof RejectionType];
