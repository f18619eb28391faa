import type { Pool, PoolClient } from 'pg';
import { defaultRuleset, parseRuleset, RulesetError, rulesetVersion, type Ruleset } from '../domain';
import { deepFreeze } from '../domain/compiled';
import { inTransaction } from './tx';

export interface StoredRuleset {
  version: string;
  ruleset: Ruleset;
}

/**
 * Stores a ruleset under its content-derived version (idempotent), optionally as
 * the active one. It is validated first, and the stored content again on
 * activation: a ruleset that does not parse never becomes active through here.
 */
async function store(client: PoolClient, ruleset: Ruleset, activate: boolean): Promise<string> {
  const valid = parseRuleset(ruleset);
  const version = rulesetVersion(valid);
  await client.query('INSERT INTO rulesets (version, content) VALUES ($1, $2) ON CONFLICT (version) DO NOTHING', [version, JSON.stringify(valid)]);
  if (!activate) return version;
  // The stored content is what runs will load: check that, not the caller's copy.
  const { rows } = await client.query<{ content: unknown }>('SELECT content FROM rulesets WHERE version = $1 FOR UPDATE', [version]);
  parseRuleset(rows[0]?.content);
  await client.query('UPDATE rulesets SET active = false WHERE active AND version <> $1', [version]);
  await client.query('UPDATE rulesets SET active = true WHERE version = $1', [version]);
  return version;
}

/** Stores a ruleset (see `store`) and optionally makes it the active one. */
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

/** A stored version; throws RulesetError when its content no longer validates. */
export async function findRuleset(pool: Pool, version: string): Promise<StoredRuleset | null> {
  const { rows } = await pool.query<{ version: string; content: unknown }>('SELECT version, content FROM rulesets WHERE version = $1', [version]);
  const row = rows[0];
  return row ? { version: row.version, ruleset: parseRuleset(row.content) } : null;
}

async function activeRow(pool: Pool): Promise<{ version: string; digest: string } | undefined> {
  const { rows } = await pool.query<{ version: string; digest: string }>('SELECT version, digest FROM rulesets WHERE active');
  return rows[0];
}

/**
 * Validated rulesets by version and content digest. A lead loads the active
 * ruleset at every capture and re-engagement: each process reads and validates
 * a version's content once, not once per lead. Content changed behind LeadGate's
 * back (by hand in SQL) has another digest, so it is read and validated again.
 */
const validated = new Map<string, Ruleset>();
const VALIDATED_KEPT = 16;

async function validatedContent(pool: Pool, row: { version: string; digest: string }): Promise<Ruleset> {
  const cached = validated.get(`${row.version}:${row.digest}`);
  if (cached) return cached;
  const { rows } = await pool.query<{ content: unknown; digest: string }>('SELECT content, digest FROM rulesets WHERE version = $1', [row.version]);
  const stored = rows[0];
  if (!stored) throw new RulesetError([{ path: '(root)', message: `ruleset ${row.version} is no longer stored` }]);
  const ruleset = deepFreeze(parseRuleset(stored.content));
  if (validated.size >= VALIDATED_KEPT) validated.delete(validated.keys().next().value!);
  validated.set(`${row.version}:${stored.digest}`, ruleset);
  return ruleset;
}

/** How long a process reuses its read of the active ruleset for the runs it starts (see `rulesetForStarts`). */
const STARTS_READ_MS = 1_000;
const forStarts = new WeakMap<Pool, { at: number; read: Promise<StoredRuleset | null> }>();

/**
 * The active ruleset as the API hands it to the runs it starts, read at most
 * once a second: a run judges its capture by it and its first write checks it
 * is still the one to use (a publication in between costs that capture a second
 * judgement, nothing more). Null when it cannot be read or does not validate:
 * the run then loads one itself, as it always could.
 */
export function rulesetForStarts(pool: Pool): Promise<StoredRuleset | null> {
  const kept = forStarts.get(pool);
  if (kept && Date.now() - kept.at < STARTS_READ_MS) return kept.read;
  const read = activeRuleset(pool).catch(() => null);
  forStarts.set(pool, { at: Date.now(), read });
  return read;
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
  return { version: row.version, ruleset: await validatedContent(pool, row) };
}
