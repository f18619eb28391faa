/** The API in its own process (the production wiring of api/main.ts), so its RSS is its own. Prints `ready <url>`. */
import { loadConfig } from '../config/config';
import { createPool } from '../db/pool';
import { createLogger } from '../platform/logger';
import { resolvePayloadKeys } from '../platform/payload-keys';
import { startApi, stopOnSignals } from '../api/server';

async function main(): Promise<void> {
  const config = loadConfig();
  const address = process.env.BENCH_TEMPORAL_ADDRESS;
  if (!config.DATABASE_URL || !address) throw new Error('api-process needs DATABASE_URL and BENCH_TEMPORAL_ADDRESS');
  const pool = createPool(config.DATABASE_URL, 20);
  const api = await startApi(config, { address, pool, log: createLogger(config.LOG_LEVEL, { component: 'bench-api' }), payloadKeys: resolvePayloadKeys(config, 'standalone') });
  process.stdout.write(`ready ${api.url}\n`);
  stopOnSignals(api, pool);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
