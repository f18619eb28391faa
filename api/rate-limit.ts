/**
 * Request budgets, shared by every API process through PostgreSQL
 * (db/rate-limits.ts), each a fixed one-minute window:
 *   - per client IP, for every /v1 and /codec request, whatever its key;
 *   - per API key, for every authenticated /v1 request (taken with the IP's, in one round trip);
 *   - per key for intake, counted in leads: a POST is one, an import is its number of rows;
 *   - per lead for engagement events, so one flooded lead never slows another.
 * Over budget: 429 problem+json with Retry-After, and nothing counted or written.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Pool } from 'pg';
import type { Config } from '../config/config';
import { sweepRateLimits, takeBudgets, type BudgetTake } from '../db/rate-limits';
import { identify, principalOf } from './auth';
import { HttpProblem, problem } from './problem';

const WINDOW_SECONDS = 60;
/** About one request in this many also sweeps expired buckets. */
const SWEEP_ONE_IN = 500;

type LimitConfig = Pick<Config, 'RATE_LIMIT_PER_IP_PER_MINUTE' | 'RATE_LIMIT_PER_KEY_PER_MINUTE' | 'INTAKE_RATE_LIMIT_PER_MINUTE' | 'ENGAGEMENT_RATE_LIMIT_PER_MINUTE'>;

/** One budget a request draws on, and how its 429 names it. */
type Budget = BudgetTake & { what: string };

/** Takes every budget or none; the 429 names the first spent one in the order given (the client address first, so every key over it hears the same). */
async function take(pool: Pool, budgets: Budget[]): Promise<void> {
  if (Math.floor(Math.random() * SWEEP_ONE_IN) === 0) await sweepRateLimits(pool, WINDOW_SECONDS);
  const result = await takeBudgets(pool, budgets, WINDOW_SECONDS);
  if (result.allowed) return;
  const spent = budgets.find((budget) => budget.bucket === result.bucket) ?? budgets[0]!;
  throw problem(429, `At most ${spent.limit} ${spent.what} a minute; retry later.`, {}, { 'Retry-After': String(result.retryAfterSeconds) });
}

/** The socket's address (no proxy headers are trusted, so it cannot be forged). */
function ipBudget(req: Request, config: LimitConfig): Budget {
  return { bucket: `ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`, cost: 1, limit: config.RATE_LIMIT_PER_IP_PER_MINUTE, what: 'requests per client address' };
}

/** The client address alone: for the calls made without a key (signing in, the codec). */
export function perIpLimit(pool: Pool, config: LimitConfig): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    await take(pool, [ipBudget(req, config)]);
    next();
  };
}

/**
 * Every /v1 call: who it is from, then its client address's budget and its
 * key's, taken together in one round trip. A request from no one this API
 * knows still spends its address's budget, and once that is spent the answer
 * is 429 whatever the key, so an address over its budget learns nothing about
 * keys; only then is the 401 (or the session's 403) given.
 */
export function authenticateWithinBudgets(pool: Pool, config: LimitConfig): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const refusal = await identify(pool, req).then(
      () => null,
      (error: unknown) => {
        if (error instanceof HttpProblem) return error;
        throw error;
      },
    );
    const budgets = [ipBudget(req, config)];
    if (!refusal) budgets.push({ bucket: `key:${principalOf(req).keyId}`, cost: 1, limit: config.RATE_LIMIT_PER_KEY_PER_MINUTE, what: 'requests per API key' });
    await take(pool, budgets);
    if (refusal) throw refusal;
    next();
  };
}

/** Intake in leads, not requests: one form post is one lead, an import of 500 rows is 500. */
export function takeIntakeRows(pool: Pool, config: LimitConfig, req: Request, rows: number): Promise<void> {
  return take(pool, [{ bucket: `intake:${principalOf(req).keyId}`, cost: rows, limit: config.INTAKE_RATE_LIMIT_PER_MINUTE, what: 'intake leads per API key' }]);
}

export function intakeLimit(pool: Pool, config: LimitConfig): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    await takeIntakeRows(pool, config, req, 1);
    next();
  };
}

/** Engagement events per lead, whoever sends them. */
export function engagementLimit(pool: Pool, config: LimitConfig, leadIdOf: (req: Request) => string): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    await take(pool, [{ bucket: `engagement:${leadIdOf(req)}`, cost: 1, limit: config.ENGAGEMENT_RATE_LIMIT_PER_MINUTE, what: 'engagement events per lead' }]);
    next();
  };
}
