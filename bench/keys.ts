/**
 * API keys for the bench: one intake key and a rep key per rep, made with the
 * project's key helper (db/api-keys.ts) in the bench's own database. Loaded at
 * run time, so the bench still runs (over the Temporal client) on a tree
 * without that helper.
 */
import path from 'node:path';
import type { Pool } from 'pg';
import type { ApiKeys } from './gateway';

interface KeyHelper {
  createApiKey(pool: Pool, input: { role: 'intake' | 'rep' | 'manager'; repId?: string | null; label?: string | null }): Promise<{ key: string }>;
}

function loadHelper(): KeyHelper | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const helper = require(path.join(__dirname, '..', 'db', 'api-keys')) as Partial<KeyHelper>;
    return typeof helper.createApiKey === 'function' ? (helper as KeyHelper) : null;
  } catch {
    return null;
  }
}

export async function provisionApiKeys(pool: Pool): Promise<ApiKeys | null> {
  const helper = loadHelper();
  if (!helper) return null;
  const intake = (await helper.createApiKey(pool, { role: 'intake', label: 'bench' })).key;
  const { rows } = await pool.query<{ rep_id: string }>('SELECT rep_id FROM reps WHERE active');
  const rep = new Map<string, string>();
  for (const { rep_id } of rows) rep.set(rep_id, (await helper.createApiKey(pool, { role: 'rep', repId: rep_id, label: 'bench' })).key);
  return { intake, rep };
}
