import pino, { type Logger } from 'pino';

/**
 * Personal data and secrets never reach a log line: contact names, emails and
 * phones, keys, tokens, cookies and passwords are censored wherever they appear
 * (top level and a few levels down).
 */
export const REDACTED_PATHS = [
  '*.email', '*.*.email', '*.*.*.email', '*.phone', '*.*.phone', '*.*.*.phone',
  '*.contact.name', '*.*.contact.name', 'contact.name', 'email', 'phone',
  'req.headers.authorization', 'req.headers.cookie', '*.authorization', '*.cookie',
  'key', '*.key', '*.*.key', 'apiKey', '*.apiKey', 'secret', '*.secret', 'token', '*.token', 'password', '*.password',
  'demoKeys', '*.demoKeys', 'databaseUrl', '*.databaseUrl',
];

/** `destination` defaults to stdout; tests pass a stream to read back what the service logged. */
export function createLogger(level: string, bindings: Record<string, unknown> = {}, destination?: pino.DestinationStream): Logger {
  const options = { level, base: { service: 'leadgate', ...bindings }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
