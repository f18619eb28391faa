import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
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

/** A fresh database on the given server, so every run starts empty and leaves others alone. */
async function freshDatabaseOn(serverUrl: string): Promise<string> {
  const name = `leadgate_test_${Date.now()}_${process.pid}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  stops.push(async () => {
    const cleanup = new Client({ connectionString: serverUrl });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await cleanup.end();
  });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function startPostgres(): Promise<string> {
  if (process.env.DATABASE_URL) return freshDatabaseOn(process.env.DATABASE_URL);
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
