import type { Pool, PoolClient } from 'pg';
import { createPool } from '../../db/pool';
import { testServices } from './services';

export function testPool(): Pool {
  return createPool(testServices().databaseUrl, 20);
}

/** Polls a query until `accept` is true; integration tests wait on effects, never on fixed sleeps. */
export async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!accept(last)) {
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await read();
  }
  return last;
}

/** Waits until another session waits on a lock `holder` holds: the write under test is out, stopped at that lock. */
export async function blockedBy(pool: Pool, holder: PoolClient): Promise<void> {
  const { rows } = await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  await eventually(
    () => pool.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [rows[0]!.pid]),
    (r) => r.rows[0]!.n > 0,
  );
}
