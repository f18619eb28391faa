/**
 * Reads a lead's raw history the way anyone with access to Temporal would (no
 * codec): every payload found in it, where it sits, and all text it contains.
 */
import type { Client } from '@temporalio/client';
import { leadWorkflowId } from '../../workflows/ids';

export interface RawPayload {
  path: string;
  encoding: string | undefined;
  keyId: string | undefined;
}

export interface RawHistory {
  payloads: RawPayload[];
  /** Every string and every byte field decoded as UTF-8, from every event. */
  text: string;
}

const utf8 = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

function isPayload(value: object): value is { metadata: Record<string, Uint8Array>; data?: Uint8Array } {
  const metadata = (value as { metadata?: unknown }).metadata;
  return typeof metadata === 'object' && metadata !== null && (metadata as Record<string, unknown>).encoding instanceof Uint8Array;
}

export async function rawLeadHistory(client: Client, leadId: string, runId?: string): Promise<RawHistory> {
  const history = await client.workflow.getHandle(leadWorkflowId(leadId), runId).fetchHistory();
  const payloads: RawPayload[] = [];
  const texts: string[] = [];
  const walk = (value: unknown, path: string): void => {
    if (value === null || value === undefined) return;
    if (typeof value === 'string') return void texts.push(value);
    if (value instanceof Uint8Array) return void texts.push(utf8(value));
    if (typeof value !== 'object') return;
    if (isPayload(value)) {
      const keyId = value.metadata['encryption-key-id'];
      payloads.push({ path, encoding: utf8(value.metadata.encoding!), keyId: keyId ? utf8(keyId) : undefined });
    }
    for (const [key, child] of Object.entries(value)) walk(child, `${path}.${key}`);
  };
  walk(history.events ?? [], 'events');
  return { payloads, text: texts.join('\n') };
}

/**
 * Payloads the codec is meant to cover: everything but search attributes (the
 * server must read them to index) and the SDK's own marker bookkeeping (a
 * patch's id, a local activity's sequence number and type), which the SDK core
 * writes itself and holds no lead data. The text check covers those too.
 */
const NOT_CODEC_COVERED = /searchAttributes|indexedFields|markerRecordedEventAttributes\.details\.(data|patch-data)\./;
export const codecCovered = (payloads: RawPayload[]) => payloads.filter((p) => !NOT_CODEC_COVERED.test(p.path));
