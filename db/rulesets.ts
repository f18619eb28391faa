import type { Pool } from 'pg';
import { defaultRuleset, parseRuleset, rulesetVersion, type Ruleset } from '../domain';
import { inTransaction } from './tx';

export interface StoredRuleset {
  version: string;
  ruleset: Ruleset;
}

/** Stores a ruleset under its content-derived version (idempotent) and optionally makes it the active one. */
export async function saveRuleset(pool: Pool, ruleset: Ruleset, options: { activate?: boolean } = {}): Promise<string> {
  const version = rulesetVersion(ruleset);
  await inTransaction(pool, async (client) => {
    await client.query('INSERT INTO rulesets (version, content) VALUES ($1, $2) ON CONFLICT (version) DO NOTHING', [version, JSON.stringify(ruleset)]);
    if (!options.activate) return;
    await client.query('UPDATE rulesets SET active = false WHERE active AND version <> $1', [version]);
    await client.query('UPDATE rulesets SET active = true WHERE version = $1', [version]);
  });
  return version;
}

export async function findRuleset(pool: Pool, version: string): Promise<StoredRuleset | null> {
  const { rows } = await pool.query<{ version: string; content: unknown }>('SELECT version, content FROM rulesets WHERE version = $1', [version]);
  const row = rows[0];
  return row ? { version: row.version, ruleset: parseRuleset(row.content) } : null;
}

/** The ruleset new runs use; a fresh database starts with the shipped default. */
export async function activeRuleset(pool: Pool): Promise<StoredRuleset> {
  const { rows } = await pool.query<{ version: string; content: unknown }>('SELECT version, content FROM rulesets WHERE active');
  const row = rows[0];
  if (row) return { version: row.version, ruleset: parseRuleset(row.content) };
  // ON CONFLICT covers a concurrent first start activating it at the same moment.
  await pool.query('INSERT INTO rulesets (version, content, active) VALUES ($1, $2, true) ON CONFLICT DO NOTHING', [
    rulesetVersion(defaultRuleset),
    JSON.stringify(defaultRuleset),
  ]);
  return activeRuleset(pool);
}
