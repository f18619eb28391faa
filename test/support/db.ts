import type { Pool } from 'pg';
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
