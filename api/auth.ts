/**
 * `Authorization: Bearer <api key>` (or a console session cookie) on every /v1 route. 401 when the key is
 * missing, malformed, unknown or revoked (the same answer for all four, so a
 * caller learns nothing about which keys exist); 403 when the key's role may
 * not call the route.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Pool } from 'pg';
import { LEAD_ACTIONS, type LeadActionName } from '../domain/actions';
import { authenticateKey, type ApiRole, type Principal } from '../db/api-keys';
import { leadNotFound, problem } from './problem';
import { authenticateSession, cookieValue, SESSION_COOKIE } from './session-auth';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="leadgate"' };

/**
 * Who the request is from, by session cookie or API key, set on `req.principal`;
 * throws the 401 (or the session's 403) when it is from no one this API knows.
 */
export async function identify(pool: Pool, req: Request): Promise<void> {
  const header = req.get('authorization');
  // People in the console carry a session cookie; machines send a key.
  if (!header && cookieValue(req, SESSION_COOKIE) !== undefined) {
    await authenticateSession(pool, req);
    return;
  }
  if (!header) throw problem(401, 'Send an API key: Authorization: Bearer <key>.', {}, CHALLENGE);
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw problem(401, 'The Authorization header must read "Bearer <key>".', {}, CHALLENGE);
  const principal = await authenticateKey(pool, match[1]!);
  if (!principal) throw problem(401, 'The API key is not valid (unknown or revoked).', {}, { 'WWW-Authenticate': 'Bearer realm="leadgate", error="invalid_token"' });
  req.principal = principal;
  req.log = req.log.child({ keyId: principal.keyId, role: principal.role });
}

/** `identify` as a middleware, for routes outside the request budgets (metrics on the API port). */
export function authenticate(pool: Pool): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    await identify(pool, req);
    next();
  };
}

/** The authenticated caller; only reachable behind `authenticate`. */
export function principalOf(req: Request): Principal {
  if (!req.principal) throw problem(401, 'Send an API key: Authorization: Bearer <key>.', {}, CHALLENGE);
  return req.principal;
}

export function requireRole(...roles: ApiRole[]): RequestHandler {
  return (req, _res, next) => {
    const principal = principalOf(req);
    if (!roles.includes(principal.role)) {
      throw problem(403, `This action needs a ${roles.join(' or ')} key; this key's role is ${principal.role}.`);
    }
    next();
  };
}

/** The role guard of a lead action route: the roles come from the lead actions table, as the workflow's validators read them. */
export function requireActionRole(action: LeadActionName): RequestHandler {
  const { roles } = LEAD_ACTIONS[action];
  return (req, _res, next) => {
    const principal = principalOf(req);
    if (!(roles as readonly ApiRole[]).includes(principal.role)) {
      throw problem(403, `This action needs a ${roles.join(' or ')} key; this key's role is ${principal.role}.`, { reason: 'forbidden_role' });
    }
    next();
  };
}

/**
 * Reps act on (and see) the leads they own only; managers on all; other roles
 * never pass. Someone else's lead is answered exactly like a missing one, so a
 * rep key cannot tell which leads exist.
 */
export function assertCanActOn(principal: Principal, owner: string | null): void {
  if (principal.role === 'manager') return;
  if (principal.role === 'rep' && principal.repId !== null && principal.repId === owner) return;
  throw leadNotFound();
}

/** How the workflow's audit trail names the caller. */
export function actorOf(principal: Principal): { role: 'rep' | 'manager'; repId?: string } {
  if (principal.role === 'manager') return { role: 'manager' };
  return { role: 'rep', ...(principal.repId ? { repId: principal.repId } : {}) };
}
