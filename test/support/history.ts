import { temporal } from '@temporalio/proto';

/** A history's event types by name: the client hands them over as enum numbers. */
export function eventTypeNames(history: temporal.api.history.v1.IHistory): string[] {
  return (history.events ?? []).map((e) => temporal.api.enums.v1.EventType[e.eventType ?? 0] ?? String(e.eventType));
}

/** A history in its JSON form (as committed, or `historyToJSON` parsed back). */
export type HistoryJson = { events: Array<Record<string, unknown>> };

/** The history as if started as another workflow type. */
export function asType<H extends HistoryJson>(history: H, name: string): H {
  const [started, ...rest] = history.events;
  const attributes = started!.workflowExecutionStartedEventAttributes as { workflowType: { name: string } };
  return { ...history, events: [{ ...started!, workflowExecutionStartedEventAttributes: { ...attributes, workflowType: { name } } }, ...rest] };
}
