/**
 * API keys: a role (`intake`, `rep` bound to a rep id, `manager`), stored as
 * the SHA-256 of a high-entropy random key (never the key itself), compared in
 * constant time, revoked by setting `revoked_at`.
 *
 * A key reads `lg_<keyId>_<secret>`: the key id is public (it names the key in
 * logs and in `keys revoke`), the secret is 32 random bytes.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Pool } from 'pg';
import { activeDemoReps, seedOnce } from './seed';

export const API_ROLES = ['intake', 'rep', 'manager'] as const;
export type ApiRole = (typeof API_ROLES)[number];

export interface Principal {
  keyId: string;
  role: ApiRole;
  /** Set for `rep` keys: the rep the key acts as. */
  repId: string | null;
}

export interface CreatedKey {
  keyId: string;
  /** The only time the full key exists outside the caller: it is not stored. */
  key: string;
}

const KEY_SHAPE = /^lg_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The key id embedded in a presented key, or null when it does not have a key's shape. */
export function keyIdOf(key: string): string | null {
  return KEY_SHAPE.exec(key)?.[1] ?? null;
}

export function generateKey(): CreatedKey {
  const keyId = randomBytes(8).toString('hex');
  return { keyId, key: `lg_${keyId}_${randomBytes(32).toString('base64url')}` };
}

export class ApiKeyError extends Error {
  override readonly name = 'ApiKeyError';
}

export async function createApiKey(pool: Pool, input: { role: ApiRole; repId?: string | null; label?: string | null }): Promise<CreatedKey> {
  if (!API_ROLES.includes(input.role)) throw new ApiKeyError(`Unknown role "${input.role}": use ${API_ROLES.join(', ')}`);
  if (input.role === 'rep' && !input.repId) throw new ApiKeyError('A rep key needs the rep it acts as (--rep <repId>)');
  if (input.role !== 'rep' && input.repId) throw new ApiKeyError('Only rep keys are bound to a rep');
  if (input.repId) {
    const rep = await pool.query('SELECT 1 FROM reps WHERE rep_id = $1', [input.repId]);
    if (rep.rowCount === 0) throw new ApiKeyError(`No rep "${input.repId}": add it first (npm run reps -- add --id ${input.repId} --team <team>)`);
  }
  const created = generateKey();
  await pool.query('INSERT INTO api_keys (key_id, key_hash, role, rep_id, label) VALUES ($1, $2, $3, $4, $5)', [
    created.keyId, hashKey(created.key), input.role, input.repId ?? null, input.label ?? null,
  ]);
  return created;
}

/** Revokes by key id (or by the full key); returns false when no such live key exists. */
export async function revokeApiKey(pool: Pool, keyIdOrKey: string): Promise<boolean> {
  const keyId = keyIdOf(keyIdOrKey) ?? keyIdOrKey;
  const { rowCount } = await pool.query('UPDATE api_keys SET revoked_at = now() WHERE key_id = $1 AND revoked_at IS NULL', [keyId]);
  return (rowCount ?? 0) > 0;
}

// Compared against when the key id is unknown, so every lookup does the same work.
const UNKNOWN_KEY_HASH = hashKey('lg_unknown');

/**
 * The principal a presented key stands for; null when it is malformed, unknown,
 * revoked, or a rep key whose rep has been deactivated.
 */
export async function authenticateKey(pool: Pool, presented: string): Promise<Principal | null> {
  const keyId = keyIdOf(presented);
  if (!keyId) return null;
  const { rows } = await pool.query<{ key_hash: string; role: ApiRole; rep_id: string | null; revoked_at: Date | null; rep_active: boolean | null }>(
    `SELECT k.key_hash, k.role, k.rep_id, k.revoked_at, r.active AS rep_active
     FROM api_keys k LEFT JOIN reps r ON r.rep_id = k.rep_id WHERE k.key_id = $1`,
    [keyId],
  );
  const row = rows[0];
  const expected = Buffer.from(row?.key_hash ?? UNKNOWN_KEY_HASH, 'hex');
  const actual = Buffer.from(hashKey(presented), 'hex');
  const matches = timingSafeEqual(expected, actual);
  if (!row || !matches || row.revoked_at) return null;
  if (row.role === 'rep' && row.rep_active !== true) return null;
  return { keyId, role: row.role, repId: row.rep_id };
}

export interface ApiKeyInfo {
  keyId: string;
  role: ApiRole;
  repId: string | null;
  label: string | null;
  createdAt: Date;
  revokedAt: Date | null;
}

export async function listApiKeys(pool: Pool): Promise<ApiKeyInfo[]> {
  const { rows } = await pool.query('SELECT key_id, role, rep_id, label, created_at, revoked_at FROM api_keys ORDER BY created_at, key_id');
  return rows.map((r) => ({ keyId: r.key_id, role: r.role, repId: r.rep_id, label: r.label, createdAt: r.created_at, revokedAt: r.revoked_at }));
}

export interface DemoKeys {
  intake: string;
  manager: string;
  rep: { repId: string; key: string } | null;
}

// Any constant works; it only has to be the same for every API process.
const DEMO_KEYS_LOCK = 7_140_221_002;

/**
 * On a database with no API keys at all, creates an intake key, a manager key
 * and a key for the first demo rep, so a fresh install is usable at once.
 * Returns them only when it created them (under a lock, so two starting APIs create one set).
 */
export function seedDemoKeys(pool: Pool): Promise<DemoKeys | null> {
  return seedOnce(pool, DEMO_KEYS_LOCK, 'api_keys', async (client) => {
    const repId = (await activeDemoReps(client))[0]?.rep_id ?? null;
    const keys: Array<[ApiRole, string | null, CreatedKey]> = [
      ['intake', null, generateKey()],
      ['manager', null, generateKey()],
      ...(repId ? [['rep', repId, generateKey()] as [ApiRole, string, CreatedKey]] : []),
    ];
    for (const [role, boundRep, created] of keys) {
      await client.query('INSERT INTO api_keys (key_id, key_hash, role, rep_id, label) VALUES ($1, $2, $3, $4, $5)', [
        created.keyId, hashKey(created.key), role, boundRep, `demo ${role}`,
      ]);
    }
    const [intake, manager, repKey] = keys;
    return { intake: intake![2].key, manager: manager![2].key, rep: repKey && repId ? { repId, key: repKey[2].key } : null };
  });
}
