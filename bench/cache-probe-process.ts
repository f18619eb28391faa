/**
 * A worker for the heap-per-cached-workflow figure, in its own process on its
 * own task queue: `lead` mode is the lead worker as worker/run.ts builds it,
 * `bare` mode the bare workflow's; both with the workflows on the main thread
 * (debugMode) so this isolate's heap is theirs, and a cache big enough for
 * every workflow the bench parks on it. Answers `heap` on stdin with the heap
 * used after a full GC (needs --expose-gc). Prints `ready` once polling.
 */
import { createInterface } from 'node:readline';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { loadConfig } from '../config/config';
import { createPool } from '../db/pool';
import { resolvePayloadKeys } from '../platform/payload-keys';
import { createLeadWorker } from '../worker/create-worker';
import type { BaselineActivities } from './baseline-workflow';

const gc = (globalThis as { gc?: () => void }).gc;

function heapAfterGc() {
  if (!gc) throw new Error('cache-probe-process needs node --expose-gc');
  gc();
  gc();
  const m = process.memoryUsage();
  return { heapUsedKiB: Math.round(m.heapUsed / 1024), rssMiB: Math.round(m.rss / 1048576) };
}

async function createProbeWorker(connection: NativeConnection, taskQueue: string, cacheSize: number) {
  const config = loadConfig();
  if (process.env.BENCH_WORKER_MODE === 'lead') {
    if (!config.DATABASE_URL) throw new Error('DATABASE_URL is required');
    const pool = createPool(config.DATABASE_URL, config.WORKER_MAX_CONCURRENT_ACTIVITIES + 2);
    const worker = await createLeadWorker({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      pool,
      taskQueue,
      workflowBundle: { codePath: config.WORKFLOW_BUNDLE_PATH },
      maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
      maxCachedWorkflows: cacheSize,
      debugMode: true,
      payloadKeys: resolvePayloadKeys(config, 'standalone'),
    });
    return { worker, close: () => pool.end() };
  }
  const activities: BaselineActivities = { noop: async () => undefined };
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue,
    workflowBundle: { codePath: config.WORKFLOW_BUNDLE_PATH },
    activities,
    maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
    maxCachedWorkflows: cacheSize,
    debugMode: true,
  });
  return { worker, close: async () => undefined };
}

async function main(): Promise<void> {
  const address = process.env.BENCH_TEMPORAL_ADDRESS;
  const taskQueue = process.env.BENCH_TASK_QUEUE;
  const cacheSize = Number(process.env.BENCH_CACHE_SIZE);
  if (!address || !taskQueue || !(cacheSize > 0)) throw new Error('cache-probe-process needs BENCH_TEMPORAL_ADDRESS, BENCH_TASK_QUEUE and BENCH_CACHE_SIZE');
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address });
  const { worker, close } = await createProbeWorker(connection, taskQueue, cacheSize);
  const running = worker.run();
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim() === 'heap') process.stdout.write(`${JSON.stringify(heapAfterGc())}\n`);
  });
  process.stdout.write('ready\n');
  await running;
  await close();
  await connection.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
