/**
 * The system under test: Temporal (a fresh dev server on a temp SQLite file,
 * with --cluster the production Temporal server on fresh databases next to
 * LeadGate's on the same PostgreSQL, or TEMPORAL_ADDRESS) and PostgreSQL (embedded in a temp dir, or a fresh database
 * on DATABASE_URL), migrated and seeded with the demo reps, plus the two
 * workflow bundles the worker processes load.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client as TemporalClient } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { Client, type Pool } from 'pg';
import { createFreshDatabase } from '../db/fresh-database';
import { migrate } from '../db/migrate';
import { createPool } from '../db/pool';
import { seedDemoReps } from '../db/seed';
import { startEmbeddedPostgres } from '../platform/embedded-postgres';
import { formatPayloadKeys, generatePayloadKey } from '../platform/payload-keys';
import { connectTemporalClient } from '../platform/temporal-connection';
import { loadConfig } from '../config/config';
import { freePort, freePortBlock } from '../platform/ports';
import { describeCli, resolveTemporalCli } from '../platform/temporal-cli';
import { startTemporalDevServer } from '../platform/temporal-dev-server';
import { postgresServerOf, registerNamespace, setupTemporalDatabases } from '../platform/temporal-schema';
import { resolveTemporalServerTools, startTemporalServer, TEMPORAL_SERVER_VERSION } from '../platform/temporal-server';
import { leadBundleOptions } from '../worker/workflow-bundle';

export interface Stack {
  temporalAddress: string;
  namespace: string;
  databaseUrl: string;
  temporal: TemporalClient;
  pool: Pool;
  leadBundlePath: string;
  baselineBundlePath: string;
  /** LEADGATE_PAYLOAD_KEYS for the worker and API processes: a fresh key per run, as production encrypts every payload. */
  payloadKeys: string;
  describe: { temporal: string; postgres: string };
  stop(): Promise<void>;
}

type Stop = () => Promise<void>;

export interface StackOptions {
  fastStorage: boolean;
  /** The dev server as `start-dev` configures it: 20 task reads a second, four task-queue partitions written (DEV_SERVER_TUNING in platform/temporal-dev-server.ts). */
  stockDevServer?: boolean;
  /** The production Temporal server on PostgreSQL (platform/temporal-server.ts) instead of the dev server. */
  cluster?: boolean;
  log: (line: string) => void;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const stops: Stop[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((error) => options.log(`stop failed: ${String(error)}`));
  };
  const tmp = mkdtempSync(path.join(tmpdir(), 'leadgate-bench-'));
  stops.push(async () => rmSync(tmp, { recursive: true, force: true }));
  const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
  try {
    // Settle all three before going on, so a failure never tears down a start still in progress.
    const postgresStarted = startPostgres(options, stops);
    const temporalStarted = options.cluster && !process.env.TEMPORAL_ADDRESS
      ? postgresStarted.then((pg) => startTemporalServerOn(pg.url, namespace, options, stops))
      : startTemporal(tmp, namespace, options, stops);
    const settled = await Promise.allSettled([temporalStarted, postgresStarted, buildBundles(tmp)]);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const [temporal, postgres, bundles] = settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as [
      Awaited<ReturnType<typeof startTemporal>>,
      Awaited<ReturnType<typeof startPostgres>>,
      Awaited<ReturnType<typeof buildBundles>>,
    ];
    const pool = createPool(postgres.url, 10);
    stops.push(() => pool.end());
    await migrate(pool);
    await seedDemoReps(pool);
    await installStageTrigger(pool);
    const payloadKeys = [generatePayloadKey()];
    // The same connection settings (TLS, API key) and data converter as the API's client.
    const connection = await connectTemporalClient({ ...loadConfig(), TEMPORAL_NAMESPACE: namespace }, temporal.address, payloadKeys);
    stops.push(() => connection.close());
    return {
      temporalAddress: temporal.address,
      namespace,
      databaseUrl: postgres.url,
      temporal: connection.client,
      payloadKeys: formatPayloadKeys(payloadKeys),
      pool,
      ...bundles,
      describe: { temporal: temporal.describe, postgres: postgres.describe },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function startTemporal(tmp: string, namespace: string, options: StackOptions, stops: Stop[]) {
  const external = process.env.TEMPORAL_ADDRESS;
  if (external) return { address: external, describe: `external ${external}` };
  const cli = await resolveTemporalCli({ log: options.log });
  const server = await startTemporalDevServer({
    cli,
    port: await freePort(),
    namespace,
    dbFile: path.join(tmp, 'temporal.db'),
    fastSqlite: options.fastStorage,
    readyTimeoutMs: 120_000,
    stock: options.stockDevServer,
  });
  stops.push(server.stop);
  const reads = options.stockDevServer ? 'stock settings (20 task reads/s, four partitions written)' : 'task reads unthrottled, one task-queue partition written';
  return { address: server.address, describe: `dev server ${describeCli(cli)}, fresh SQLite file${options.fastStorage ? ' (WAL, no fsync)' : ''}, ${reads}` };
}

/** Temporal's two databases on LeadGate's PostgreSQL server, named after the run's database and dropped with it. */
async function startTemporalServerOn(leadgateUrl: string, namespace: string, options: StackOptions, stops: Stop[]) {
  const tools = await resolveTemporalServerTools({ ui: false, log: options.log });
  const postgres = postgresServerOf(leadgateUrl);
  const base = new URL(leadgateUrl).pathname.slice(1);
  const databases = { persistenceDatabase: `${base}_temporal`, visibilityDatabase: `${base}_temporal_visibility` };
  if (process.env.DATABASE_URL) stops.push(() => dropDatabases(process.env.DATABASE_URL!, Object.values(databases)));
  await setupTemporalDatabases({ sqlTool: tools.sql, postgres, ...databases });
  const historyShards = 4;
  const server = await startTemporalServer({ binary: tools.server, postgres, ...databases, port: await freePortBlock(10), historyShards });
  stops.push(server.stop);
  await registerNamespace(server.address, namespace, 1);
  return { address: server.address, describe: `Temporal server ${TEMPORAL_SERVER_VERSION} (${historyShards} history shards) on fresh databases in LeadGate's PostgreSQL` };
}

async function dropDatabases(serverUrl: string, names: string[]): Promise<void> {
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    for (const name of names) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

async function startPostgres(options: { fastStorage: boolean }, stops: Stop[]) {
  const external = process.env.DATABASE_URL;
  if (external) {
    // A fresh database on the given server, dropped afterwards: the run starts empty and leaves others alone.
    const db = await createFreshDatabase(external, 'leadgate_bench');
    stops.push(db.drop);
    return { url: db.url, describe: `external server, fresh database ${db.name}` };
  }
  // Its own temp dir (not inside another): as root, PostgreSQL runs as a separate user that must reach it.
  const dataDir = mkdtempSync(path.join(tmpdir(), 'leadgate-bench-pg-'));
  stops.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  const pg = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'leadgate_bench', fast: options.fastStorage });
  stops.push(pg.stop);
  return { url: pg.url, describe: `embedded in a temp dir${options.fastStorage ? ' (fsync off)' : ''}` };
}

async function buildBundles(tmp: string) {
  const logger = new DefaultLogger('WARN');
  const [lead, baseline] = await Promise.all([
    bundleWorkflowCode({ ...leadBundleOptions(), logger }),
    bundleWorkflowCode({ workflowsPath: path.join(__dirname, 'baseline-workflow.ts'), logger }),
  ]);
  const leadBundlePath = path.join(tmp, 'lead-bundle.js');
  const baselineBundlePath = path.join(tmp, 'baseline-bundle.js');
  writeFileSync(leadBundlePath, lead.code);
  writeFileSync(baselineBundlePath, baseline.code);
  return { leadBundlePath, baselineBundlePath };
}

/**
 * The benchmark's own observer in its own database: every write of a lead's
 * stage is announced with NOTIFY, so "routed" is timed when it commits rather
 * than by polling.
 */
async function installStageTrigger(pool: Pool): Promise<void> {
  await pool.query(`
    CREATE OR REPLACE FUNCTION bench_lead_stage() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('bench_lead_stage', NEW.lead_id || '|' || NEW.stage || '|' || coalesce(NEW.owner_rep_id, ''));
      RETURN NULL;
    END $$;
    DROP TRIGGER IF EXISTS bench_lead_stage ON leads;
    CREATE TRIGGER bench_lead_stage AFTER INSERT OR UPDATE ON leads FOR EACH ROW EXECUTE FUNCTION bench_lead_stage();
  `);
}
