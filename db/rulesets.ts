import type { Pool } from 'pg';
import { defaultRuleset, parseRuleset, rulesetVersion, type Ruleset } from '../domain';
import { inTransaction } from './tx';

export interface StoredRuleset {
  version: string;
  ruleset: Ruleset;
}

/**
 * Stores a ruleset under its content-derived version (idempotent) and optionally
 * makes it the active one. It is validated first: a ruleset that does not parse
 * is never stored, so it can never become active through here.
 */
export async function saveRuleset(pool: Pool, ruleset: Ruleset, options: { activate?: boolean } = {}): Promise<string> {
  const valid = parseRuleset(ruleset);
  const version = rulesetVersion(valid);
  await inTransaction(pool, async (client) => {
    await client.query('INSERT INTO rulesets (version, content) VALUES ($1, $2) ON CONFLICT (version) DO NOTHING', [version, JSON.stringify(valid)]);
    if (!options.activate) return;
    // The stored content is what runs will load: check that, not the caller's copy.
    const { rows } = await client.query<{ content: unknown }>('SELECT content FROM rulesets WHERE version = $1 FOR UPDATE', [version]);
    parseRuleset(rows[0]?.content);
    await client.query('UPDATE rulesets SET active = false WHERE active AND version <> $1', [version]);
    await client.query('UPDATE rulesets SET active = true WHERE version = $1', [version]);
  });
  return version;
}

/** A stored version; throws RulesetError when its content no longer validates. */
export async function findRuleset(pool: Pool, version: string): Promise<StoredRuleset | null> {
  const { rows } = await pool.query<{ version: string; content: unknown }>('SELECT version, content FROM rulesets WHERE version = $1', [version]);
  const row = rows[0];
  return row ? { version: row.version, ruleset: parseRuleset(row.content) } : null;
}

async function activeRow(pool: Pool): Promise<{ version: string; content: unknown } | undefined> {
  const { rows } = await pool.query<{ version: string; content: unknown }>('SELECT version, content FROM rulesets WHERE active');
  return rows[0];
}

/**
 * The ruleset new runs use; a fresh database starts with the shipped default.
 * Throws RulesetError when the active row does not validate (written around
 * saveRuleset, e.g. by hand in SQL): the caller decides what a lead does then.
 */
export async function activeRuleset(pool: Pool): Promise<StoredRuleset> {
  let row = await activeRow(pool);
  if (!row) {
    // ON CONFLICT covers a concurrent first start (or another activation) at the same moment; either way one row is active after it.
    await pool.query('INSERT INTO rulesets (version, content, active) VALUES ($1, $2, true) ON CONFLICT DO NOTHING', [
      rulesetVersion(defaultRuleset),
      JSON.stringify(defaultRuleset),
    ]);
    row = await activeRow(pool);
  }
  // Still none: the default was stored before and someone deactivated everything since. New runs use it without activating anything.
  if (!row) return { version: rulesetVersion(defaultRuleset), ruleset: defaultRuleset };
  return { version: row.version, ruleset: parseRuleset(row.content) };
}
