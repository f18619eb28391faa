/**
 * One LeadGate stack per fault-test file, every part a process the test can
 * stop, kill and start again: PostgreSQL (same port and data directory across
 * restarts), the Temporal dev server (same port and database file), the worker
 * and the API run from their production entrypoints (`worker/main.ts`,
 * `api/main.ts`) as child processes, so whatever those start (pools, loops)
 * is what the test exercises.
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { leadDataConverter } from '../../../platform/data-converter';
import { formatPayloadKeys } from '../../../platform/payload-keys';
import { TEST_PAYLOAD_KEYS } from '../../support/payload-keys';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import type { Pool } from 'pg';
import { createApiKey } from '../../../db/api-keys';
import { migrate } from '../../../db/migrate';
import { createPool } from '../../../db/pool';
import { upsertRep } from '../../../db/reps';
import { saveRuleset } from '../../../db/rulesets';
import type { Ruleset, Team } from '../../../domain';
import { freePort } from '../../../platform/ports';
import { projectRoot } from '../../../platform/project-root';
import { resolveTemporalCliBinary } from '../../../platform/temporal-cli';
import { devServerArgs } from '../../../platform/temporal-dev-server';
import { waitForTemporal } from '../../../platform/temporal-process';
import { leadBundleOptions } from '../../../worker/workflow-bundle';
import { workerNodeArgs } from '../../../worker/node-args';
import { ManagedChild, sleep } from './child';

const TEAMS: Team[] = ['incident_response', 'risk_compliance', 'iam', 'solution_specialist', 'outbound_multithread'];
const REPS_PER_TEAM = 2;
const NAMESPACE = 'default';

export interface StackOptions {
  name: string;
  /** Made the active ruleset before the worker starts (new leads load it). */
  ruleset?: Ruleset;
}

export class FaultStack {
  readonly dir: string;
  /** The test's own pool, for seeding and counting rows; never used while the database is down. */
  pool!: Pool;
  temporal!: Client;
  keys!: { intake: string; manager: string; reps: Map<string, string> };
  apiUrl!: string;
  private pg: ManagedChild | null = null;
  private temporalServer: ManagedChild | null = null;
  private worker: ManagedChild | null = null;
  private api: ManagedChild | null = null;
  private temporalConnection: Connection | null = null;
  private ports!: { pg: number; temporal: number; api: number };
  private bundlePath!: string;
  databaseUrl!: string;
  temporalAddress!: string;

  private constructor(readonly options: StackOptions) {
    this.dir = mkdtempSync(path.join(tmpdir(), `leadgate-faults-${options.name}-`));
    // PostgreSQL runs as its own user when the tests run as root: it must reach its data directory in here.
    chmodSync(this.dir, 0o755);
  }

  static async start(options: StackOptions): Promise<FaultStack> {
    const stack = new FaultStack(options);
    try {
      await stack.boot();
    } catch (error) {
      await stack.close();
      throw error;
    }
    return stack;
  }

  private async boot(): Promise<void> {
    this.ports = { pg: await freePort(), temporal: await freePort(), api: await freePort() };
    this.temporalAddress = `127.0.0.1:${this.ports.temporal}`;
    // All three settle before a failure is raised, so nothing keeps running behind a failed start.
    const started = await Promise.allSettled([workflowBundleFile(), this.startPostgres(), this.startTemporal()]);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    this.bundlePath = (started[0] as PromiseFulfilledResult<string>).value;
    this.pool = createPool(this.databaseUrl, 4);
    await migrate(this.pool);
    await this.seed();
    this.temporalConnection = await Connection.connect({ address: this.temporalAddress });
    // The same encryption the worker and API use: Updates sent straight to Temporal are sealed with the test key.
    this.temporal = new Client({ connection: this.temporalConnection, namespace: NAMESPACE, dataConverter: leadDataConverter(TEST_PAYLOAD_KEYS) });
    await Promise.all([this.startWorker(), this.startApi()]);
  }

  private async seed(): Promise<void> {
    if (this.options.ruleset) await saveRuleset(this.pool, this.options.ruleset, { activate: true });
    const reps = new Map<string, string>();
    for (const team of TEAMS) {
      for (let i = 1; i <= REPS_PER_TEAM; i++) {
        const repId = `fault-${team}-${i}`;
        await upsertRep(this.pool, { repId, name: repId, email: null, team, capacity: 10_000, isTeamLead: i === 1 });
        reps.set(repId, (await createApiKey(this.pool, { role: 'rep', repId })).key);
      }
    }
    const [intake, manager] = [await createApiKey(this.pool, { role: 'intake' }), await createApiKey(this.pool, { role: 'manager' })];
    this.keys = { intake: intake.key, manager: manager.key, reps };
  }

  repKey(repId: string | null): string {
    const key = repId ? this.keys.reps.get(repId) : undefined;
    if (!key) throw new Error(`No key for rep ${repId}`);
    return key;
  }

  // ---- PostgreSQL -----------------------------------------------------------------

  async startPostgres(): Promise<void> {
    const env = { ...process.env, FAULT_PG_DIR: path.join(this.dir, 'pg'), FAULT_PG_PORT: String(this.ports.pg) };
    this.pg = this.tsxChild('postgres', 'test/faults/support/postgres-process.ts', env);
    await this.pg.waitForOutput('listening-at ', 120_000);
    // The process prints where it listens; the port and credentials never change across restarts.
    this.databaseUrl = /listening-at (\S+)/.exec(this.pg.tail())![1]!;
  }

  /** A fast shutdown: open connections are cut, new ones refused, until `startPostgres`. */
  async stopPostgres(): Promise<void> {
    const pg = this.pg;
    this.pg = null;
    await pg?.stop();
  }

  // ---- Temporal -------------------------------------------------------------------

  async startTemporal(): Promise<void> {
    const cli = await resolveTemporalCliBinary('The fault tests');
    const args = devServerArgs({ cli, port: this.ports.temporal, namespace: NAMESPACE, dbFile: path.join(this.dir, 'temporal.db'), fastSqlite: true });
    this.temporalServer = new ManagedChild({ name: 'temporal', command: cli.path, args, logFile: path.join(this.dir, 'temporal.log') });
    const server = this.temporalServer;
    await waitForTemporal(this.temporalAddress, NAMESPACE, 120_000, () => (server.running ? undefined : server.tail()));
  }

  /** `kill`: SIGKILL, as a crashed host; otherwise a clean stop. Either way the database file stays. */
  async stopTemporal({ kill = false } = {}): Promise<void> {
    const server = this.temporalServer;
    this.temporalServer = null;
    if (!server) return;
    if (kill) await server.crash();
    await server.stop();
  }

  // ---- worker and API -------------------------------------------------------------

  private serviceEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
    return {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: this.databaseUrl,
      TEMPORAL_ADDRESS: this.temporalAddress,
      TEMPORAL_NAMESPACE: NAMESPACE,
      SEED_DEMO_DATA: 'false',
      LEADGATE_PAYLOAD_KEYS: formatPayloadKeys(TEST_PAYLOAD_KEYS),
      ...extra,
    };
  }

  private tsxChild(name: string, entry: string, env: NodeJS.ProcessEnv, nodeArgs: string[] = []): ManagedChild {
    return new ManagedChild({
      name,
      command: process.execPath,
      args: [...nodeArgs, '--import', 'tsx', path.join(projectRoot(), entry)],
      cwd: projectRoot(),
      env,
      logFile: path.join(this.dir, `${name}.log`),
    });
  }

  async startWorker(): Promise<void> {
    this.worker = this.tsxChild('worker', 'worker/main.ts', this.serviceEnv({ WORKFLOW_BUNDLE_PATH: this.bundlePath, NOTIFY_POLL_INTERVAL_MS: '500' }), workerNodeArgs('source'));
    await this.worker.waitForOutput('worker started', 120_000);
  }

  async crashWorker(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.crash();
    await worker?.stop();
  }

  get workerRunning(): boolean {
    return this.worker?.running ?? false;
  }

  async startApi(): Promise<void> {
    this.apiUrl = `http://127.0.0.1:${this.ports.api}`;
    this.api = this.tsxChild(
      'api',
      'api/main.ts',
      this.serviceEnv({ API_HOST: '127.0.0.1', API_PORT: String(this.ports.api), INTAKE_RATE_LIMIT_PER_MINUTE: '1000000' }),
    );
    await this.api.waitUntil(async () => (await fetch(`${this.apiUrl}/healthz`, { signal: AbortSignal.timeout(2_000) })).ok, 'answer on /healthz', 120_000);
  }

  /** Until the API says Temporal, PostgreSQL and the schema are all usable (after a restart its connections recover). */
  async apiReady(timeoutMs = 60_000): Promise<void> {
    await this.api!.waitUntil(async () => (await fetch(`${this.apiUrl}/readyz`, { signal: AbortSignal.timeout(5_000) })).ok, 'ready on /readyz', timeoutMs);
  }

  /** Everything stopped, in reverse order; one failure never leaves the rest running. */
  async close(): Promise<void> {
    const steps: Array<() => Promise<unknown>> = [
      async () => this.api?.stop(),
      async () => this.worker?.stop(),
      async () => this.temporalConnection?.close(),
      async () => this.stopTemporal(),
      async () => this.pool?.end(),
      async () => this.stopPostgres(),
    ];
    for (const step of steps) await step().catch((error) => console.error('fault stack teardown:', error));
    if (process.env.LEADGATE_FAULTS_KEEP) {
      process.stderr.write(`fault stack ${this.options.name}: logs kept in ${this.dir}\n`);
      return;
    }
    await sleep(100);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * The production worker loads a prebuilt bundle; build it once per content of
 * the workflow code and reuse it across files and runs (webpack is slow).
 */
async function workflowBundleFile(): Promise<string> {
  const hash = createHash('sha256').update(readFileSync(path.join(projectRoot(), 'package-lock.json')));
  for (const dir of ['workflows', 'domain']) {
    for (const file of listFiles(path.join(projectRoot(), dir))) hash.update(file).update(readFileSync(file));
  }
  const out = path.join(tmpdir(), 'leadgate-faults-bundles', `${hash.digest('hex').slice(0, 16)}.js`);
  if (existsSync(out)) return out;
  const { code } = await bundleWorkflowCode({ ...leadBundleOptions(), logger: new DefaultLogger('WARN') });
  mkdirSync(path.dirname(out), { recursive: true });
  const partial = `${out}.${process.pid}.tmp`;
  writeFileSync(partial, code);
  renameSync(partial, out);
  return out;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? listFiles(path.join(dir, entry.name)) : [path.join(dir, entry.name)]))
    .sort();
}
