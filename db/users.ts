/**
 * Logins for people: an email, a bcrypt password hash, a role (`rep` bound to a
 * rep id, or `manager`) — the same role and rep binding an API key carries.
 * Sign-in failures are throttled per presented email, known or not.
 */
import { createHash, randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';
import type { Pool } from 'pg';
import { activeDemoReps, seedOnce } from './seed';

export const USER_ROLES = ['rep', 'manager'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export interface User {
  userId: string;
  email: string;
  name: string;
  role: UserRole;
  repId: string | null;
  active: boolean;
  createdAt: string;
}

/** bcrypt reads at most 72 bytes; a longer password would be silently truncated, so it is refused. */
export const PASSWORD_MAX_BYTES = 72;
export const PASSWORD_MIN_LENGTH = 12;

export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    /** The input field at fault, for problem+json `errors`. */
    readonly field: string,
  ) {
    super(message);
  }
}

/** Why a password is not acceptable, or null. */
export function passwordProblem(password: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters`;
  if (Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES) return `Use at most ${PASSWORD_MAX_BYTES} bytes`;
  return null;
}

/** 18 random bytes in base64url: 24 characters, comfortably above the minimum. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

export function hashPassword(password: string, cost: number): Promise<string> {
  return bcrypt.hash(password, cost);
}

interface UserRow {
  user_id: string;
  email: string;
  name: string;
  role: UserRole;
  rep_id: string | null;
  active: boolean;
  created_at: Date;
  password_hash: string;
}

const toUser = (r: UserRow): User => ({
  userId: r.user_id,
  email: r.email,
  name: r.name,
  role: r.role,
  repId: r.rep_id,
  active: r.active,
  createdAt: r.created_at.toISOString(),
});

export interface NewUser {
  email: string;
  name: string;
  role: UserRole;
  repId?: string | null;
  password: string;
  createdBy: string;
}

export async function createUser(pool: Pool, input: NewUser, cost: number): Promise<User> {
  if (!USER_ROLES.includes(input.role)) throw new UserError(`Role must be one of ${USER_ROLES.join(', ')}`, 'role');
  if (input.role === 'rep' && !input.repId) throw new UserError('A rep login needs the rep it acts as', 'repId');
  if (input.role !== 'rep' && input.repId) throw new UserError('Only rep logins are bound to a rep', 'repId');
  const weak = passwordProblem(input.password);
  if (weak) throw new UserError(weak, 'password');
  if (input.repId) {
    const rep = await pool.query('SELECT 1 FROM reps WHERE rep_id = $1 AND active', [input.repId]);
    if (rep.rowCount === 0) throw new UserError(`No active rep "${input.repId}"`, 'repId');
  }
  const hash = await hashPassword(input.password, cost);
  try {
    const { rows } = await pool.query<UserRow>(
      `INSERT INTO users (user_id, email, name, password_hash, role, rep_id, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [`u_${randomBytes(8).toString('hex')}`, input.email, input.name, hash, input.role, input.repId ?? null, input.createdBy],
    );
    return toUser(rows[0]!);
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw new UserError('A login with this email already exists', 'email');
    throw error;
  }
}

export async function listUsers(pool: Pool): Promise<User[]> {
  const { rows } = await pool.query<UserRow>('SELECT * FROM users ORDER BY active DESC, role, lower(email)');
  return rows.map(toUser);
}

export async function findUser(pool: Pool, userId: string): Promise<User | null> {
  const { rows } = await pool.query<UserRow>('SELECT * FROM users WHERE user_id = $1', [userId]);
  return rows[0] ? toUser(rows[0]) : null;
}

/** Deactivates by user id or email and ends every session of the login; false when no active login matched. */
export async function deactivateUser(pool: Pool, idOrEmail: string): Promise<boolean> {
  const { rows } = await pool.query<{ user_id: string }>(
    `UPDATE users SET active = false, deactivated_at = now()
     WHERE (user_id = $1 OR lower(email) = lower($1)) AND active RETURNING user_id`,
    [idOrEmail],
  );
  if (rows.length === 0) return false;
  await pool.query('UPDATE user_sessions SET ended_at = now() WHERE user_id = $1 AND ended_at IS NULL', [rows[0]!.user_id]);
  return true;
}

// ---- sign-in ------------------------------------------------------------------

export interface ThrottlePolicy {
  /** Consecutive failures allowed before the email is locked. */
  maxFailures: number;
  /** The first lock; each further failure doubles it, up to maxLockSeconds. */
  lockSeconds: number;
  maxLockSeconds: number;
  /** The bcrypt cost new passwords are hashed with: an attempt on an unknown email costs the same. */
  hashCost: number;
}

export type SignInResult = { ok: true; user: User } | { ok: false; lockedUntil: Date | null };

const emailHash = (email: string) => createHash('sha256').update(email.trim().toLowerCase(), 'utf8').digest('hex');

// Compared against when the email has no login, so every attempt costs the same bcrypt work.
const noUserHashes = new Map<number, Promise<string>>();
function noUserHash(cost: number): Promise<string> {
  if (!noUserHashes.has(cost)) noUserHashes.set(cost, bcrypt.hash(randomBytes(16).toString('hex'), cost));
  return noUserHashes.get(cost)!;
}

/**
 * Whether login `u` may be used right now: the login is active and, for a rep,
 * so is the rep (as for the rep's API keys) — deactivating the rep locks the
 * console out at once, and reactivating the rep lets the same login back in.
 */
export const LOGIN_USABLE_SQL = 'u.active AND (u.rep_id IS NULL OR EXISTS (SELECT 1 FROM reps r WHERE r.rep_id = u.rep_id AND r.active))';

/**
 * Checks an email and password. A locked email is refused without looking at
 * the password; a failure (unknown email, wrong password, deactivated login or rep)
 * counts against the email and, past the limit, locks it with a doubling backoff.
 */
export async function signIn(pool: Pool, email: string, password: string, policy: ThrottlePolicy): Promise<SignInResult> {
  const key = emailHash(email);
  const throttle = await pool.query<{ locked_until: Date | null }>('SELECT locked_until FROM login_throttle WHERE email_hash = $1', [key]);
  const lockedUntil = throttle.rows[0]?.locked_until ?? null;
  if (lockedUntil && lockedUntil.getTime() > Date.now()) return { ok: false, lockedUntil };
  const { rows } = await pool.query<UserRow & { usable: boolean }>(`SELECT u.*, ${LOGIN_USABLE_SQL} AS usable FROM users u WHERE lower(u.email) = lower($1)`, [email.trim()]);
  const row = rows[0];
  const matches = await bcrypt.compare(password, row?.password_hash ?? (await noUserHash(policy.hashCost)));
  if (row && row.usable && matches) {
    await pool.query('DELETE FROM login_throttle WHERE email_hash = $1', [key]);
    return { ok: true, user: toUser(row) };
  }
  return { ok: false, lockedUntil: await recordFailure(pool, key, policy) };
}

/**
 * Counts a failure; failures older than the longest lock are forgotten, so an
 * occasional typo over months never adds up to a lock. Rows of emails quiet for
 * a day are dropped here, keeping the table as small as the current attacks.
 */
async function recordFailure(pool: Pool, key: string, policy: ThrottlePolicy): Promise<Date | null> {
  await pool.query("DELETE FROM login_throttle WHERE last_failure_at < now() - interval '1 day' AND (locked_until IS NULL OR locked_until < now())");
  const { rows } = await pool.query<{ locked_until: Date | null }>(
    `INSERT INTO login_throttle (email_hash, failures, last_failure_at) VALUES ($1, 1, now())
     ON CONFLICT (email_hash) DO UPDATE SET
       failures = CASE WHEN login_throttle.last_failure_at < now() - make_interval(secs => $4::float8) THEN 1 ELSE login_throttle.failures + 1 END,
       last_failure_at = now()
     RETURNING CASE WHEN failures >= $2
       THEN now() + make_interval(secs => least($4::float8, $3::float8 * power(2, failures - $2)))
       ELSE NULL END AS locked_until`,
    [key, policy.maxFailures, policy.lockSeconds, policy.maxLockSeconds],
  );
  const lockedUntil = rows[0]?.locked_until ?? null;
  if (lockedUntil) await pool.query('UPDATE login_throttle SET locked_until = $2 WHERE email_hash = $1', [key, lockedUntil]);
  return lockedUntil;
}

// ---- demo logins --------------------------------------------------------------

export interface DemoLogin {
  email: string;
  password: string;
  role: UserRole;
  repId: string | null;
}

const DEMO_LOGINS_LOCK = 7_140_221_004;

/**
 * On a database with no logins at all, creates a manager login and a login for
 * every demo rep (whoever a lead routes to can sign in), so a fresh install can
 * be tried in the console at once. Returns them only when it created them (passwords exist nowhere else).
 */
export function seedDemoLogins(pool: Pool, cost: number): Promise<DemoLogin[] | null> {
  return seedOnce(pool, DEMO_LOGINS_LOCK, 'users', async (client) => {
    const reps = await activeDemoReps(client);
    const logins: Array<DemoLogin & { name: string }> = [
      { email: 'manager@leadgate.example', name: 'Demo Manager', role: 'manager', repId: null, password: generatePassword() },
      ...reps.map((r) => ({ email: `${r.rep_id}@leadgate.example`, name: r.name, role: 'rep' as const, repId: r.rep_id, password: generatePassword() })),
    ];
    for (const login of logins) {
      await client.query(
        `INSERT INTO users (user_id, email, name, password_hash, role, rep_id, created_by) VALUES ($1, $2, $3, $4, $5, $6, 'demo seed')`,
        [`u_${randomBytes(8).toString('hex')}`, login.email, login.name, await hashPassword(login.password, cost), login.role, login.repId],
      );
    }
    return logins.map(({ email, password, role, repId }) => ({ email, password, role, repId }));
  });
}
