import { Connection } from '@temporalio/client';
import { Client } from 'pg';
import { leadSearchAttributes } from '../workflows/search-attributes';
import { runTool } from './go-tools';

export interface PostgresServer {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** The server a PostgreSQL URL points at, for Temporal's databases next to the URL's own. */
export function postgresServerOf(databaseUrl: string): PostgresServer {
  const url = new URL(databaseUrl);
  return { host: url.hostname, port: Number(url.port || 5432), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
}

export interface SchemaSetupOptions {
  sqlTool: string;
  postgres: PostgresServer;
  persistenceDatabase: string;
  visibilityDatabase: string;
  log?: (line: string) => void;
}

async function withClient<T>(postgres: PostgresServer, database: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ ...postgres, database });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** What is already there, so setup is safe to run on every start. */
async function databaseState(postgres: PostgresServer, database: string): Promise<'missing' | 'empty' | 'versioned'> {
  const exists = await withClient(postgres, 'postgres', (c) => c.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]));
  if (exists.rowCount === 0) return 'missing';
  const versioned = await withClient(postgres, database, (c) => c.query("SELECT to_regclass('public.schema_version') IS NOT NULL AS v"));
  return (versioned.rows[0] as { v: boolean }).v ? 'versioned' : 'empty';
}

/**
 * Creates Temporal's persistence and visibility databases with Temporal's own
 * schema tool and brings both to this release's schema: create-database and
 * setup-schema only when missing, update-schema always (a no-op when current,
 * the upgrade step after a server upgrade).
 */
export async function setupTemporalDatabases(options: SchemaSetupOptions): Promise<void> {
  const log = options.log ?? (() => undefined);
  const { host, port, user, password } = options.postgres;
  const env = { ...process.env, SQL_PASSWORD: password };
  for (const [database, schema] of [
    [options.persistenceDatabase, 'temporal'],
    [options.visibilityDatabase, 'visibility'],
  ] as const) {
    const sql = (...args: string[]) =>
      runTool(options.sqlTool, ['--plugin', 'postgres12', '--ep', host, '-p', String(port), '-u', user, '--db', database, ...args], env, { quiet: true });
    const state = await databaseState(options.postgres, database);
    if (state === 'missing') await sql('create-database');
    if (state !== 'versioned') await sql('setup-schema', '-v', '0.0');
    // The schema files are embedded in the tool, so they always match its release.
    await sql('update-schema', '--schema-name', `postgresql/v12/${schema}`);
    log(`Temporal ${schema} database ${database}: ${state === 'versioned' ? 'schema up to date' : 'created'}`);
  }
}

/** temporal.api.enums.v1.IndexedValueType for the types LeadGate's attributes use. */
const indexedValueTypes = { KEYWORD: 2, INT: 3, DATETIME: 6 } as const;

/** LeadGate's search attributes as the operator API names their types. */
export function leadSearchAttributeTypes(): Array<{ name: string; type: number }> {
  return leadSearchAttributes.map((key) => ({ name: key.name, type: indexedValueTypes[key.type as keyof typeof indexedValueTypes] }));
}

/**
 * Registers the namespace (retention as given) and LeadGate's search
 * attributes, adding only what is missing, so it is safe on every start.
 */
export async function registerNamespace(address: string, namespace: string, retentionDays: number): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const known = await connection.workflowService.listNamespaces({ pageSize: 1000 });
    if (!known.namespaces.some((n) => n.namespaceInfo?.name === namespace)) {
      // protobufjs encodes a plain number into the int64 field; the generated type only names Long.
      const retention = { seconds: retentionDays * 86_400 } as never;
      await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: retention });
    }
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    const existing = customAttributes ?? {};
    const wanted = leadSearchAttributeTypes();
    // A type cannot be changed in place; a wrong one would reject every workflow that sets it.
    const wrong = wanted.filter((key) => key.name in existing && existing[key.name] !== key.type);
    if (wrong.length > 0) throw new Error(`Search attributes registered with another type in ${namespace}: ${wrong.map((k) => k.name).join(', ')}`);
    const missing = wanted.filter((key) => !(key.name in existing));
    if (missing.length === 0) return;
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: Object.fromEntries(missing.map((k) => [k.name, k.type])) });
  } finally {
    await connection.close();
  }
}
