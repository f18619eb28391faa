import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Pool, QueryConfig } from 'pg';
import { projectRoot } from '../platform/project-root';

export interface Migration {
  id: string;
  sql: string;
  checksum: string;
}

// Any constant works; it only has to be the same for every LeadGate process.
const MIGRATION_LOCK_KEY = 7_140_221_001;

export function migrationsDir(): string {
  return path.join(projectRoot(), 'db', 'migrations');
}

export function loadMigrations(dir: string = migrationsDir()): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{3}_[\w-]+\.sql$/.test(file))
    .sort()
    .map((file) => {
      const sql = readFileSync(path.join(dir, file), 'utf8');
      return { id: file.replace(/\.sql$/, ''), sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

async function appliedMigrations(pool: Pool): Promise<Map<string, string>> {
  const { rows } = await pool.query<{ id: string; checksum: string }>('SELECT id, checksum FROM schema_migrations');
  return new Map(rows.map((row) => [row.id, row.checksum]));
}

/** A migration step may wait far longer than the pool's query timeout (pg reads `query_timeout` per query; its types omit it). */
function slowQuery(text: string, values: unknown[] = []): QueryConfig {
  const config = { text, values, query_timeout: 30 * 60_000 };
  return config;
}

/**
 * Applies pending migrations in order, each in its own transaction, under an
 * advisory lock so several workers and APIs starting together apply each once.
 * An edited migration that already ran is refused: schema changes are new files.
 */
export async function migrate(pool: Pool, migrations: Migration[] = loadMigrations()): Promise<string[]> {
  const client = await pool.connect();
  try {
    // Waiting for another process's migrations, or a schema change on a large table, may take longer than any query the application runs.
    await client.query('SET statement_timeout = 0');
    await client.query(slowQuery('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]));
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const applied = await appliedMigrations(pool);
    const ran: string[] = [];
    for (const migration of migrations) {
      const previous = applied.get(migration.id);
      if (previous && previous !== migration.checksum) {
        throw new Error(`Migration ${migration.id} was changed after it was applied; add a new migration instead.`);
      }
      if (previous) continue;
      await client.query('BEGIN');
      try {
        await client.query(slowQuery(migration.sql));
        await client.query('INSERT INTO schema_migrations (id, checksum) VALUES ($1, $2)', [migration.id, migration.checksum]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`Migration ${migration.id} failed: ${(error as Error).message}`);
      }
      ran.push(migration.id);
    }
    return ran;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await client.query('RESET statement_timeout').catch(() => undefined);
    client.release();
  }
}

/** Migrations present in the code but not yet in the database (readiness check). */
export async function pendingMigrations(pool: Pool, migrations: Migration[] = loadMigrations()): Promise<string[]> {
  const exists = await pool.query("SELECT to_regclass('schema_migrations') AS t");
  if (!exists.rows[0]?.t) return migrations.map((m) => m.id);
  const applied = await appliedMigrations(pool);
  return migrations.filter((m) => !applied.has(m.id)).map((m) => m.id);
}
