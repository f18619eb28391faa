/**
 * `npm run bench`: LeadGate's speed, cost and memory against a bare Temporal
 * workflow on the same server, same worker settings, same machine, same run.
 * See bench/README.md for the flags and what each figure means.
 */
import { execSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../platform/ports';
import { startChild, type Child } from './children';
import type { BenchArgs, Ctx } from './context';
import { directGateway, httpGateway, type LeadGateway } from './gateway';
import { provisionApiKeys } from './keys';
import { markdown, verdicts, writeReport, type BenchReport } from './report';
import { compareRuns } from './compare';
import { cacheScenario } from './scenarios/cache';
import { costScenario } from './scenarios/cost';
import { domainScenario } from './scenarios/domain';
import { replayScenario } from './scenarios/replay';
import { repScenario } from './scenarios/rep';
import { latenessScenario, scaleScenario } from './scenarios/scale';
import { runBaseline, runIntake, throughputScenario } from './scenarios/throughput';
import { startStack, type Stack } from './stack';
import { StageWatch } from './stage-watch';
import { now } from './stats';
import { withMallocArenas, workerNodeArgs } from '../worker/node-args';

const SCENARIOS = ['throughput', 'rep', 'cost', 'replay', 'scale', 'lateness', 'cache', 'domain'];

function parseArgs(argv: string[]): BenchArgs {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new Error(`Unexpected argument ${arg}`);
    const [key, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    const next = argv[i + 1];
    if (inline !== undefined) flags.set(key, inline);
    else if (next !== undefined && !next.startsWith('--')) flags.set(key, argv[++i]!);
    else flags.set(key, 'true');
  }
  const known = ['quick', 'n', 'concurrency', 'warmup', 'rep-n', 'rep-concurrency', 'cost-samples', 'parked', 'parked-nurture', 'park-concurrency', 'park-budget', 'due-together', 'replay-k', 'cached-k', 'note', 'durable-storage', 'stock-dev-server', 'cpu-prof', 'direct', 'cluster', 'skip', 'out', 'help'];
  for (const key of flags.keys()) if (!known.includes(key)) throw new Error(`Unknown flag --${key} (known: ${known.map((k) => `--${k}`).join(' ')})`);
  if (flags.has('help')) {
    console.log('npm run bench -- [--quick] [--n 100] [--concurrency 1,8,32] [--rep-n 50] [--rep-concurrency 4] [--cost-samples 5]');
    console.log('  [--parked 10000] [--parked-nurture 10000] [--park-concurrency 64] [--park-budget 900] [--due-together 1000] [--warmup 60]');
    console.log('  [--replay-k 200] [--cached-k 200] [--note "what else runs on the box"]');
    console.log(`  [--durable-storage] [--stock-dev-server] [--cpu-prof] [--direct] [--cluster] [--skip ${SCENARIOS.join(',')}] [--out bench/results]`);
    console.log('npm run bench -- --compare [name=]a.json [name=]b.json …   # side-by-side table of runs (e.g. dev server vs a real server), each column named as given or after its file');
    process.exit(0);
  }
  const quick = flags.get('quick') === 'true';
  const int = (key: string, full: number, fast: number) => {
    const raw = flags.get(key);
    const value = raw === undefined ? (quick ? fast : full) : Number(raw);
    if (!Number.isInteger(value) || value < 0) throw new Error(`--${key} must be a whole number`);
    return value;
  };
  const concurrency = (flags.get('concurrency') ?? '1,8,32').split(',').map(Number);
  if (concurrency.some((c) => !Number.isInteger(c) || c < 1)) throw new Error('--concurrency takes whole numbers, e.g. 1,4,16');
  const skip = new Set((flags.get('skip') ?? '').split(',').filter(Boolean));
  for (const s of skip) if (!SCENARIOS.includes(s)) throw new Error(`--skip: unknown scenario ${s}`);
  return {
    quick,
    n: int('n', 100, 100),
    concurrency,
    warmup: int('warmup', 60, 16),
    repN: int('rep-n', 50, 30),
    repConcurrency: int('rep-concurrency', 4, 4),
    costSamples: Math.max(1, int('cost-samples', 5, 2)),
    parked: int('parked', 10_000, 50),
    parkedNurture: int('parked-nurture', 10_000, 50),
    parkConcurrency: Math.max(1, int('park-concurrency', 64, 16)),
    parkBudgetSeconds: int('park-budget', 900, 60),
    dueTogether: int('due-together', 1_000, 50),
    replayK: Math.max(1, int('replay-k', 200, 20)),
    cachedK: Math.max(1, int('cached-k', 200, 30)),
    note: flags.get('note') ?? '',
    // Both Temporal's SQLite and PostgreSQL skip fsync unless --durable-storage: the VM's disk is not what is measured.
    fastStorage: flags.get('durable-storage') !== 'true',
    stockDevServer: flags.get('stock-dev-server') === 'true',
    cpuProf: flags.get('cpu-prof') === 'true',
    direct: flags.get('direct') === 'true',
    cluster: flags.get('cluster') === 'true',
    skip,
    out: path.resolve(flags.get('out') ?? path.join(__dirname, 'results')),
  };
}

function log(line: string): void {
  const t = new Date().toISOString().slice(11, 19);
  process.stderr.write(`[bench ${t}] ${line}\n`);
}

/** Every process the bench starts (workers, API, probes) gets the environment production gives it, malloc arenas included. */
function childEnv(stack: Stack, extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...withMallocArenas(process.env),
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: stack.databaseUrl,
    TEMPORAL_NAMESPACE: stack.namespace,
    BENCH_TEMPORAL_ADDRESS: stack.temporalAddress,
    LEADGATE_PAYLOAD_KEYS: stack.payloadKeys,
    ...extra,
  };
}

async function startApiAndGateway(ctx: Pick<Ctx, 'stack' | 'args'>, nodeArgs: string[]): Promise<{ api: Child | null; gateway: LeadGateway; note: string }> {
  const direct = directGateway(ctx.stack.temporal, ctx.stack.pool);
  if (ctx.args.direct) return { api: null, gateway: direct, note: 'Temporal client (--direct): no HTTP in these figures' };
  const api = await startChild({
    name: 'api',
    script: 'api-process.ts',
    nodeArgs,
    env: childEnv(ctx.stack, {
      API_HOST: '127.0.0.1',
      API_PORT: String(await freePort()),
      // The bench is one client posting thousands of leads; the per-client intake limit would measure the limiter.
      INTAKE_RATE_LIMIT_PER_MINUTE: '100000000',
      RATE_LIMIT_PER_KEY_PER_MINUTE: '100000000',
      RATE_LIMIT_PER_IP_PER_MINUTE: '100000000',
      SEED_DEMO_DATA: 'false',
    }),
  });
  const url = api.readyDetail;
  const probe = await fetch(`${url}/v1/leads`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  await probe.text();
  const keys = probe.status === 404 ? null : await provisionApiKeys(ctx.stack.pool);
  if (!keys) {
    log(`the API at ${url} has no lead routes or no key helper yet: driving the workflow through the Temporal client instead`);
    return { api, gateway: direct, note: 'Temporal client (the API has no /v1/leads yet): no HTTP in these figures' };
  }
  return { api, gateway: httpGateway(url, keys), note: `HTTP API (${url})` };
}

const loadAverage = () => os.loadavg().map((l) => Number(l.toFixed(2)));

/** The five busiest processes on the machine (ps, % of one core since each started), so a run says what it shared the box with. */
function busiestProcesses(): string[] {
  try {
    const out = execSync('ps -eo pcpu=,comm= --sort=-pcpu', { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    return out.split('\n').map((l) => l.trim()).filter(Boolean).slice(0, 5);
  } catch {
    return [];
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === '--compare') return compareRuns(process.argv.slice(3), log);
  const args = parseArgs(process.argv.slice(2));
  const started = now();
  const loadAtStart = loadAverage();
  const busiestAtStart = busiestProcesses();
  const startedAt = new Date().toISOString();
  log(`${args.quick ? 'quick' : 'full'} run; starting the stack`);
  const stack = await startStack({ fastStorage: args.fastStorage, stockDevServer: args.stockDevServer, cluster: args.cluster, log });
  const children: Child[] = [];
  let watch: StageWatch | undefined;
  // Ctrl-C stops what the bench started (children, dev server, database) before exiting.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping`);
      void Promise.allSettled(children.map((c) => c.stop()))
        .then(() => stack.stop())
        .finally(() => process.exit(130));
    });
  }
  const report: BenchReport = { meta: {}, errors: { total: 0, byScenario: {} }, verdicts: [] };
  try {
    const nodeArgs = args.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${path.join(args.out, 'profiles')}`] : [];
    const baselineTaskQueue = `bench-baseline-${randomUUID().slice(0, 8)}`;
    // Both workers start as production workers do (worker/node-args.ts): the same worker settings.
    const workerArgs = [...nodeArgs, ...workerNodeArgs('source')];
    const startWorkers = () =>
      Promise.all([
        startChild({ name: 'lead-worker', script: 'worker-process.ts', nodeArgs: workerArgs, env: childEnv(stack, { BENCH_WORKER_MODE: 'lead', WORKFLOW_BUNDLE_PATH: stack.leadBundlePath }) }),
        startChild({
          name: 'baseline-worker',
          script: 'worker-process.ts',
          nodeArgs: workerArgs,
          env: childEnv(stack, { BENCH_WORKER_MODE: 'baseline', WORKFLOW_BUNDLE_PATH: stack.baselineBundlePath, BENCH_TASK_QUEUE: baselineTaskQueue }),
        }),
      ]);
    const [leadWorker, baselineWorker] = await startWorkers();
    children.push(leadWorker, baselineWorker);
    const { api, gateway, note } = await startApiAndGateway({ stack, args }, nodeArgs);
    if (api) children.push(api);
    watch = await StageWatch.start(stack.databaseUrl);
    const ctx: Ctx = {
      args,
      stack,
      watch,
      gateway,
      parkGateway: directGateway(stack.temporal, stack.pool),
      leadWorker,
      baselineWorker,
      baselineTaskQueue,
      api,
      log,
      routedLeads: [],
      qualified: { threeStep: [], oneCall: [] },
      childEnv: (extra) => childEnv(stack, extra),
      async restartWorkers() {
        await Promise.all([ctx.leadWorker.stop(), ctx.baselineWorker.stop()]);
        const [lead, baseline] = await startWorkers();
        children.splice(children.indexOf(ctx.leadWorker), 1, lead);
        children.splice(children.indexOf(ctx.baselineWorker), 1, baseline);
        ctx.leadWorker = lead;
        ctx.baselineWorker = baseline;
      },
    };
    report.meta = {
      mode: args.quick ? 'quick' : 'full',
      startedAt,
      argv: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model.trim(),
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      commit: gitCommit(),
      temporal: stack.describe.temporal,
      postgres: stack.describe.postgres,
      gateway: note,
      workerSettings: `WORKER_MAX_CACHED_WORKFLOWS ${process.env.WORKER_MAX_CACHED_WORKFLOWS ?? 'default'}, WORKER_MAX_CONCURRENT_ACTIVITIES ${process.env.WORKER_MAX_CONCURRENT_ACTIVITIES ?? 'default'} (same for baseline and lead worker)`,
      defaultCacheSize: process.env.WORKER_MAX_CACHED_WORKFLOWS === undefined,
      note: args.note,
      loadAverage: { start: loadAtStart },
      busiestProcesses: { start: busiestAtStart },
      args: { ...args, skip: [...args.skip] },
    };

    // Warm-up, excluded from every figure: JIT, connections, worker caches, the first ruleset load.
    log(`warm-up: ${args.warmup} baseline workflows and ${Math.ceil(args.warmup / 2)} leads`);
    const cMax = Math.max(...args.concurrency);
    await runBaseline(ctx, args.warmup, Math.min(cMax, 8), 'warmup');
    const warm = await runIntake(ctx, Math.ceil(args.warmup / 2), Math.min(cMax, 8));
    if (warm.run.errors) log(`warm-up errors: ${warm.run.errors} (${warm.run.firstErrors.join('; ')})`);
    ctx.routedLeads.length = 0;

    const run = async <T>(name: string, fn: () => Promise<T>): Promise<T | undefined> => {
      if (args.skip.has(name)) return undefined;
      try {
        return await fn();
      } catch (error) {
        log(`${name} failed: ${error instanceof Error ? error.stack : String(error)}`);
        report.errors.byScenario[`${name} (aborted)`] = 1;
        return undefined;
      }
    };
    report.throughput = await run('throughput', () => throughputScenario(ctx));
    report.rep = await run('rep', () => repScenario(ctx));
    report.cost = await run('cost', () => costScenario(ctx));
    report.replay = await run('replay', () => replayScenario(ctx));
    report.scale = await run('scale', () => scaleScenario(ctx));
    report.lateness = await run('lateness', () => latenessScenario(ctx, report.scale?.nurture.perSecond ?? null));
    report.cache = await run('cache', () => cacheScenario(ctx));
    report.domain = await run('domain', async () => domainScenario(args.quick ? 20_000 : 100_000));
  } finally {
    for (const child of children.reverse()) await child.stop();
    await watch?.stop().catch(() => undefined);
    await stack.stop();
  }
  const byScenario = report.errors.byScenario;
  for (const l of report.throughput ?? []) byScenario[`throughput c=${l.concurrency}`] = l.baseline.errors + l.intake.errors;
  if (report.rep) byScenario.rep = report.rep.errors;
  if (report.cost) byScenario.cost = report.cost.errors;
  if (report.scale) byScenario.scale = report.scale.awaiting.errors + report.scale.nurture.errors;
  if (report.lateness) byScenario.lateness = report.lateness.errors + report.lateness.notFired + (report.lateness.bare?.errors ?? 0);
  if (report.replay) byScenario.replay = report.replay.lead.failures + report.replay.bare.failures;
  if (report.cache) byScenario.cache = report.cache.lead.errors + report.cache.bare.errors;
  report.errors.total = Object.values(byScenario).reduce((a, b) => a + b, 0);
  report.meta.durationSeconds = Math.round((now() - started) / 1000);
  report.meta.loadAverage = { start: loadAtStart, end: loadAverage() };
  report.meta.busiestProcesses = { start: busiestAtStart, end: busiestProcesses() };
  report.verdicts = verdicts(report);
  writeReport(args.out, report);
  process.stdout.write(markdown(report));
  log(`wrote ${path.join(args.out, 'latest.json')} and latest.md in ${String(report.meta.durationSeconds)} s`);
  process.exitCode = report.errors.total > 0 ? 1 : 0;
}

function gitCommit(): string {
  try {
    const sha = execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const dirty = execSync('git status --porcelain --untracked-files=no', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    return dirty ? `${sha} (with local changes)` : sha;
  } catch {
    return 'unknown';
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
