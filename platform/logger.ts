import pino, { type Logger } from 'pino';

/** Personal data never reaches a log line: contact names, emails and phones are censored wherever they appear. */
export const REDACTED_PATHS = [
  '*.email', '*.*.email', '*.*.*.email', '*.phone', '*.*.phone', '*.*.*.phone',
  '*.contact.name', '*.*.contact.name', 'contact.name', 'email', 'phone',
  'req.headers.authorization', '*.authorization', '*.apiKey', '*.key', 'databaseUrl', '*.databaseUrl',
];

export function createLogger(level: string, bindings: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { service: 'leadgate', ...bindings }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
}

export type { Logger };
