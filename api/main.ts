/** Production API entrypoint: external Temporal (TEMPORAL_ADDRESS) and Postgres (DATABASE_URL). */
import { loadConfig } from '../config/config';
import { migrate } from '../db/migrate';
import { createPool, poolTimeouts } from '../db/pool';
import { createLogger } from '../platform/logger';
import { resolvePayloadKeys } from '../platform/payload-keys';
import { startApi, stopOnSignals } from './server';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL, { component: 'api' });
  const payloadKeys = resolvePayloadKeys(config, 'standalone');
  if (!config.DATABASE_URL) throw new Error('DATABASE_URL is required to run the API on its own (`npm start` runs everything with embedded services).');
  const pool = createPool(config.DATABASE_URL, 20, poolTimeouts(config));
  await migrate(pool);
  const api = await startApi(config, { address: config.TEMPORAL_ADDRESS ?? 'localhost:7233', pool, log, payloadKeys });
  stopOnSignals(api, pool);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
