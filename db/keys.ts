/**
 * Keys that make activity writes idempotent under retry: an audit event is
 * its lead and sequence number, a message its lead, cycle and kind, so a
 * retried write finds its row already there.
 */
export const leadEventKey = (leadId: string, seq: number) => `${leadId}:event:${seq}`;
export const notificationKey = (leadId: string, cycle: number, kind: string) => `${leadId}:${cycle}:${kind}`;
