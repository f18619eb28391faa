import { emptyTally, sharedRuleset, tallyEngagements, type EngagementTally } from '../domain/core';
import type { OutcomeInput } from '../domain/outcome';
import type { Ruleset } from '../domain/ruleset';
import type { EngagementEvent, LeadIntake } from '../domain/schemas';
import type { LeadEvent, LeadView } from '../domain/lead-view';
import type { LeadWorkflowInput } from './messages';

/**
 * Everything a lead run knows. It is also what continue-as-new carries, so a
 * new run resumes in the same stage with the same deadlines and counters.
 */
export interface LeadState extends Omit<OutcomeInput, 'trigger' | 'intake' | 'ruleset'> {
  view: LeadView;
  intake: LeadIntake;
  ruleset: { version: string; ruleset: Ruleset } | null;
  /** Counts by type, not the events: a flooded lead carries no more than a quiet one. */
  engagement: EngagementTally;
  /** Engagements received in all; the wait loop wakes when it moves. */
  engagementsSeen: number;
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

/** What runs before the engagement tally carried: the full list of events. */
export type CarriedState = LeadState | (Omit<LeadState, 'engagement' | 'engagementsSeen'> & { engagements: EngagementEvent[] });

/** A carried state from any version of the workflow, in today's shape. */
export function resumeState(carried: CarriedState): LeadState {
  const state = 'engagements' in carried ? fromEngagementList(carried) : carried;
  // The carried ruleset is this lead's own copy: swap it for the one every lead shares.
  if (state.ruleset) state.ruleset = { version: state.ruleset.version, ruleset: sharedRuleset(state.ruleset.ruleset) };
  return state;
}

function fromEngagementList(carried: Extract<CarriedState, { engagements: EngagementEvent[] }>): LeadState {
  const { engagements, ...rest } = carried;
  return { ...rest, engagement: tallyEngagements(engagements), engagementsSeen: engagements.length };
}

export function initialState(input: LeadWorkflowInput, now: string): LeadState {
  const { intake } = input.submission;
  const reopen = input.reopen;
  return {
    view: {
      leadId: input.leadId,
      companyName: intake.companyName,
      domain: intake.domain,
      stage: 'captured',
      lifecycle: 'lead',
      cycle: reopen ? reopen.previousCycle + 1 : 0,
      scores: null,
      fitFlags: [],
      route: null,
      owner: null,
      sla: null,
      outcome: null,
      handoff: null,
      nurture: null,
      rulesetVersion: null,
      createdAt: reopen?.createdAt ?? input.submission.receivedAt,
      updatedAt: now,
      events: [],
    },
    intake,
    ruleset: null,
    engagement: emptyTally(),
    engagementsSeen: 0,
    teamLeadId: null,
    responseWindowStartedAt: null,
    seq: reopen?.nextSeq ?? 0,
    pendingEvents: [],
    dirty: false,
    wakeRequested: null,
    // Set at start by the API (stage `captured`), so the first upsert is a real change.
    searchAttributesSignature: null,
  };
}
