/**
 * `npm start`: the whole LeadGate stack on one machine with embedded defaults —
 * Temporal dev server (persisted under DATA_DIR), PostgreSQL (DATABASE_URL or
 * embedded under DATA_DIR), the worker and the API. Ctrl-C stops all of it.
 */
import path from 'node:path';
import { Runtime } from '@temporalio/worker';
import exitHook from 'async-exit-hook';
import { startApi } from '../api/server';
import { loadConfig, type Config } from '../config/config';
import { migrate } from '../db/migrate';
import { createPool, poolTimeouts } from '../db/pool';
import { seedDemoReps } from '../db/seed';
import { startEmbeddedPostgres } from '../platform/embedded-postgres';
import { embeddedPostgresPassword } from '../platform/embedded-postgres-password';
import { createLogger, type Logger } from '../platform/logger';
import { resolvePayloadKeys } from '../platform/payload-keys';
import { describeCli, resolveTemporalCli } from '../platform/temporal-cli';
import { startTemporalDevServer } from '../platform/temporal-dev-server';
import { startWorker } from '../worker/run';

type Stop = () => Promise<void>;

async function startTemporal(config: Config, log: Logger, stops: Stop[]): Promise<string> {
  if (config.TEMPORAL_ADDRESS) return config.TEMPORAL_ADDRESS;
  const cli = await resolveTemporalCli({ log: (line) => log.info(line) });
  log.info({ cli: describeCli(cli) }, 'starting Temporal dev server');
  const server = await startTemporalDevServer({
    cli,
    dbFile: path.resolve(config.DATA_DIR, 'temporal.db'),
    port: config.TEMPORAL_DEV_PORT,
    uiPort: config.TEMPORAL_UI_PORT,
    namespace: config.TEMPORAL_NAMESPACE,
    readyTimeoutMs: 120_000,
  });
  stops.push(server.stop);
  log.info({ address: server.address, ui: `http://127.0.0.1:${config.TEMPORAL_UI_PORT}` }, 'Temporal ready');
  return server.address;
}

async function startPostgres(config: Config, log: Logger, stops: Stop[]): Promise<string> {
  if (config.DATABASE_URL) return config.DATABASE_URL;
  const dataDir = path.resolve(config.DATA_DIR, 'postgres');
  const pg = await startEmbeddedPostgres({
    dataDir,
    password: embeddedPostgresPassword(dataDir),
    port: config.EMBEDDED_PG_PORT,
    database: 'leadgate',
  });
  stops.push(pg.stop);
  log.info({ port: config.EMBEDDED_PG_PORT }, 'embedded PostgreSQL ready');
  return pg.url;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL, { component: 'stack' });
  // Before anything starts: a production start without keys stops here, naming the variable.
  const payloadKeys = resolvePayloadKeys(config, 'embedded');
  // This process owns shutdown order: API first, then worker, then the services.
  Runtime.install({ shutdownSignals: [] });
  const stops: Stop[] = [];
  let stopping: Promise<void> | undefined;
  const stopAll = () =>
    (stopping ??= (async () => {
      for (const stop of stops.reverse()) await stop().catch((error) => log.error({ err: error }, 'stop failed'));
    })());
  // embedded-postgres stops its cluster on these signals by itself, racing the worker's
  // last writes; take them over (from the first moment, start-up included) so the database goes down last.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    exitHook.unhookEvent(signal);
    process.on(signal, () => {
      log.info({ signal }, 'stopping LeadGate');
      void stopAll().then(() => process.exit(0));
    });
  }
  try {
    const [address, databaseUrl] = await Promise.all([startTemporal(config, log, stops), startPostgres(config, log, stops)]);
    // Worker and API each get their own pool, so a flood of requests never starves the lead writes (or the reverse).
    const workerPool = createPool(databaseUrl, config.WORKER_MAX_CONCURRENT_ACTIVITIES + 2, poolTimeouts(config));
    const apiPool = createPool(databaseUrl, 20, poolTimeouts(config));
    stops.push(() => workerPool.end(), () => apiPool.end());
    await migrate(apiPool);
    if (config.SEED_DEMO_DATA && (await seedDemoReps(apiPool))) log.info('seeded the demo team of reps');
    const worker = await startWorker(config, { address, pool: workerPool, log, payloadKeys });
    stops.push(worker.stop);
    const api = await startApi(config, { address, pool: apiPool, log, payloadKeys });
    stops.push(api.stop);
    log.info({ api: api.url }, `LeadGate is ready: ${api.url}/readyz`);
  } catch (error) {
    await stopAll();
    throw error;
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
