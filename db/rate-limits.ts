/**
 * Fixed-window request budgets in PostgreSQL, so every API process draws on
 * the same count. A bucket's window opens with its first request and lasts
 * `windowSeconds`; taking `cost` units either fits (and is counted, in one
 * UPSERT) or is refused without counting anything.
 */
import type { Pool } from 'pg';

export type Take = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export async function takeFromBucket(pool: Pool, bucket: string, cost: number, limit: number, windowSeconds: number): Promise<Take> {
  if (cost > limit) return { allowed: false, retryAfterSeconds: windowSeconds };
  const taken = await pool.query(
    `INSERT INTO rate_limits AS r (bucket, window_start, used) VALUES ($1, now(), $2)
     ON CONFLICT (bucket) DO UPDATE SET
       window_start = CASE WHEN r.window_start <= now() - make_interval(secs => $4) THEN now() ELSE r.window_start END,
       used = CASE WHEN r.window_start <= now() - make_interval(secs => $4) THEN EXCLUDED.used ELSE r.used + EXCLUDED.used END
     WHERE r.window_start <= now() - make_interval(secs => $4) OR r.used + EXCLUDED.used <= $3
     RETURNING used`,
    [bucket, cost, limit, windowSeconds],
  );
  if ((taken.rowCount ?? 0) > 0) return { allowed: true };
  const { rows } = await pool.query<{ wait: number }>(
    'SELECT GREATEST(1, CEIL(EXTRACT(EPOCH FROM (window_start + make_interval(secs => $2) - now()))))::int AS wait FROM rate_limits WHERE bucket = $1',
    [bucket, windowSeconds],
  );
  return { allowed: false, retryAfterSeconds: rows[0]?.wait ?? windowSeconds };
}

/** Drops buckets whose window ended long ago (clients that went away), so the table stays small. */
export async function sweepRateLimits(pool: Pool, windowSeconds: number): Promise<void> {
  await pool.query('DELETE FROM rate_limits WHERE window_start < now() - make_interval(secs => $1 * 2)', [windowSeconds]);
}
