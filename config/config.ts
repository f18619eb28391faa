import { z } from 'zod';
import { parsePayloadKeys } from '../platform/payload-keys';

/**
 * Every setting LeadGate reads from the environment, parsed once at start-up.
 * A bad value stops the process with the variable named, before anything connects.
 */
const booleanFlag = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

/** `id:base64key,...` parsed into keys; a bad entry is reported by position or id, never by value. */
const payloadKeys = z.string().transform((value, ctx) => {
  try {
    return parsePayloadKeys(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

const commaList = z.string().transform((v) => v.split(',').map((s) => s.trim()).filter((s) => s.length > 0));

export const ConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Unset: a local dev server is started (stack command) or expected at localhost:7233. */
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_CLI_PATH: z.string().min(1).optional(),
  /** Connect to Temporal over TLS (implied by any of the TLS files, the server name or an API key). */
  TEMPORAL_TLS: booleanFlag.default(false),
  /** PEM file of the CA that signed the Temporal frontend's certificate (unset: the system's roots). */
  TEMPORAL_TLS_CA: z.string().min(1).optional(),
  /** mTLS: PEM client certificate and its key, both or neither. */
  TEMPORAL_TLS_CERT: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY: z.string().min(1).optional(),
  /** Name checked against the server certificate when it differs from the address host. */
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  /** Temporal Cloud API key (sent as a bearer token over TLS). */
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  /** Payload encryption keys, `id:base64key` pairs, oldest first; the last encrypts. Required outside the embedded stack. */
  LEADGATE_PAYLOAD_KEYS: payloadKeys.optional(),
  /**
   * Read unencrypted payloads (histories from before encryption) as they are. Set false once no lead
   * started before encryption is still open: then a signal or update not sealed with a LeadGate key is refused.
   */
  LEADGATE_ACCEPT_PLAIN_PAYLOADS: booleanFlag.default(true),
  /** Browser origins (the Temporal UI) allowed to call the codec endpoint. */
  CODEC_CORS_ORIGINS: commaList.default(['http://127.0.0.1:8233', 'http://localhost:8233', 'http://127.0.0.1:8080', 'http://localhost:8080']),
  /** Unset: an embedded PostgreSQL under DATA_DIR is used. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Set: /metrics is served only on this port of METRICS_HOST, without a key. Unset: /metrics on the API port, manager key required. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  TEMPORAL_DEV_PORT: z.coerce.number().int().min(1).max(65535).default(7233),
  TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(5433),
  /**
   * `npm run cluster`: the Temporal server's frontend (gRPC) port; its other services take the nine ports after it.
   * At most 32758: Temporal stores membership ports as a PostgreSQL smallint.
   */
  TEMPORAL_SERVER_PORT: z.coerce.number().int().min(1).max(32758).default(7233),
  /** `npm run cluster`: history shards, fixed when Temporal's databases are first created (docs/production.md). */
  TEMPORAL_HISTORY_SHARDS: z.coerce.number().int().min(1).max(16384).default(4),
  /** `npm run cluster`: worker processes on the lead task queue. */
  CLUSTER_WORKERS: z.coerce.number().int().min(1).max(64).default(2),
  /** Production workers load this prebuilt bundle instead of bundling at start-up. */
  WORKFLOW_BUNDLE_PATH: z.string().min(1).default('dist/workflow-bundle.js'),
  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).default(50),
  /**
   * Leads kept in the worker's sticky cache. Each cached lead costs about 200 KiB
   * of worker RSS (bench, 2026-11-27: 849 MiB with 2,000 cached against 547 MiB
   * with 500, 3,000 leads parked), on a base of 350–450 MiB that a busy worker
   * keeps anyway. 500 keeps a worker holding 20,000 parked leads under 600 MB;
   * give it about 200 MiB more for each 1,000 more. An evicted lead is replayed
   * from history (about 20 ms of CPU) when a message or timer reaches it.
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(500),
  /** On a fresh database: seed the demo team of reps and print demo intake, manager and rep keys. Set false in production before the first start. */
  SEED_DEMO_DATA: booleanFlag.default(true),
  /** Leads per intake key per minute: a POST counts one, an import its number of rows. */
  INTAKE_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** Requests per API key per minute, any route. */
  RATE_LIMIT_PER_KEY_PER_MINUTE: z.coerce.number().int().min(1).default(1200),
  /** Requests per client address per minute on /v1 and /codec, counted whatever the key: over it, every request is a 429, a bad key included. */
  RATE_LIMIT_PER_IP_PER_MINUTE: z.coerce.number().int().min(1).default(2400),
  /** Engagement events one lead takes a minute (shared by every API process); more is a 429, so no script can flood a lead. */
  ENGAGEMENT_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  /** How often the API hands intakes queued during a Temporal outage over to Temporal. */
  INTAKE_RELAY_INTERVAL_MS: z.coerce.number().int().min(100).default(2000),
  /** PostgreSQL pool: wait at most this long for a connection, so an outage answers 503 quickly. */
  PG_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(2000),
  /** PostgreSQL pool: a statement running longer is cancelled (server side, and the client stops waiting shortly after). */
  PG_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).default(4000),
  /** PostgreSQL pool: idle connections are closed after this long. */
  PG_IDLE_TIMEOUT_MS: z.coerce.number().int().min(1000).default(30000),
  /** Console sign-in: how long a session lives, whether its cookie is Secure (set true behind HTTPS). */
  SESSION_TTL_SECONDS: z.coerce.number().int().min(1).default(8 * 3600),
  SESSION_COOKIE_SECURE: booleanFlag.default(false),
  /** Failed sign-ins per email before a lock; the lock starts at LOGIN_LOCK_SECONDS and doubles per further failure. */
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  LOGIN_LOCK_SECONDS: z.coerce.number().int().min(1).default(30),
  LOGIN_MAX_LOCK_SECONDS: z.coerce.number().int().min(1).default(900),
  /** bcrypt cost factor for console passwords (each +1 doubles the work). */
  PASSWORD_HASH_COST: z.coerce.number().int().min(4).max(15).default(11),
  /** The built console (`npm run build`), served at /app. */
  CONSOLE_DIR: z.string().min(1).default('web/dist'),
  NOTIFY_POLL_INTERVAL_MS: z.coerce.number().int().min(50).default(1000),
  /** Where notifications are POSTed; unset, they are delivered to the log. */
  NOTIFY_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Signs every webhook delivery (HMAC-SHA256, LeadGate-Signature header); required with NOTIFY_WEBHOOK_URL. */
  NOTIFY_WEBHOOK_SECRET: z.string().min(32, 'Use at least 32 characters (openssl rand -hex 32)').optional(),
}).superRefine((config, ctx) => {
  if (config.NOTIFY_WEBHOOK_URL && !config.NOTIFY_WEBHOOK_SECRET) {
    ctx.addIssue({ code: 'custom', path: ['NOTIFY_WEBHOOK_SECRET'], message: 'Required with NOTIFY_WEBHOOK_URL: deliveries are signed' });
  }
  if (Boolean(config.TEMPORAL_TLS_CERT) !== Boolean(config.TEMPORAL_TLS_KEY)) {
    ctx.addIssue({ code: 'custom', path: [config.TEMPORAL_TLS_CERT ? 'TEMPORAL_TLS_KEY' : 'TEMPORAL_TLS_CERT'], message: 'mTLS needs both TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY' });
  }
});

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment; the error lists every bad variable and why, never its value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = ConfigSchema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
}
