/**
 * Console sign-in: `POST /v1/session` (email + password → HttpOnly,
 * SameSite=Strict session cookie and a CSRF token), `GET /v1/session` (who is
 * signed in, the CSRF token again after a reload), `DELETE /v1/session` (sign out).
 * Every failure reads the same, so the answer never tells whether an email has a login.
 */
import express, { Router } from 'express';
import type { Pool } from 'pg';
import { createSession, endSession } from '../db/sessions';
import { seedDemoLogins, signIn } from '../db/users';
import { SignInSchema } from './console-schemas';
import type { RouterDeps } from './leads';
import { problem } from './problem';
import { perIpLimit } from './rate-limit';
import { authenticateSession, requireSession, SESSION_COOKIE } from './session-auth';
import { jsonBody } from './validate';

export function sessionRouter(deps: RouterDeps): Router {
  const router = Router();
  const { config, pool } = deps;
  const cookieOptions = { httpOnly: true, sameSite: 'strict' as const, secure: config.SESSION_COOKIE_SECURE, path: '/' };
  // Made before any key or session is known: the client address's budget alone, on each route (other methods fall through to /v1's).
  const addressBudget = perIpLimit(pool, config);

  router.post('/v1/session', addressBudget, express.json({ limit: '4kb' }), async (req, res) => {
    const body = jsonBody(req, SignInSchema);
    const result = await signIn(pool, body.email, body.password, {
      maxFailures: config.LOGIN_MAX_FAILURES,
      lockSeconds: config.LOGIN_LOCK_SECONDS,
      maxLockSeconds: config.LOGIN_MAX_LOCK_SECONDS,
      hashCost: config.PASSWORD_HASH_COST,
    });
    if (!result.ok) {
      req.log.info({ locked: result.lockedUntil !== null }, 'sign-in refused');
      if (!result.lockedUntil) throw problem(401, 'The email or password is not right.', { reason: 'bad_credentials' });
      const wait = Math.max(1, Math.ceil((result.lockedUntil.getTime() - Date.now()) / 1000));
      throw problem(429, `Too many failed sign-ins for this email; try again in ${wait} s.`, { reason: 'locked', retryAfterSeconds: wait }, { 'Retry-After': String(wait) });
    }
    const session = await createSession(pool, result.user.userId, config.SESSION_TTL_SECONDS);
    req.log.info({ userId: result.user.userId, role: result.user.role }, 'signed in');
    res.cookie(SESSION_COOKIE, session.token, { ...cookieOptions, maxAge: config.SESSION_TTL_SECONDS * 1000 });
    res.setHeader('Cache-Control', 'no-store');
    const { userId, email, name, role, repId } = result.user;
    res.status(201).json({ user: { userId, email, name, role, repId }, csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() });
  });

  router.get('/v1/session', addressBudget, async (req, res) => {
    const { session } = await requireSession(pool, req);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ user: session.user, csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() });
  });

  router.delete('/v1/session', addressBudget, async (req, res) => {
    const { token } = await authenticateSession(pool, req);
    await endSession(pool, token);
    res.clearCookie(SESSION_COOKIE, cookieOptions);
    res.status(204).end();
  });

  return router;
}

/**
 * A fresh install gets a manager login and one for every demo rep; these are the
 * lines that show their passwords, the one time they are created (null once they
 * exist). The API shows them only to a person at a terminal (api/server.ts).
 */
export async function demoLoginLines(pool: Pool, cost: number): Promise<string[] | null> {
  const logins = await seedDemoLogins(pool, cost);
  if (!logins) return null;
  const width = Math.max(...logins.map((l) => l.email.length));
  return [
    'Demo console logins (created on this first start, shown once) — sign in at /app:',
    ...logins.map((l) => `  ${l.email.padEnd(width)}  ${l.password}   (${l.role}${l.repId ? ` ${l.repId}` : ''})`),
  ];
}
