/**
 * Cookie sessions on /v1: a console session stands for the same principal an
 * API key would (role, rep id), so every router works unchanged. Calls that
 * change state must echo the session's CSRF token in `X-CSRF-Token`.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import type { Pool } from 'pg';
import { findSession, type ActiveSession } from '../db/sessions';
import { problem } from './problem';

export const SESSION_COOKIE = 'lg_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** One cookie's value from the Cookie header; undefined when absent. */
export function cookieValue(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The live session behind the request's cookie, or a 401 saying to sign in again. */
export async function requireSession(pool: Pool, req: Request): Promise<{ session: ActiveSession; token: string }> {
  const token = cookieValue(req, SESSION_COOKIE);
  const session = token ? await findSession(pool, token) : null;
  if (!token || !session) throw problem(401, 'Your session has ended or is not valid; sign in again.', { reason: 'session_ended' });
  return { session, token };
}

/** Authenticates by session cookie; state-changing methods also need the CSRF token. */
export async function authenticateSession(pool: Pool, req: Request): Promise<{ session: ActiveSession; token: string }> {
  const { session, token } = await requireSession(pool, req);
  if (!SAFE_METHODS.has(req.method)) {
    const presented = req.get(CSRF_HEADER);
    if (!presented || !sameToken(presented, session.csrfToken)) {
      throw problem(403, 'This change needs the session\'s CSRF token in the X-CSRF-Token header.', { reason: 'csrf' });
    }
  }
  req.principal = session.principal;
  req.log = req.log.child({ keyId: session.principal.keyId, role: session.principal.role });
  return { session, token };
}
