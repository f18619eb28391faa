import type { Pool, PoolClient } from 'pg';
import { isDatabaseUnavailable } from './errors';

/** Runs `fn` in one transaction: all of its writes land, or none do. */
export async function inTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // A lost or silent connection is closed, not reused (the server rolls back what it held); a ROLLBACK sent on it could wait forever.
    if (isDatabaseUnavailable(error)) broken = error as Error;
    else await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release(broken);
  }
}
