/**
 * The production topology (platform/cluster.ts) for fault tests: Temporal
 * server on an embedded PostgreSQL in a temp dir, two worker processes and the
 * API process, run from source on a prebuilt workflow bundle. The cluster runs
 * in a host process (cluster-host.ts); stopping and starting it again reuses
 * the same data directory, as `npm run cluster` does.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import type { Pool } from 'pg';
import { createApiKey } from '../../../db/api-keys';
import { createPool } from '../../../db/pool';
import type { Ruleset } from '../../../domain';
import type { LeadView } from '../../../domain/lead-view';
import { freePort, freePortBlock } from '../../../platform/ports';
import { projectRoot } from '../../../platform/project-root';
import { leadBundleOptions } from '../../../worker/workflow-bundle';
import { workerNodeArgs } from '../../../worker/node-args';
import type { HostCommand, HostMessage, HostOptions } from './cluster-host';

export interface Keys {
  intake: string;
  manager: string;
  rep: Map<string, string>;
}

export interface ClusterHarness {
  apiUrl: string;
  temporalAddress: string;
  /** LeadGate's own database. */
  pool: Pool;
  keys: Keys;
  killWorker(index: number): Promise<void>;
  restartTemporal(signal: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Stops every process (the data stays), or starts them all again on the same data. */
  stop(): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

const fromSource = (entry: string, nodeArgs: string[] = []) => [process.execPath, ...nodeArgs, '--import', 'tsx', path.join(projectRoot(), entry)];

interface Host {
  child: ChildProcess;
  ready: Extract<HostMessage, { type: 'ready' }>;
  request(command: HostCommand): Promise<void>;
}

function startHost(options: HostOptions, lines: string[]): Promise<Host> {
  const child = fork(path.join(__dirname, 'cluster-host.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, CLUSTER_HOST_OPTIONS: JSON.stringify(options) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stdout!.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
  const pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  let nextId = 0;
  return new Promise((resolve, reject) => {
    // 'close', not 'exit': the host's last words (its error) may still be in its pipes when it exits.
    child.once('close', (code) => reject(new Error(`cluster host exited before it was ready (${code}):\n${lines.slice(-30).join('\n')}`)));
    child.on('message', (message: HostMessage) => {
      if (message.type === 'output') lines.push(message.line);
      else if (message.type === 'done') {
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if (message.error) waiter?.reject(new Error(message.error));
        else waiter?.resolve();
      } else {
        resolve({
          child,
          ready: message,
          request: (command) =>
            new Promise((done, fail) => {
              const id = ++nextId;
              pending.set(id, { resolve: done, reject: fail });
              child.send({ ...command, id });
            }),
        });
      }
    });
  });
}

/** A cluster on a new data folder and new ports; the folder is removed again if it does not start. */
async function startFresh(ruleset: Ruleset, bundleCode: string, lines: string[]): Promise<{ options: HostOptions; host: Host }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'leadgate-cluster-'));
  // As root, PostgreSQL runs as its own user, which must reach the data folder inside.
  chmodSync(dataDir, 0o755);
  const bundlePath = path.join(dataDir, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundleCode);
  const options: HostOptions = {
    dataDir,
    ports: { pg: await freePort(), temporal: await freePortBlock(10), api: await freePort() },
    bundlePath,
    ruleset,
    commands: { worker: fromSource('worker/main.ts', workerNodeArgs('source')), api: fromSource('api/main.ts') },
  };
  try {
    return { options, host: await startHost(options, lines) };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Starts the cluster, once more on new ports and a new folder if the first
 * start fails (its ports are picked free but only bound later, so another
 * process can take one between). The first failure is printed, so a start
 * that fails for any other reason is seen, and fails again.
 */
async function startCluster(ruleset: Ruleset, lines: string[]): Promise<{ options: HostOptions; host: Host }> {
  const bundleCode = (await bundleWorkflowCode({ ...leadBundleOptions(), logger: new DefaultLogger('WARN') })).code;
  try {
    return await startFresh(ruleset, bundleCode, lines);
  } catch (error) {
    // The error carries the last lines the processes printed.
    process.stderr.write(`The cluster did not start; starting it once more on new ports. ${String(error)}\n`);
    lines.length = 0;
    return startFresh(ruleset, bundleCode, lines);
  }
}

export async function createClusterHarness(ruleset: Ruleset): Promise<ClusterHarness> {
  // Kept for a failing run (LEADGATE_FAULTS_LOG=1 prints them); printing them always would drown the runner.
  const lines: string[] = [];
  const started = await startCluster(ruleset, lines);
  const { options } = started;
  const { dataDir } = options;
  let { host } = started;
  const pool = createPool(host.ready.databaseUrl, 5);
  const { rows } = await pool.query<{ rep_id: string }>('SELECT rep_id FROM reps WHERE active');
  const rep = new Map<string, string>();
  for (const { rep_id } of rows) rep.set(rep_id, (await createApiKey(pool, { role: 'rep', repId: rep_id })).key);
  const keys = { intake: (await createApiKey(pool, { role: 'intake' })).key, manager: (await createApiKey(pool, { role: 'manager' })).key, rep };
  await pool.end();

  const stopHost = async () => {
    if (host.child.exitCode !== null) return;
    const exited = new Promise((resolve) => host.child.once('exit', resolve));
    await host.request({ type: 'stop' });
    host.child.disconnect();
    await exited;
  };
  const h: ClusterHarness = {
    apiUrl: host.ready.apiUrl,
    temporalAddress: host.ready.temporalAddress,
    pool: createPool(host.ready.databaseUrl, 5),
    keys,
    killWorker: (index) => host.request({ type: 'kill-worker', index }),
    restartTemporal: (signal) => host.request({ type: 'restart-temporal', signal }),
    async stop() {
      await h.pool.end();
      await stopHost();
    },
    async start() {
      host = await startHost(options, lines);
      h.pool = createPool(host.ready.databaseUrl, 5);
    },
    async dispose() {
      await h.stop().catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
      if (process.env.LEADGATE_FAULTS_LOG) process.stderr.write(`${lines.join('\n')}\n`);
    },
  };
  return h;
}

/** Calls the cluster's API; any answer is returned, never thrown, so callers can poll through a restart. */
export async function api<T = unknown>(h: ClusterHarness, key: string, method: 'GET' | 'POST', route: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${h.apiUrl}${route}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `accept` holds; errors (a process restarting) count as "not yet". */
export async function until<T>(what: string, read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await read();
      if (accept(value)) return value;
      last = value;
    } catch (error) {
      last = error instanceof Error ? error.message : error;
    }
    await sleep(250);
  }
  throw new Error(`${what} not reached within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
}

export function waitForLead(h: ClusterHarness, leadId: string, accept: (view: LeadView) => boolean, timeoutMs?: number): Promise<LeadView> {
  const read = () => api<LeadView>(h, h.keys.manager, 'GET', `/v1/leads/${leadId}`);
  return until(`lead ${leadId}`, read, (r) => r.status === 200 && accept(r.body), timeoutMs).then((r) => r.body);
}

/** Event rows per type for one lead, to prove nothing was written twice. */
export async function eventCounts(h: ClusterHarness, leadId: string): Promise<Record<string, number>> {
  const { rows } = await h.pool.query<{ type: string; n: number }>(
    "SELECT type, count(*)::int AS n FROM lead_events WHERE lead_id = $1 AND type <> 'stage_changed' GROUP BY type ORDER BY type",
    [leadId],
  );
  return Object.fromEntries(rows.map((r) => [r.type, r.n]));
}

export async function outcomes(h: ClusterHarness, leadId: string): Promise<Array<{ cycle: number; status: string }>> {
  const { rows } = await h.pool.query<{ cycle: number; status: string }>('SELECT cycle, status FROM lead_outcomes WHERE lead_id = $1 ORDER BY cycle', [leadId]);
  return rows;
}
