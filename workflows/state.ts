import type { EngagementEvent, LeadIntake, OutcomeInput, Ruleset } from '../domain';
import type { LeadEvent, LeadView } from '../domain/lead-view';
import type { LeadWorkflowInput } from './messages';

/**
 * Everything a lead run knows. It is also what continue-as-new carries, so a
 * new run resumes in the same stage with the same deadlines and counters.
 */
export interface LeadState extends Omit<OutcomeInput, 'trigger' | 'intake' | 'ruleset' | 'engagements'> {
  view: LeadView;
  intake: LeadIntake;
  ruleset: { version: string; ruleset: Ruleset } | null;
  engagements: EngagementEvent[];
  teamLeadId: string | null;
  /** The no-engagement window restarts at routing and at every engagement. */
  responseWindowStartedAt: string | null;
  /** Next audit-trail sequence number; event keys built from it make writes idempotent. */
  seq: number;
  pendingEvents: LeadEvent[];
  /** Events recorded by a signal that no activity has written yet. */
  dirty: boolean;
  wakeRequested: string | null;
  searchAttributesSignature: string | null;
}

export type CarriedState = LeadState;

export function initialState(input: LeadWorkflowInput, now: string): LeadState {
  const { intake } = input.submission;
  return {
    view: {
      leadId: input.leadId,
      companyName: intake.companyName,
      domain: intake.domain,
      stage: 'captured',
      lifecycle: 'lead',
      cycle: 0,
      scores: null,
      fitFlags: [],
      route: null,
      owner: null,
      sla: null,
      outcome: null,
      handoff: null,
      nurture: null,
      rulesetVersion: null,
      createdAt: input.submission.receivedAt,
      updatedAt: now,
      events: [],
    },
    intake,
    ruleset: null,
    engagements: [],
    teamLeadId: null,
    responseWindowStartedAt: null,
    seq: 0,
    pendingEvents: [],
    dirty: false,
    wakeRequested: null,
    // Set at start by the API (stage `captured`), so the first upsert is a real change.
    searchAttributesSignature: null,
  };
}
