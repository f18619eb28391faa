/**
 * LeadGate's production topology on one machine: PostgreSQL (embedded, or the
 * server of DATABASE_URL) holding LeadGate's database and Temporal's two, a
 * Temporal server on it, N workers, the API and the Temporal UI, each in its
 * own process. `npm run cluster` runs it; the fault tests kill and restart its
 * parts.
 */
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { LEAD_TASK_QUEUE } from '../workflows/ids';
import { startEmbeddedPostgres } from './embedded-postgres';
import { projectRoot } from './project-root';
import { postgresServerOf, registerNamespace, setupTemporalDatabases, type PostgresServer } from './temporal-schema';
import { stopChild } from './temporal-process';
import { startTemporalServer, TEMPORAL_DATABASES, temporalServerPorts, type RunningTemporalServer, type TemporalServerTools } from './temporal-server';

export interface ClusterOptions {
  tools: TemporalServerTools;
  /** LeadGate's database on an existing server; Temporal's databases go on the same server. Unset: embedded under dataDir. */
  databaseUrl?: string;
  dataDir: string;
  embeddedPgPort: number;
  /** Trade crash safety for speed (tests): no fsync on the embedded PostgreSQL. */
  fastStorage?: boolean;
  temporalPort: number;
  historyShards: number;
  namespace: string;
  workers: number;
  apiPort: number;
  /** Unset (or no UI binary in tools): no UI. */
  uiPort?: number;
  /** Runs once LeadGate's database answers, before any worker or API starts (migrations, seeding). */
  prepare(databaseUrl: string): Promise<void>;
  /** Command lines of a LeadGate worker and API process (production: the built dist/ entrypoints). */
  commands: { worker: string[]; api: string[] };
  /** LeadGate settings for workers and API; addresses and ports are set by the cluster. */
  env: NodeJS.ProcessEnv;
  /** The cluster's own progress lines. */
  log(line: string): void;
  /** Each output line of a process it runs (default: into `log`, prefixed with the process name). */
  output?(process: string, line: string): void;
}

export interface ClusterProcess {
  name: string;
  pid: number;
  kill(signal: NodeJS.Signals): void;
  /** Settles when the process has exited. */
  exited: Promise<void>;
  stop(): Promise<void>;
}

export interface RunningCluster {
  databaseUrl: string;
  temporalAddress: string;
  apiUrl: string;
  uiUrl?: string;
  workers: ClusterProcess[];
  /** Stops the Temporal server (gracefully, or with SIGKILL) and starts it again on the same databases. */
  restartTemporal(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** API and UI first, then workers, then Temporal, then PostgreSQL. */
  stop(): Promise<void>;
}

type Stop = () => Promise<void>;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Output = (process: string, line: string) => void;

function lines(name: string, output: Output) {
  return (chunk: Buffer | string) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) output(name, line);
  };
}

function spawnProcess(name: string, command: string[], env: NodeJS.ProcessEnv, output: Output, log: (line: string) => void): ClusterProcess {
  const [file, ...args] = command as [string, ...string[]];
  // Its own process group: a Ctrl-C in the terminal reaches only the cluster, which stops everything in order.
  const child = spawn(file, args, { cwd: projectRoot(), env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout?.on('data', lines(name, output));
  child.stderr?.on('data', lines(name, output));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => log(`${name} exited (${child.exitCode ?? child.signalCode})`));
  return { name, pid: child.pid!, exited, kill: (signal) => child.kill(signal), stop: () => stopChild(child) };
}

async function waitFor(what: string, timeoutMs: number, ready: () => Promise<boolean>, exited?: Promise<void>): Promise<void> {
  let gone = false;
  void exited?.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`${what} exited before it was ready`);
    if (await ready().catch(() => false)) return;
    await sleep(300);
  }
  throw new Error(`${what} not ready after ${timeoutMs} ms`);
}

/** TASK_QUEUE_TYPE_WORKFLOW in Temporal's API. */
const WORKFLOW_TASK_QUEUE = 1;

/** A worker is ready when Temporal lists it (by its SDK identity, pid@host) among the lead queue's pollers. */
async function workerPolling(address: string, namespace: string, pid: number): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 2_000 });
  try {
    const { pollers } = await connection.workflowService.describeTaskQueue({ namespace, taskQueue: { name: LEAD_TASK_QUEUE }, taskQueueType: WORKFLOW_TASK_QUEUE });
    return pollers.some((p) => p.identity === `${pid}@${hostname()}`);
  } finally {
    await connection.close();
  }
}

async function httpOk(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
  await response.body?.cancel();
  return response.ok;
}

interface Postgres {
  server: PostgresServer;
  leadgateUrl: string;
}

async function startPostgres(options: ClusterOptions, stops: Stop[]): Promise<Postgres> {
  if (options.databaseUrl) {
    const database = decodeURIComponent(new URL(options.databaseUrl).pathname.slice(1));
    if (Object.values(TEMPORAL_DATABASES).includes(database)) throw new Error(`DATABASE_URL must name LeadGate's own database, not Temporal's ${database}.`);
    return { server: postgresServerOf(options.databaseUrl), leadgateUrl: options.databaseUrl };
  }
  const pg = await startEmbeddedPostgres({ dataDir: path.join(options.dataDir, 'postgres'), port: options.embeddedPgPort, database: 'leadgate', fast: options.fastStorage });
  stops.push(pg.stop);
  return { server: postgresServerOf(pg.url), leadgateUrl: pg.url };
}

export async function startCluster(options: ClusterOptions): Promise<RunningCluster> {
  const { log, namespace } = options;
  const output: Output = options.output ?? ((name, line) => log(`[${name}] ${line}`));
  const stops: Stop[] = [];
  let stopping: Promise<void> | undefined;
  const stopAll = () =>
    (stopping ??= (async () => {
      for (const stop of stops.reverse()) await stop().catch((error) => log(`stop failed: ${String(error)}`));
    })());
  try {
    const pg = await startPostgres(options, stops);
    const started = Date.now();
    await setupTemporalDatabases({ sqlTool: options.tools.sql, postgres: pg.server, persistenceDatabase: TEMPORAL_DATABASES.persistence, visibilityDatabase: TEMPORAL_DATABASES.visibility, log });
    log(`Temporal databases ready in ${Date.now() - started} ms`);

    const serverOptions = {
      binary: options.tools.server,
      postgres: pg.server,
      persistenceDatabase: TEMPORAL_DATABASES.persistence,
      visibilityDatabase: TEMPORAL_DATABASES.visibility,
      port: options.temporalPort,
      historyShards: options.historyShards,
      log: lines('temporal', output),
    };
    let temporal: RunningTemporalServer = await startTemporalServer(serverOptions);
    stops.push(() => temporal.stop());
    await registerNamespace(temporal.address, namespace, 7);
    const metrics = `http://127.0.0.1:${temporalServerPorts(options.temporalPort).metrics}/metrics`;
    log(`Temporal server ready at ${temporal.address} (pid ${temporal.pid}), namespace ${namespace}, its metrics at ${metrics}`);

    await options.prepare(pg.leadgateUrl);
    const env = { ...options.env, TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: namespace, DATABASE_URL: pg.leadgateUrl };
    const workers = Array.from({ length: options.workers }, (_, i) => spawnProcess(`worker-${i + 1}`, options.commands.worker, env, output, log));
    stops.push(async () => void (await Promise.all(workers.map((w) => w.stop()))));
    await Promise.all(workers.map((w) => waitFor(w.name, 120_000, () => workerPolling(temporal.address, namespace, w.pid), w.exited)));

    const apiUrl = `http://127.0.0.1:${options.apiPort}`;
    const api = spawnProcess('api', options.commands.api, { ...env, API_HOST: '127.0.0.1', API_PORT: String(options.apiPort) }, output, log);
    stops.push(api.stop);
    await waitFor('api', 120_000, () => httpOk(`${apiUrl}/readyz`), api.exited);

    let uiUrl: string | undefined;
    if (options.uiPort && options.tools.ui) {
      uiUrl = `http://127.0.0.1:${options.uiPort}`;
      const uiEnv = { PATH: process.env.PATH ?? '', TEMPORAL_ADDRESS: temporal.address, TEMPORAL_UI_PORT: String(options.uiPort), TEMPORAL_DEFAULT_NAMESPACE: namespace };
      const ui = spawnProcess('temporal-ui', [options.tools.ui, '--root', projectRoot(), '--config', 'config/temporal', '--env', 'ui', 'start'], uiEnv, output, log);
      stops.push(ui.stop);
      await waitFor('temporal-ui', 60_000, () => httpOk(uiUrl!), ui.exited);
    }

    return {
      databaseUrl: pg.leadgateUrl,
      temporalAddress: temporal.address,
      apiUrl,
      uiUrl,
      workers,
      async restartTemporal(signal = 'SIGTERM') {
        if (signal === 'SIGKILL') temporal.kill();
        await temporal.stop();
        temporal = await startTemporalServer(serverOptions);
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
