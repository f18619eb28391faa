import { temporal } from '@temporalio/proto';

/** A history's event types by name: the client hands them over as enum numbers. */
export function eventTypeNames(history: temporal.api.history.v1.IHistory): string[] {
  return (history.events ?? []).map((e) => temporal.api.enums.v1.EventType[e.eventType ?? 0] ?? String(e.eventType));
}
