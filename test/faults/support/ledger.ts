/**
 * What PostgreSQL holds for a lead, counted row by row, and the invariants every
 * lead must keep whatever failed around it: one lead row, its audit events
 * exactly once each (sequence 0..last with no gap), per cycle at most one
 * routing, one outcome (event, row and notification agreeing), nothing doubled.
 */
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { queryLeadState } from '../../../api/lead-client';
import type { LeadView } from '../../../domain/lead-view';
import { sleep } from './child';

export interface LedgerEvent {
  seq: number;
  type: string;
  cycle: number;
  reasons: Array<{ code?: string }>;
  data: Record<string, unknown>;
}

export interface Ledger {
  leadId: string;
  leadRows: number;
  lastEventSeq: number | null;
  events: LedgerEvent[];
  outcomes: Array<{ cycle: number; status: string }>;
  notifications: Array<{ cycle: number; kind: string; cc: boolean }>;
  assignments: number[];
  /** The workflow's own last event sequence, when read alongside (see `settledLedgers`). */
  liveLastSeq?: number | null;
}

/** Every row of these leads, in one round trip per table. */
export async function readLedgers(pool: Pool, leadIds: string[]): Promise<Map<string, Ledger>> {
  const ledgers = new Map<string, Ledger>(
    leadIds.map((leadId) => [leadId, { leadId, leadRows: 0, lastEventSeq: null, events: [], outcomes: [], notifications: [], assignments: [] }]),
  );
  const at = (leadId: string) => ledgers.get(leadId)!;
  const [leads, events, outcomes, notes, assignments] = await Promise.all([
    pool.query<{ lead_id: string; last_event_seq: number }>('SELECT lead_id, last_event_seq FROM leads WHERE lead_id = ANY($1)', [leadIds]),
    pool.query<{ lead_id: string; seq: number; type: string; reasons: LedgerEvent['reasons']; data: Record<string, unknown> }>(
      `SELECT lead_id, split_part(event_key, ':event:', 2)::int AS seq, type, reasons, data
       FROM lead_events WHERE lead_id = ANY($1) ORDER BY lead_id, seq`,
      [leadIds],
    ),
    pool.query<{ lead_id: string; cycle: number; status: string }>('SELECT lead_id, cycle, status FROM lead_outcomes WHERE lead_id = ANY($1) ORDER BY cycle', [leadIds]),
    pool.query<{ lead_id: string; message_key: string; kind: string }>('SELECT lead_id, message_key, kind FROM notification_outbox WHERE lead_id = ANY($1)', [leadIds]),
    pool.query<{ lead_id: string; cycle: number }>('SELECT lead_id, cycle FROM rep_assignments WHERE lead_id = ANY($1) ORDER BY cycle', [leadIds]),
  ]);
  for (const row of leads.rows) {
    at(row.lead_id).leadRows++;
    at(row.lead_id).lastEventSeq = row.last_event_seq;
  }
  const cycles = new Map<string, number>();
  for (const row of events.rows) {
    // Every cycle after the first opens with one of these events.
    if (row.type === 'reengaged' || row.type === 'nurture_cycles_exhausted' || row.type === 'reopened') cycles.set(row.lead_id, (cycles.get(row.lead_id) ?? 0) + 1);
    at(row.lead_id).events.push({ seq: row.seq, type: row.type, cycle: cycles.get(row.lead_id) ?? 0, reasons: row.reasons, data: row.data });
  }
  for (const row of outcomes.rows) at(row.lead_id).outcomes.push({ cycle: row.cycle, status: row.status });
  for (const row of notes.rows) {
    const [, cycle, , cc] = row.message_key.split(':');
    at(row.lead_id).notifications.push({ cycle: Number(cycle), kind: row.kind, cc: cc === 'cc' });
  }
  for (const row of assignments.rows) at(row.lead_id).assignments.push(row.cycle);
  return ledgers;
}

export function eventsOf(ledger: Ledger, type: string, cycle = 0): LedgerEvent[] {
  return ledger.events.filter((e) => e.type === type && e.cycle === cycle);
}

/** The invariants, as readable complaints (empty when the lead is sound). */
export function ledgerProblems(l: Ledger): string[] {
  const problems: string[] = [];
  const say = (what: string) => problems.push(`${l.leadId}: ${what}`);
  if (l.leadRows !== 1) say(`${l.leadRows} lead rows`);
  const seqs = l.events.map((e) => e.seq);
  const contiguous = seqs.every((seq, i) => seq === i);
  if (!contiguous) say(`event sequence has gaps or repeats: ${seqs.join(',')}`);
  if (l.lastEventSeq !== seqs.length - 1) say(`last_event_seq ${l.lastEventSeq} but ${seqs.length} events stored`);
  if (l.liveLastSeq !== undefined && l.liveLastSeq !== l.lastEventSeq) {
    say(`read model at event ${l.lastEventSeq} but the workflow at ${l.liveLastSeq}: the two tell different stories`);
  }
  if (l.events.filter((e) => e.type === 'captured').length !== 1) say('not exactly one captured event');
  const cycleCount = Math.max(0, ...l.events.map((e) => e.cycle)) + 1;
  for (let cycle = 0; cycle < cycleCount; cycle++) {
    const routed = eventsOf(l, 'routed', cycle).length;
    const decided = eventsOf(l, 'outcome_decided', cycle).length;
    const rows = l.outcomes.filter((o) => o.cycle === cycle).length;
    const outcomeNotes = l.notifications.filter((n) => n.cycle === cycle && !n.cc && n.kind.startsWith('outcome_')).length;
    const assignNotes = l.notifications.filter((n) => n.cycle === cycle && !n.cc && n.kind.endsWith('lead_assigned')).length;
    if (routed > 1) say(`cycle ${cycle}: ${routed} routed events`);
    if (assignNotes !== routed) say(`cycle ${cycle}: ${assignNotes} assignment notifications for ${routed} routings`);
    if (decided > 1) say(`cycle ${cycle}: ${decided} outcome_decided events`);
    if (rows !== decided) say(`cycle ${cycle}: ${rows} outcome rows for ${decided} outcome_decided events`);
    if (outcomeNotes !== decided) say(`cycle ${cycle}: ${outcomeNotes} outcome notifications for ${decided} outcomes`);
  }
  return problems;
}

/** The last event sequence the live workflow has assigned (its query answers even when the run has closed). */
export async function liveLastSeq(temporal: Client, leadId: string): Promise<number | null> {
  const view: LeadView = await queryLeadState(temporal, leadId);
  return view.events.at(-1)?.seq ?? null;
}

/**
 * Waits until the read model holds every event each workflow has (retried
 * writes land with backoff after an outage), then returns the ledgers with the
 * workflow's own last sequence. A read model *ahead* of its workflow (writes
 * from a workflow task that later failed) will never catch up: that is
 * reported by `ledgerProblems`, not waited for.
 */
export async function settledLedgers(pool: Pool, temporal: Client, leadIds: string[], timeoutMs: number): Promise<Map<string, Ledger>> {
  const deadline = Date.now() + timeoutMs;
  const live = new Map<string, number | null | undefined>();
  let pending: string[] = leadIds;
  for (;;) {
    // A query that fails (the server or worker still recovering) leaves the lead pending.
    const seqs = await mapLimit(pending, 8, async (id) => [id, await liveLastSeq(temporal, id).catch(() => undefined)] as const);
    for (const [id, seq] of seqs) live.set(id, seq);
    const ledgers = await readLedgers(pool, leadIds);
    for (const [id, l] of ledgers) l.liveLastSeq = live.get(id);
    pending = leadIds.filter((id) => live.get(id) === undefined || (ledgers.get(id)!.lastEventSeq ?? -1) < (live.get(id) ?? -1));
    if (pending.length === 0) return ledgers;
    if (Date.now() > deadline) {
      const detail = pending.slice(0, 5).map((id) => `${id} (stored up to ${ledgers.get(id)!.lastEventSeq}; workflow at ${live.get(id)})`);
      throw new Error(`Read model still behind the workflows after ${timeoutMs} ms for ${pending.length} leads: ${detail.join('; ')}`);
    }
    await sleep(500);
  }
}

/** Runs `fn` over `items` with at most `limit` at once, keeping order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  });
  await Promise.all(lanes);
  return results;
}
