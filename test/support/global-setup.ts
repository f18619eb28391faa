import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createFreshDatabase } from '../../db/fresh-database';
import { createPool } from '../../db/pool';
import { migrate } from '../../db/migrate';
import { startEmbeddedPostgres } from '../../platform/embedded-postgres';
import { freePort } from '../../platform/ports';
import { resolveTemporalCli } from '../../platform/temporal-cli';
import { startTemporalDevServer } from '../../platform/temporal-dev-server';
import { publishTestServices } from './services';

type Stop = () => Promise<void>;
const stops: Stop[] = [];
(globalThis as { __leadgateStops?: Stop[] }).__leadgateStops = stops;

async function startTemporal(): Promise<string> {
  if (process.env.TEMPORAL_ADDRESS) return process.env.TEMPORAL_ADDRESS;
  const cli = await resolveTemporalCli();
  const server = await startTemporalDevServer({ cli, port: await freePort(), namespace: 'default', readyTimeoutMs: 120_000 });
  stops.push(server.stop);
  return server.address;
}

async function startPostgres(): Promise<string> {
  if (process.env.DATABASE_URL) {
    const db = await createFreshDatabase(process.env.DATABASE_URL, 'leadgate_test');
    stops.push(db.drop);
    return db.url;
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'leadgate-test-pg-'));
  const pg = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'leadgate_test', fast: true });
  stops.push(async () => {
    await pg.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return pg.url;
}

export default async function globalSetup(): Promise<void> {
  const [temporalAddress, databaseUrl] = await Promise.all([startTemporal(), startPostgres()]);
  const pool = createPool(databaseUrl, 2);
  await migrate(pool);
  await pool.end();
  publishTestServices({ temporalAddress, databaseUrl });
}
