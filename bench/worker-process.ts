/**
 * A worker in its own process, so its RSS is its own. `lead` mode is the
 * production wiring (worker/run.ts: lead worker + notification dispatcher on
 * the prebuilt bundle); `baseline` mode runs the bare workflow with the same
 * worker settings. Prints `ready` on stdout once polling.
 */
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { loadConfig } from '../config/config';
import { createPool } from '../db/pool';
import { leadDataConverter } from '../platform/data-converter';
import { createLogger } from '../platform/logger';
import { resolvePayloadKeys } from '../platform/payload-keys';
import { connectTemporalWorker } from '../platform/temporal-connection';
import { startWorker } from '../worker/run';
import type { BaselineActivities } from './baseline-workflow';

async function main(): Promise<void> {
  const mode = process.env.BENCH_WORKER_MODE;
  const address = process.env.BENCH_TEMPORAL_ADDRESS;
  if (!address || (mode !== 'lead' && mode !== 'baseline')) throw new Error('worker-process needs BENCH_WORKER_MODE and BENCH_TEMPORAL_ADDRESS');
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const config = loadConfig();
  if (mode === 'lead') {
    if (!config.DATABASE_URL) throw new Error('DATABASE_URL is required');
    const pool = createPool(config.DATABASE_URL, config.WORKER_MAX_CONCURRENT_ACTIVITIES + 2);
    const worker = await startWorker(config, { address, pool, log: createLogger(config.LOG_LEVEL, { component: 'bench-worker' }), payloadKeys: resolvePayloadKeys(config, 'standalone') });
    process.stdout.write('ready\n');
    await worker.done;
    await pool.end();
    return;
  }
  const taskQueue = process.env.BENCH_TASK_QUEUE;
  if (!taskQueue) throw new Error('BENCH_TASK_QUEUE is required');
  const connection = await connectTemporalWorker(config, address);
  const activities: BaselineActivities = { noop: async () => undefined };
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue,
    workflowBundle: { codePath: config.WORKFLOW_BUNDLE_PATH },
    activities,
    // The same settings the lead worker runs with (worker/create-worker.ts, config defaults), encryption included.
    dataConverter: leadDataConverter(resolvePayloadKeys(config, 'standalone')),
    maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
    shutdownGraceTime: '10s',
  });
  const running = worker.run();
  process.stdout.write('ready\n');
  await running;
  await connection.close();
}

// Exit explicitly once shut down, so --cpu-prof profiles are written and nothing lingers.

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
