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

/**
 * Delivers one batch of due messages. Rows are locked with SKIP LOCKED so
 * several workers share the outbox; a failure backs off exponentially.
 */
export async function deliverDueNotifications(pool: Pool, deliver: Deliver, batchSize = 50): Promise<{ delivered: number; failed: number }> {
  const client = await pool.connect();
  let delivered = 0;
  let failed = 0;
  try {
    await client.query('BEGIN');
    const { rows } = await client.query(
      `SELECT id, message_key, lead_id, kind, recipient_rep_id, recipient_team, payload, attempts
       FROM notification_outbox WHERE delivered_at IS NULL AND next_attempt_at <= now()
       ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [batchSize],
    );
    for (const row of rows) {
      const notification: PendingNotification = {
        id: row.id, messageKey: row.message_key, leadId: row.lead_id, kind: row.kind,
        recipientRepId: row.recipient_rep_id, recipientTeam: row.recipient_team, payload: row.payload, attempts: row.attempts,
      };
      try {
        await deliver(notification);
        await client.query('UPDATE notification_outbox SET delivered_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = $1', [row.id]);
        delivered++;
      } catch (error) {
        await client.query(
          `UPDATE notification_outbox SET attempts = attempts + 1, last_error = $2,
             next_attempt_at = now() + least(interval '1 hour', interval '1 second' * power(2, attempts)) WHERE id = $1`,
          [row.id, String((error as Error).message ?? error).slice(0, 500)],
        );
        failed++;
      }
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  return { delivered, failed };
}
