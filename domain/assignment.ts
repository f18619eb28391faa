/**
 * The rep a routed lead is given, and where that name goes. From
 * leadQualificationWorkflowV4 on, routing picks the rep inside the step's own
 * write (one local activity, not two): the workflow hands over the step with no
 * owner, the write fills the rep in with `assignRouting`, and the workflow fills
 * its own state in from the answer with the same function, so the read model and
 * the lead cannot disagree on who owns it.
 */
import type { LeadEvent } from './lead-view';
import type { Reason } from './schemas';

export interface Assignment {
  repId: string | null;
  teamLeadId: string | null;
  reasons: Reason[];
}

/** What a routing step is built with before the round robin has picked anyone. */
export const UNASSIGNED: Assignment = { repId: null, teamLeadId: null, reasons: [] };

/** A routing step as written: the lead, its new audit events and the message to its owner. */
export interface RoutingStep {
  view: { owner: string | null; route: { escalated: boolean; reasons: Reason[] } | null };
  events: LeadEvent[];
  notify?: { recipientRepId: string | null; ccRepId?: string | null };
}

/** The routing's own event (by sequence number) names its owner; an earlier cycle's routing keeps its own. */
export function assignedEvents(events: LeadEvent[], assignment: Assignment, routedSeq: number): LeadEvent[] {
  return events.map((e) => (e.seq === routedSeq && e.type === 'routed' ? { ...e, data: { ...e.data, owner: assignment.repId } } : e));
}

/**
 * The step with its rep: the lead's owner, the assignment's reasons after the
 * route's, the routing's event (by default the step's last routed event: a step
 * routes once), and who hears of it (the team lead as well when the lead is
 * urgent).
 */
export function assignRouting<T extends RoutingStep>(step: T, assignment: Assignment, routedSeq = lastRoutedSeq(step.events)): T {
  const { route } = step.view;
  const assigned: T = {
    ...step,
    view: { ...step.view, owner: assignment.repId, route: route && { ...route, reasons: [...route.reasons, ...assignment.reasons] } },
    events: assignedEvents(step.events, assignment, routedSeq),
  };
  if (step.notify) assigned.notify = { ...step.notify, recipientRepId: assignment.repId, ccRepId: route?.escalated ? assignment.teamLeadId : null };
  return assigned;
}

function lastRoutedSeq(events: LeadEvent[]): number {
  return events.reduce((seq, e) => (e.type === 'routed' ? e.seq : seq), -1);
}
