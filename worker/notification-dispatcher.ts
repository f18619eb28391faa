import { runEvery, type BackgroundLoop } from '../platform/background-loop';
import type { Pool } from 'pg';
import { deliverDueNotifications, type Deliver } from '../db/outbox';
import type { Logger } from '../platform/logger';
import { SIGNATURE_HEADER, signWebhook } from '../platform/webhook-signature';

export interface DispatcherOptions {
  pool: Pool;
  log: Logger;
  intervalMs: number;
  /** POST each message as JSON here, signed with the secret; unset, messages are delivered to the log. */
  webhook?: { url: string; secret: string };
}

export function webhookDelivery(url: string, secret: string): Deliver {
  return async (notification) => {
    const body = JSON.stringify(notification);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': notification.messageKey, [SIGNATURE_HEADER]: signWebhook(secret, body) },
      body,
      signal: AbortSignal.timeout(5_000),
    });
    if (!response.ok) throw new Error(`webhook answered ${response.status}`);
  };
}

/** Delivers the notification outbox in the background until stopped; one bad batch never stops the loop. */
export function startNotificationDispatcher(options: DispatcherOptions): BackgroundLoop {
  const { pool, log, intervalMs } = options;
  const deliver: Deliver = options.webhook
    ? webhookDelivery(options.webhook.url, options.webhook.secret)
    : async (n) => log.info({ kind: n.kind, leadId: n.leadId, rep: n.recipientRepId, team: n.recipientTeam }, 'notification');
  return runEvery(intervalMs, async () => {
    try {
      const { delivered, failed } = await deliverDueNotifications(pool, deliver);
      if (failed > 0) log.warn({ delivered, failed }, 'notification delivery failures; will retry with backoff');
    } catch (error) {
      log.error({ err: error }, 'notification dispatcher batch failed');
    }
  });
}
