import { assignedEvents, assignRouting, UNASSIGNED, type Assignment, type RoutingStep } from '../../../domain/core';

const at = '2026-11-28T03:00:00.000Z';
const assignment: Assignment = { repId: 'ir-a', teamLeadId: 'ir-lead', reasons: [{ code: 'assigned_round_robin', rule: 'assignment.round_robin', evidence: 'ir-a (1/10 open)' }] };

function step(escalated: boolean): RoutingStep {
  return {
    view: { owner: null, route: { escalated, reasons: [{ code: 'incident', rule: 'routing.incident' }] } },
    events: [
      { seq: 3, type: 'routed', stage: 'routed', at, data: { team: 'incident_response', owner: null } },
      { seq: 4, type: 'stage_changed', stage: 'awaiting_discovery', at, data: { from: 'routed', to: 'awaiting_discovery' } },
    ],
    notify: { recipientRepId: null, ccRepId: null },
  };
}

describe('filling the rep into a routing step', () => {
  it('names the owner on the lead and the routed event, after the route\'s own reasons, and leaves the step it was given as it was', () => {
    const given = step(false);
    const before = structuredClone(given);
    const assigned = assignRouting(given, assignment);
    expect(assigned.view).toEqual({ owner: 'ir-a', route: { escalated: false, reasons: [...before.view.route!.reasons, ...assignment.reasons] } });
    expect(assigned.events).toEqual([{ ...before.events[0], data: { team: 'incident_response', owner: 'ir-a' } }, before.events[1]]);
    expect(given).toEqual(before);
  });

  it("names the owner on this routing's event only: an earlier cycle's routing keeps its own owner", () => {
    const earlier = { seq: 1, type: 'routed', stage: 'routed' as const, at, data: { team: 'incident_response', owner: 'ir-b' } };
    const { events } = step(false);
    expect(assignRouting({ ...step(false), events: [earlier, ...events] }, assignment).events.map((e) => e.data?.owner ?? null)).toEqual(['ir-b', 'ir-a', null]);
    expect(assignedEvents([earlier, ...events], assignment, 3).map((e) => e.data?.owner ?? null)).toEqual(['ir-b', 'ir-a', null]);
    expect(assignedEvents([earlier, ...events], assignment, 99)).toEqual([earlier, ...events]);
  });

  it('addresses the message to the owner, copying the team lead only on an urgent lead', () => {
    expect(assignRouting(step(false), assignment).notify).toEqual({ recipientRepId: 'ir-a', ccRepId: null });
    expect(assignRouting(step(true), assignment).notify).toEqual({ recipientRepId: 'ir-a', ccRepId: 'ir-lead' });
  });

  it('adds no message to a step that had none, and records "nobody" when the team has no rep', () => {
    const { view, events } = step(true);
    expect(assignRouting({ view, events }, assignment)).not.toHaveProperty('notify');
    expect(assignRouting(step(true), UNASSIGNED)).toMatchObject({ view: { owner: null }, notify: { recipientRepId: null, ccRepId: null } });
  });
});
