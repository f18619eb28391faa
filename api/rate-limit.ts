/**
 * Request budgets, shared by every API process through PostgreSQL
 * (db/rate-limits.ts), each a fixed one-minute window:
 *   - per client IP, for every /v1 and /codec request, before the key is even looked at;
 *   - per API key, for every authenticated /v1 request;
 *   - per key for intake, counted in leads: a POST is one, an import is its number of rows;
 *   - per lead for engagement events, so one flooded lead never slows another.
 * Over budget: 429 problem+json with Retry-After, and nothing counted or written.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Pool } from 'pg';
import type { Config } from '../config/config';
import { sweepRateLimits, takeFromBucket } from '../db/rate-limits';
import { principalOf } from './auth';
import { problem } from './problem';

const WINDOW_SECONDS = 60;
/** About one request in this many also sweeps expired buckets. */
const SWEEP_ONE_IN = 500;

type LimitConfig = Pick<Config, 'RATE_LIMIT_PER_IP_PER_MINUTE' | 'RATE_LIMIT_PER_KEY_PER_MINUTE' | 'INTAKE_RATE_LIMIT_PER_MINUTE' | 'ENGAGEMENT_RATE_LIMIT_PER_MINUTE'>;

async function take(pool: Pool, bucket: string, cost: number, limit: number, what: string): Promise<void> {
  if (Math.floor(Math.random() * SWEEP_ONE_IN) === 0) await sweepRateLimits(pool, WINDOW_SECONDS);
  const result = await takeFromBucket(pool, bucket, cost, limit, WINDOW_SECONDS);
  if (result.allowed) return;
  throw problem(429, `At most ${limit} ${what} a minute; retry later.`, {}, { 'Retry-After': String(result.retryAfterSeconds) });
}

/** Before authentication: the socket's address (no proxy headers are trusted, so it cannot be forged). */
export function perIpLimit(pool: Pool, config: LimitConfig): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    await take(pool, `ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`, 1, config.RATE_LIMIT_PER_IP_PER_MINUTE, 'requests per client address');
    next();
  };
}

/** After authentication: every call of one key, whatever the route. */
export function perKeyLimit(pool: Pool, config: LimitConfig): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    await take(pool, `key:${principalOf(req).keyId}`, 1, config.RATE_LIMIT_PER_KEY_PER_MINUTE, 'requests per API key');
    next();
  };
}

/** Intake in leads, not requests: one form post is one lead, an import of 500 rows is 500. */
export function takeIntakeRows(pool: Pool, config: LimitConfig, req: Request, rows: number): Promise<void> {
  return take(pool, `intake:${principalOf(req).keyId}`, rows, config.INTAKE_RATE_LIMIT_PER_MINUTE, 'intake leads per API key');
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
    await take(pool, `engagement:${leadIdOf(req)}`, 1, config.ENGAGEMENT_RATE_LIMIT_PER_MINUTE, 'engagement events per lead');
    next();
  };
}
