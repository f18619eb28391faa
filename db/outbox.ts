import type { Pool } from 'pg';
import { notificationKey } from './keys';

export interface NotifyInput {
  leadId: string;
  cycle: number;
  kind: string;
  recipientRepId: string | null;
  recipientTeam: string | null;
  /** Also tell this rep (e.g. the team lead for an urgent lead). */
  ccRepId?: string | null;
  payload: Record<string, unknown>;
}

/** A parameter of the statement being built: its placeholder (`$n`). */
export type Param = (value: unknown) => string;

/**
 * Queues a message in the outbox (and its copy, when someone is cc'd) as one
 * INSERT, to run alone or as a step of a lead's write; the message key makes a
 * retry queue nothing twice.
 */
export function queueNotification(input: NotifyInput, p: Param): string {
  const key = notificationKey(input.leadId, input.cycle, input.kind);
  const recipients = [{ key, rep_id: input.recipientRepId }];
  if (input.ccRepId && input.ccRepId !== input.recipientRepId) recipients.push({ key: `${key}:cc`, rep_id: input.ccRepId });
  return `INSERT INTO notification_outbox (message_key, lead_id, kind, recipient_rep_id, recipient_team, payload)
    SELECT r.key, ${p(input.leadId)}::text, ${p(input.kind)}::text, r.rep_id, ${p(input.recipientTeam)}::text, ${p(JSON.stringify(input.payload))}::jsonb
    FROM jsonb_to_recordset(${p(JSON.stringify(recipients))}::jsonb) AS r(key text, rep_id text)
    ON CONFLICT (message_key) DO NOTHING`;
}

export async function enqueueNotification(pool: Pool, input: NotifyInput): Promise<void> {
  const params: unknown[] = [];
  const sql = queueNotification(input, (value) => `$${params.push(value)}`);
  await pool.query(sql, params);
}

export interface PendingNotification {
  id: string;
  messageKey: string;
  leadId: string;
  kind: string;
  recipientRepId: string | null;
  recipientTeam: string | null;
  payload: Record<string, unknown>;
  attempts: number;
}

export type Deliver = (notification: PendingNotification) => Promise<void>;

/** Leads whose messages one dispatcher sends at a time (a lead's own go one after another, oldest first): a slow call holds up one lead, not the batch. */
const DELIVERY_CONCURRENCY = 5;
/**
 * How long a claimed message stays its dispatcher's before another may take it:
 * well over a batch's worst case (each call gives up after 5 s). A dispatcher
 * that dies mid-batch leaves its unmarked messages to be sent again after it, so
 * a receiver may see a message twice (the Idempotency-Key header names it), never
 * lose one.
 */
const CLAIM_LEASE_SECONDS = 120;

interface OutboxRow {
  id: string;
  message_key: string;
  lead_id: string;
  kind: string;
  recipient_rep_id: string | null;
  recipient_team: string | null;
  payload: Record<string, unknown>;
  attempts: number;
}

/** Takes up to `batchSize` due messages, oldest first, by moving their next attempt past the lease: one statement, no transaction left open. */
async function claimDue(pool: Pool, batchSize: number): Promise<PendingNotification[]> {
  const { rows } = await pool.query<OutboxRow>(
    `UPDATE notification_outbox o SET next_attempt_at = now() + make_interval(secs => $2)
     FROM (SELECT id FROM notification_outbox WHERE delivered_at IS NULL AND next_attempt_at <= now()
           ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED) due
     WHERE o.id = due.id
     RETURNING o.id, o.message_key, o.lead_id, o.kind, o.recipient_rep_id, o.recipient_team, o.payload, o.attempts`,
    [batchSize, CLAIM_LEASE_SECONDS],
  );
  return rows
    .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1))
    .map((row) => ({
      id: row.id, messageKey: row.message_key, leadId: row.lead_id, kind: row.kind,
      recipientRepId: row.recipient_rep_id, recipientTeam: row.recipient_team, payload: row.payload, attempts: row.attempts,
    }));
}

async function markDelivered(pool: Pool, id: string): Promise<void> {
  await pool.query('UPDATE notification_outbox SET delivered_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = $1 AND delivered_at IS NULL', [id]);
}

/** Backs off exponentially from the attempts made before this one: 1 s, 2 s, 4 s … at most an hour. */
async function markFailed(pool: Pool, id: string, error: unknown): Promise<void> {
  await pool.query(
    `UPDATE notification_outbox SET attempts = attempts + 1, last_error = $2,
       next_attempt_at = now() + least(interval '1 hour', interval '1 second' * power(2, attempts)) WHERE id = $1 AND delivered_at IS NULL`,
    [id, String((error as Error)?.message ?? error).slice(0, 500)],
  );
}

/** The batch by lead, each lead's messages oldest first, so a receiver sees one lead's messages in the order they were queued. */
function byLead(due: PendingNotification[]): PendingNotification[][] {
  const groups = new Map<string, PendingNotification[]>();
  for (const n of due) {
    const group = groups.get(n.leadId);
    if (group) group.push(n);
    else groups.set(n.leadId, [n]);
  }
  return [...groups.values()];
}

/**
 * Delivers one batch of due messages. Messages are claimed with a lease (SKIP
 * LOCKED, so several workers share the outbox) and then sent with no
 * transaction or lock held, a few leads at a time; each is marked delivered, or
 * backed off, the moment its call ends. A mark that cannot be written (the
 * database went away) leaves the message to its lease: it is sent again later.
 */
export async function deliverDueNotifications(pool: Pool, deliver: Deliver, batchSize = 50): Promise<{ delivered: number; failed: number }> {
  const leads = byLead(await claimDue(pool, batchSize));
  let delivered = 0;
  let failed = 0;
  let next = 0;
  const sendNext = async (): Promise<void> => {
    for (let lead = leads[next++]; lead; lead = leads[next++]) {
      for (const n of lead) {
        try {
          await deliver(n);
        } catch (error) {
          failed++;
          await markFailed(pool, n.id, error);
          continue;
        }
        delivered++;
        await markDelivered(pool, n.id);
      }
    }
  };
  const lanes = await Promise.allSettled(Array.from({ length: Math.min(DELIVERY_CONCURRENCY, leads.length) }, sendNext));
  const broken = lanes.find((lane): lane is PromiseRejectedResult => lane.status === 'rejected');
  if (broken) throw broken.reason;
  return { delivered, failed };
}
