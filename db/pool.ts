import { Pool } from 'pg';

export interface PoolTimeouts {
  /** Longest wait for a connection (new or from a busy pool). */
  connectTimeoutMs: number;
  /** Server-side statement_timeout; the client gives up shortly after, should the server not answer at all. */
  statementTimeoutMs: number;
  idleTimeoutMs: number;
}

/** The README's defaults (config/config.ts), for pools made outside a configured process (tools, tests). */
export const DEFAULT_POOL_TIMEOUTS: PoolTimeouts = { connectTimeoutMs: 2_000, statementTimeoutMs: 4_000, idleTimeoutMs: 30_000 };

/** The pool timeouts a process's configuration asks for. */
export function poolTimeouts(config: { PG_CONNECT_TIMEOUT_MS: number; PG_STATEMENT_TIMEOUT_MS: number; PG_IDLE_TIMEOUT_MS: number }): PoolTimeouts {
  return { connectTimeoutMs: config.PG_CONNECT_TIMEOUT_MS, statementTimeoutMs: config.PG_STATEMENT_TIMEOUT_MS, idleTimeoutMs: config.PG_IDLE_TIMEOUT_MS };
}

/**
 * Every wait on the database is bounded, so an outage becomes a quick error
 * (503 at the API, a retried activity in the worker), never a hang.
 */
export function createPool(connectionString: string, max = 10, timeouts: PoolTimeouts = DEFAULT_POOL_TIMEOUTS): Pool {
  const pool = new Pool({
    connectionString,
    max,
    idleTimeoutMillis: timeouts.idleTimeoutMs,
    connectionTimeoutMillis: timeouts.connectTimeoutMs,
    statement_timeout: timeouts.statementTimeoutMs,
    query_timeout: timeouts.statementTimeoutMs + 500,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  // Nor may a checked-out one between statements (held across a webhook call, say): the pool listens only to idle
  // clients, and an 'error' event nobody listens to kills the process. Its next query fails as unavailable instead.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}
