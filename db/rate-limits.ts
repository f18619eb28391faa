/**
 * Fixed-window request budgets in PostgreSQL, so every API process draws on
 * the same count. A bucket's window opens with its first request and lasts
 * `windowSeconds`. A request takes all of its budgets in one round trip
 * (`take_budgets`, migrations 007 and 009): each fits and is counted, or none
 * is counted and the answer names the first spent one in the order given.
 */
import type { Pool } from 'pg';

export interface BudgetTake {
  bucket: string;
  cost: number;
  limit: number;
}

export type Take = { allowed: true } | { allowed: false; bucket: string; retryAfterSeconds: number };

export async function takeBudgets(pool: Pool, takes: BudgetTake[], windowSeconds: number): Promise<Take> {
  const tooBig = takes.find((take) => take.cost > take.limit);
  if (tooBig) return { allowed: false, bucket: tooBig.bucket, retryAfterSeconds: windowSeconds };
  const { rows } = await pool.query<{ refused: string | null; retry_after: number | null }>(
    'SELECT refused, retry_after FROM take_budgets($1::text[], $2::integer[], $3::integer[], $4)',
    [takes.map((t) => t.bucket), takes.map((t) => t.cost), takes.map((t) => t.limit), windowSeconds],
  );
  const { refused, retry_after: retryAfter } = rows[0]!;
  return refused === null ? { allowed: true } : { allowed: false, bucket: refused, retryAfterSeconds: retryAfter ?? windowSeconds };
}

/** Drops buckets whose window ended long ago (clients that went away), so the table stays small. */
export async function sweepRateLimits(pool: Pool, windowSeconds: number): Promise<void> {
  await pool.query('DELETE FROM rate_limits WHERE window_start < now() - make_interval(secs => $1 * 2)', [windowSeconds]);
}
