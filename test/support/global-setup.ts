import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createFreshDatabase } from '../../db/fresh-database';
import { createPool } from '../../db/pool';
import { migrate } from '../../db/migrate';
import { startEmbeddedPostgres } from '../../platform/embedded-postgres';
import { freePort } from '../../platform/ports';
import { resolveTemporalCli } from '../../platform/temporal-cli';
import { startTemporalDevServer } from '../../platform/temporal-dev-server';
import { publishTestServices, type TestServices } from './services';
import { buildLeadBundle, SHARED_BUNDLE_ENV } from './lead-bundle';

type Stop = () => Promise<void>;
// One list for every project's setup (integration, browser), stopped by the teardown.
const stops: Stop[] = ((globalThis as { __leadgateStops?: Stop[] }).__leadgateStops ??= []);

async function startTemporal(): Promise<string> {
  if (process.env.TEMPORAL_ADDRESS) return process.env.TEMPORAL_ADDRESS;
  const cli = await resolveTemporalCli();
  const server = await startTemporalDevServer({ cli, port: await freePort(), namespace: 'default', readyTimeoutMs: 120_000 });
  stops.push(server.stop);
  return server.address;
}

async function startPostgres(database: string): Promise<string> {
  if (process.env.DATABASE_URL) {
    const db = await createFreshDatabase(process.env.DATABASE_URL, database);
    stops.push(db.drop);
    return db.url;
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'leadgate-test-pg-'));
  const pg = await startEmbeddedPostgres({ dataDir, port: await freePort(), database, fast: true });
  stops.push(async () => {
    await pg.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return pg.url;
}

/** A Temporal dev server and a migrated, empty PostgreSQL database of their own, stopped by the global teardown. */
export async function startTestServices(database: string): Promise<TestServices> {
  const [temporalAddress, databaseUrl] = await Promise.all([startTemporal(), startPostgres(database)]);
  const pool = createPool(databaseUrl, 2);
  await migrate(pool);
  await pool.end();
  return { temporalAddress, databaseUrl };
}

/** Builds the workflow bundle once for every test file of the run (each used to webpack its own). */
async function shareLeadBundle(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'leadgate-test-bundle-'));
  stops.push(async () => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'bundle.json');
  writeFileSync(file, JSON.stringify(await buildLeadBundle()));
  process.env[SHARED_BUNDLE_ENV] = file;
}

export default async function globalSetup(): Promise<void> {
  const [services] = await Promise.all([startTestServices('leadgate_test'), shareLeadBundle()]);
  publishTestServices(services);
}
