/**
 * Real HTTP calls against the API process, each with a hard client-side limit,
 * recorded with what a caller sees: status, latency, content type, Retry-After.
 */
import type { LeadIntake } from '../../../domain';
import { tally } from './summary';

/** Far above the 5 s an answer may take during an outage: past this the call counts as a hang. */
export const HANG_MS = 15_000;

export interface Answer {
  method: string;
  path: string;
  sentAt: number;
  ms: number;
  /** 0 when no answer came (hang or connection error). */
  status: number;
  contentType: string;
  retryAfter: string | null;
  body: Record<string, unknown> | null;
  error?: 'hang' | 'network';
}

export async function call(
  baseUrl: string,
  method: 'GET' | 'POST',
  path: string,
  key: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const sentAt = Date.now();
  const base = { method, path, sentAt };
  try {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(HANG_MS),
    });
    const text = await res.text();
    return {
      ...base,
      ms: Date.now() - sentAt,
      status: res.status,
      contentType: res.headers.get('content-type') ?? '',
      retryAfter: res.headers.get('retry-after'),
      body: parseJson(text),
    };
  } catch (error) {
    const hang = (error as Error).name === 'TimeoutError';
    return { ...base, ms: Date.now() - sentAt, status: 0, contentType: '', retryAfter: null, body: null, error: hang ? 'hang' : 'network' };
  }
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
}

export function postLead(baseUrl: string, key: string, intake: LeadIntake, idempotencyKey?: string): Promise<Answer> {
  return call(baseUrl, 'POST', '/v1/leads', key, intake, idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {});
}

/** Counts answers by status (`0` for no answer), for the summary. */
export function byStatus(answers: Answer[]): Record<string, number> {
  return tally(answers.map((a) => a.error ?? a.status));
}

/** A 503 a client can act on: problem+json, with Retry-After. */
export function isRetryable503(a: Answer): boolean {
  return a.status === 503 && a.contentType.startsWith('application/problem+json') && a.retryAfter !== null;
}
