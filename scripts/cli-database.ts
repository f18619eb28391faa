/**
 * The database a command-line tool (keys, reps) works on: DATABASE_URL when set;
 * otherwise the embedded PostgreSQL under DATA_DIR — reached over its port when
 * `npm start` is running (the data folder can be opened by one server only),
 * started here for the duration of the command when it is not.
 */
import path from 'node:path';
import { Client } from 'pg';
import type { Pool } from 'pg';
import { loadConfig, type Config } from '../config/config';
import { migrate } from '../db/migrate';
import { createPool } from '../db/pool';
import { seedDemoReps } from '../db/seed';
import { embeddedPostgresUrl, startEmbeddedPostgres } from '../platform/embedded-postgres';
import { embeddedPostgresPassword } from '../platform/embedded-postgres-password';

export interface CliDatabase {
  pool: Pool;
  /** Where the command connected, for messages on stderr. */
  where: string;
  close(): Promise<void>;
}

const EMBEDDED_DATABASE = 'leadgate';

/** True when a server answers on the URL; false only when nothing listens there. */
async function answers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    return true;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ECONNREFUSED') return false;
    throw new Error(`PostgreSQL on ${new URL(url).host} refused the LeadGate credentials: ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function ready(url: string, config: Config): Promise<Pool> {
  const pool = createPool(url, 2);
  try {
    await migrate(pool);
    // The same first-start seeding as `npm start`, so a tool run first leaves the install just as usable.
    if (config.SEED_DEMO_DATA) await seedDemoReps(pool);
    return pool;
  } catch (error) {
    await pool.end();
    throw error;
  }
}

export async function openCliDatabase(config: Config): Promise<CliDatabase> {
  if (config.DATABASE_URL) {
    const pool = await ready(config.DATABASE_URL, config);
    return { pool, where: 'DATABASE_URL', close: () => pool.end() };
  }
  const dataDir = path.resolve(config.DATA_DIR, 'postgres');
  const password = embeddedPostgresPassword(dataDir);
  const url = embeddedPostgresUrl(config.EMBEDDED_PG_PORT, EMBEDDED_DATABASE, password);
  if (await answers(url)) {
    const pool = await ready(url, config);
    return { pool, where: `running embedded PostgreSQL on port ${config.EMBEDDED_PG_PORT}`, close: () => pool.end() };
  }
  const pg = await startEmbeddedPostgres({ dataDir, port: config.EMBEDDED_PG_PORT, database: EMBEDDED_DATABASE, password });
  try {
    const pool = await ready(pg.url, config);
    return {
      pool,
      where: `embedded PostgreSQL under ${dataDir}`,
      async close() {
        await pool.end();
        await pg.stop();
      },
    };
  } catch (error) {
    await pg.stop();
    throw error;
  }
}

/** Parses `--name value` and `--flag` arguments; positional ones are returned in order. */
/** Opens the database for one command and always closes it (and an embedded server it started). */
export async function withCliDatabase<T>(fn: (db: CliDatabase) => Promise<T>): Promise<T> {
  const db = await openCliDatabase(loadConfig());
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

export function parseArgs(argv: string[], flags: readonly string[] = []): { options: Map<string, string | true>; positional: string[] } {
  const options = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (inline !== undefined) options.set(name, inline);
    else if (flags.includes(name)) options.set(name, true);
    else {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      options.set(name, value);
      i++;
    }
  }
  return { options, positional };
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Runs a tool: only its result goes to stdout; messages and errors go to stderr with a non-zero exit code. */
export function runCli(usage: string, main: () => Promise<void>): void {
  // A reader that stops early (`| head`) is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`${message}\n`);
      if (error instanceof UsageError) process.stderr.write(`\n${usage}\n`);
      process.exit(error instanceof UsageError ? 2 : 1);
    },
  );
}
