/** Production worker entrypoint: external Temporal (TEMPORAL_ADDRESS) and Postgres (DATABASE_URL). */
import { loadConfig } from '../config/config';
import { migrate } from '../db/migrate';
import { createPool, poolTimeouts } from '../db/pool';
import { createLogger } from '../platform/logger';
import { resolvePayloadKeys } from '../platform/payload-keys';
import { startWorker } from './run';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL, { component: 'worker' });
  const payloadKeys = resolvePayloadKeys(config, 'standalone');
  if (!config.DATABASE_URL) throw new Error('DATABASE_URL is required to run the worker on its own (`npm start` runs everything with embedded services).');
  const pool = createPool(config.DATABASE_URL, config.WORKER_MAX_CONCURRENT_ACTIVITIES + 2, poolTimeouts(config));
  await migrate(pool);
  // The SDK runtime turns SIGINT/SIGTERM into a graceful worker shutdown.
  const worker = await startWorker(config, { address: config.TEMPORAL_ADDRESS ?? 'localhost:7233', pool, log, payloadKeys });
  await worker.done;
  await pool.end();
  log.info('worker stopped');
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
