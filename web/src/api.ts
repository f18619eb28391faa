/**
 * The console's only way to the server: the public /v1 API with the session
 * cookie, the CSRF token echoed on every change, and problem+json turned into
 * an error that knows its field messages.
 */
export interface FieldError {
  field: string;
  message: string;
}

export interface Problem {
  title: string;
  status: number;
  detail?: string;
  reason?: string;
  errors?: FieldError[];
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }

  get status(): number {
    return this.problem.status;
  }

  /** Field path → message, for showing each message next to its field. */
  fields(prefix = ''): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) {
      if (e.field.startsWith(prefix)) out[e.field.slice(prefix.length)] ??= plain(e.message);
    }
    return out;
  }
}

/** The schema's wording for a field left empty, said the way a person would. */
const plain = (message: string) => (/received undefined$/.test(message) ? 'Required: fill this in.' : message);

let csrfToken: string | null = null;
let onSignedOut: () => void = () => undefined;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when the server says the session has ended, so the app shows sign-in again. */
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

export async function api<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 204) return undefined as T;
  const data = (await res.json().catch(() => ({ title: res.statusText, status: res.status }))) as unknown;
  if (!res.ok) {
    const problem = data as Problem;
    if (res.status === 401 && path !== '/v1/session') onSignedOut();
    throw new ApiError({ ...problem, status: res.status });
  }
  return data as T;
}

/** Query string from the set values only. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '') as Array<[string, string | number]>;
  return entries.length ? `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString()}` : '';
}
