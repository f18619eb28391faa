/** Whether a database error means "PostgreSQL is not reachable or not answering now" (retry later), not a bug. */

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** SQLSTATE classes and codes: connection exceptions (08), shutdown or start-up (57P0x), too many connections, cancelled by statement_timeout. */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[1-4]|53300|57014)$/;

const MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'Query read timeout',
  'Client has encountered a connection error',
];

export function isDatabaseUnavailable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const { code, message, errors } = error as { code?: unknown; message?: unknown; errors?: unknown };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
  if (typeof message === 'string' && MESSAGES.some((m) => message.includes(m))) return true;
  // Node reports a refused connection to several addresses as an AggregateError.
  return Array.isArray(errors) && errors.some(isDatabaseUnavailable);
}

/** SQLSTATE for text PostgreSQL cannot store: a NUL character (22P05), or bytes invalid in its encoding (22021). */
const UNSTORABLE_TEXT_SQLSTATE = new Set(['22P05', '22021']);

/** Whether PostgreSQL refused the request's text itself: the caller's input, not an outage and not a bug. */
export function isUnstorableText(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && UNSTORABLE_TEXT_SQLSTATE.has(code);
}
