import type { Pool, PoolClient } from 'pg';
import { defaultRuleset, parseRuleset, rulesetVersion, type Ruleset } from '../domain';
import { inTransaction } from './tx';

export interface StoredRuleset {
  version: string;
  ruleset: Ruleset;
}

async function store(client: PoolClient, ruleset: Ruleset, activate: boolean): Promise<string> {
  const version = rulesetVersion(ruleset);
  await client.query('INSERT INTO rulesets (version, content) VALUES ($1, $2) ON CONFLICT (version) DO NOTHING', [version, JSON.stringify(ruleset)]);
  if (!activate) return version;
  await client.query('UPDATE rulesets SET active = false WHERE active AND version <> $1', [version]);
  await client.query('UPDATE rulesets SET active = true WHERE version = $1', [version]);
  return version;
}

/** Stores a ruleset under its content-derived version (idempotent) and optionally makes it the active one. */
export function saveRuleset(pool: Pool, ruleset: Ruleset, options: { activate?: boolean } = {}): Promise<string> {
  return inTransaction(pool, (client) => store(client, ruleset, options.activate ?? false));
}

export interface Publication {
  version: string;
  /** The key id, or `session:<userId>` for a person signed in to the console. */
  publishedBy: string;
  publishedAt: string;
}

/**
 * Makes a ruleset the active one and records who published it, in one
 * transaction. Runs already going keep the version they loaded; new cycles load this one.
 */
export function publishRuleset(pool: Pool, ruleset: Ruleset, publishedBy: string): Promise<Publication> {
  return inTransaction(pool, async (client) => {
    const version = await store(client, ruleset, true);
    const { rows } = await client.query<{ published_at: Date }>(
      'INSERT INTO ruleset_publications (version, published_by) VALUES ($1, $2) RETURNING published_at',
      [version, publishedBy],
    );
    return { version, publishedBy, publishedAt: rows[0]!.published_at.toISOString() };
  });
}

/** The most recent publications, newest first; a console login is also named by its email. */
export async function listPublications(pool: Pool, limit = 20): Promise<Array<Publication & { publisherEmail: string | null }>> {
  const { rows } = await pool.query<{ version: string; published_by: string; published_at: Date; email: string | null }>(
    `SELECT p.version, p.published_by, p.published_at, u.email
     FROM ruleset_publications p LEFT JOIN users u ON p.published_by = 'session:' || u.user_id
     ORDER BY p.published_at DESC, p.id DESC LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({ version: r.version, publishedBy: r.published_by, publishedAt: r.published_at.toISOString(), publisherEmail: r.email }));
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
