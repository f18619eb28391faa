import { z } from 'zod';

/**
 * Every setting LeadGate reads from the environment, parsed once at start-up.
 * A bad value stops the process with the variable named, before anything connects.
 */
const booleanFlag = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

export const ConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Unset: a local dev server is started (stack command) or expected at localhost:7233. */
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_CLI_PATH: z.string().min(1).optional(),
  /** Unset: an embedded PostgreSQL under DATA_DIR is used. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
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
   * Leads kept in the worker's sticky cache. A cached lead holds about 210 KiB of
   * heap (bench: heap per cached workflow; a bare workflow holds 85 KiB), so 2,000
   * fit in about 410 MiB beside the worker's 180 MiB base, under a 600 MB budget
   * however many leads are parked. An evicted lead is replayed from history (about
   * 15 ms of CPU) when a message or timer reaches it.
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(2_000),
  /** On a fresh database: seed the demo team of reps and print demo intake, manager and rep keys. Set false in production before the first start. */
  SEED_DEMO_DATA: booleanFlag.default(true),
  INTAKE_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** Engagement events one lead takes a minute (per API process); more is a 429, so no script can flood a lead. */
  ENGAGEMENT_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  /** How often the API hands intakes queued during a Temporal outage over to Temporal. */
  INTAKE_RELAY_INTERVAL_MS: z.coerce.number().int().min(100).default(2000),
  /** PostgreSQL pool: wait at most this long for a connection, so an outage answers 503 quickly. */
  PG_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(2000),
  /** PostgreSQL pool: a statement running longer is cancelled (server side, and the client stops waiting shortly after). */
  PG_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).default(4000),
  /** PostgreSQL pool: idle connections are closed after this long. */
  PG_IDLE_TIMEOUT_MS: z.coerce.number().int().min(1000).default(30000),
  NOTIFY_POLL_INTERVAL_MS: z.coerce.number().int().min(50).default(1000),
  /** Where notifications are POSTed; unset, they are delivered to the log. */
  NOTIFY_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
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
