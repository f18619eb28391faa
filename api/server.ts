import type { Server } from 'node:http';
import express, { type Express } from 'express';
import type { Pool } from 'pg';
import type { Config } from '../config/config';
import type { Logger } from '../platform/logger';
import { AesGcmPayloadCodec, type PayloadKey } from '../platform/payload-codec';
import { connectTemporalClient } from '../platform/temporal-connection';
import { LEAD_TASK_QUEUE } from '../workflows/ids';
import { keyIdOf, seedDemoKeys } from '../db/api-keys';
import { createApp } from './app';
import { startIntakeRelay } from './intake';
import { createMetrics, metricsRouter, type ApiMetrics } from './metrics';
import { demoLoginLines } from './session';

export interface RunningApi {
  url: string;
  /** Set when METRICS_PORT gives /metrics a listener of its own. */
  metricsUrl?: string;
  stop(): Promise<void>;
}

/** Connects to Temporal and serves the API until stopped. */
export async function startApi(config: Config, deps: { address: string; pool: Pool; log: Logger; payloadKeys: readonly PayloadKey[] }): Promise<RunningApi> {
  const connection = await connectTemporalClient(config, deps.address, deps.payloadKeys);
  const temporal = connection.client;
  if (config.SEED_DEMO_DATA) await announceDemoKeys(deps.pool, deps.log);
  if (config.SEED_DEMO_DATA) await announceDemoLogins(deps.pool, config.PASSWORD_HASH_COST, deps.log);
  const metrics = createMetrics({ pool: deps.pool, defaultMetrics: true });
  const payloadCodec = new AesGcmPayloadCodec(deps.payloadKeys);
  const app = createApp({ temporal, namespace: config.TEMPORAL_NAMESPACE, taskQueue: LEAD_TASK_QUEUE, pool: deps.pool, log: deps.log, config, metrics, payloadCodec });
  // Intakes kept during a Temporal outage are handed over from here: the API wrote them and holds the Temporal client.
  const relay = startIntakeRelay({ temporal, taskQueue: LEAD_TASK_QUEUE, pool: deps.pool, log: deps.log }, config.INTAKE_RELAY_INTERVAL_MS);
  const server = await listen(app, config.API_PORT, config.API_HOST);
  const url = `http://${config.API_HOST}:${portOf(server, config.API_PORT)}`;
  deps.log.info({ url }, 'api listening');
  const metricsServer = config.METRICS_PORT === undefined ? undefined : await listen(metricsApp(metrics), config.METRICS_PORT, config.METRICS_HOST);
  const metricsUrl = metricsServer ? `http://${config.METRICS_HOST}:${portOf(metricsServer, config.METRICS_PORT!)}` : undefined;
  if (metricsUrl) deps.log.info({ url: `${metricsUrl}/metrics` }, 'metrics listening');
  return {
    url,
    ...(metricsUrl ? { metricsUrl } : {}),
    async stop() {
      await Promise.all([server, metricsServer].map((s) => (s ? close(s) : undefined)));
      await relay.stop();
      await connection.close();
    },
  };
}

/** /metrics alone, for a listener the scraper reaches and API clients do not. */
function metricsApp(metrics: ApiMetrics): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(metricsRouter(metrics));
  return app;
}

function listen(app: Express, port: number, host: string): Promise<Server> {
  return new Promise<Server>((resolve) => {
    const s = app.listen(port, host, () => resolve(s));
  });
}

function portOf(server: Server, fallback: number): number {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : fallback;
}

async function close(server: Server): Promise<void> {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
}

/**
 * A fresh install gets an intake, a manager and a rep key at once, printed only
 * the one time they are created (the database keeps nothing but their hashes),
 * and only to a person: when stdout is a terminal. Piped stdout usually ends in
 * a log collector, which keeps lines; there the keys are named by id alone.
 */
async function announceDemoKeys(pool: Pool, log: Logger): Promise<void> {
  const keys = await seedDemoKeys(pool);
  if (!keys) return;
  const demoKeyIds = [keys.intake, keys.manager, keys.rep?.key].filter((k): k is string => Boolean(k)).map((k) => keyIdOf(k));
  const how = 'revoke with `npm run keys -- revoke <keyId>`, create your own with `npm run keys -- create`, or set SEED_DEMO_DATA=false before the first start';
  showToPerson(log, { demoKeyIds, demoRep: keys.rep?.repId ?? null }, `created demo API keys (${how})`, [
    'Demo API keys (created on this first start, shown once):',
    `  intake   ${keys.intake}`,
    `  manager  ${keys.manager}`,
    ...(keys.rep ? [`  rep      ${keys.rep.key}   (acts as rep ${keys.rep.repId})`] : []),
  ]);
}

async function announceDemoLogins(pool: Pool, cost: number, log: Logger): Promise<void> {
  const lines = await demoLoginLines(pool, cost);
  if (!lines) return;
  const how = 'add your own with `npm run users -- add`, or set SEED_DEMO_DATA=false before the first start';
  showToPerson(log, { demoLogins: lines.length - 1 }, `created demo console logins (${how})`, lines);
}

/** Secrets shown once go to stdout only when it is a terminal; the log line says what was made, never the secret. */
function showToPerson(log: Logger, fields: Record<string, unknown>, what: string, lines: string[]): void {
  const terminal = Boolean(process.stdout.isTTY);
  log.warn(fields, `${what}; ${terminal ? 'printed once on the terminal' : 'not printed because stdout is not a terminal'}`);
  if (terminal) process.stdout.write(`\n${lines.join('\n')}\n\n`);
}

/** For a process that only serves the API: on SIGINT/SIGTERM, stop serving, close the pool, exit. */
export function stopOnSignals(api: RunningApi, pool: Pool): void {
  const shutdown = async () => {
    await api.stop();
    await pool.end();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}
