/**
 * Server-side sessions for people signed in to the console. The cookie holds a
 * random token; the database holds only its SHA-256, the login it belongs to,
 * its expiry and the CSRF token state-changing calls must echo.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import type { Principal } from './api-keys';
import { LOGIN_USABLE_SQL, type User } from './users';

export interface CreatedSession {
  /** The cookie value: exists only in the browser once the response is sent. */
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

export interface ActiveSession {
  principal: Principal;
  user: Pick<User, 'userId' | 'email' | 'name' | 'role' | 'repId'>;
  csrfToken: string;
  expiresAt: Date;
}

const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** How a session names its caller in logs and in key-scoped namespaces (idempotency keys, rate limits). */
export const sessionKeyId = (userId: string) => `session:${userId}`;

export async function createSession(pool: Pool, userId: string, ttlSeconds: number): Promise<CreatedSession> {
  // Sessions over for a day are of no further use: each sign-in clears its own login's.
  await pool.query("DELETE FROM user_sessions WHERE user_id = $1 AND least(expires_at, coalesce(ended_at, expires_at)) < now() - interval '1 day'", [userId]);
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const { rows } = await pool.query<{ expires_at: Date }>(
    `INSERT INTO user_sessions (session_hash, user_id, csrf_token, expires_at)
     VALUES ($1, $2, $3, now() + make_interval(secs => $4)) RETURNING expires_at`,
    [hashToken(token), userId, csrfToken, ttlSeconds],
  );
  return { token, csrfToken, expiresAt: rows[0]!.expires_at };
}

/** The session a cookie value stands for; null when it is malformed, unknown, ended, expired or its login (or its rep) is deactivated. */
export async function findSession(pool: Pool, token: string): Promise<ActiveSession | null> {
  if (!TOKEN_SHAPE.test(token)) return null;
  const { rows } = await pool.query<{ user_id: string; email: string; name: string; role: 'rep' | 'manager'; rep_id: string | null; csrf_token: string; expires_at: Date }>(
    `SELECT u.user_id, u.email, u.name, u.role, u.rep_id, s.csrf_token, s.expires_at
     FROM user_sessions s JOIN users u USING (user_id)
     WHERE s.session_hash = $1 AND s.ended_at IS NULL AND s.expires_at > now() AND ${LOGIN_USABLE_SQL}`,
    [hashToken(token)],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    principal: { keyId: sessionKeyId(r.user_id), role: r.role, repId: r.rep_id },
    user: { userId: r.user_id, email: r.email, name: r.name, role: r.role, repId: r.rep_id },
    csrfToken: r.csrf_token,
    expiresAt: r.expires_at,
  };
}

export async function endSession(pool: Pool, token: string): Promise<void> {
  await pool.query('UPDATE user_sessions SET ended_at = now() WHERE session_hash = $1 AND ended_at IS NULL', [hashToken(token)]);
}
