/**
 * Replay cost: K real lead histories from this run (qualified, routed) against
 * K bare-workflow histories, each set replayed in its own process
 * (bench/replay-process.ts) on the bundle its worker runs — what a worker pays
 * for every lead it takes back after an eviction or a restart. Each set is
 * replayed twice, bare-lead-lead-bare, and its figures averaged, so a box that
 * speeds up or slows down during the scenario does not favour either kind.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { temporal } from '@temporalio/proto';
import type { Ctx } from '../context';
import { closedLoop } from '../stats';
import { intakeOne, runBaseline } from './throughput';
import { workerNodeArgs } from '../../worker/node-args';

const execFileAsync = promisify(execFile);

export interface ReplayFigures {
  histories: number;
  events: number;
  cpuMsPerWorkflow: number | null;
  wallMsPerWorkflow: number | null;
  /** Highest heap above the start while replaying (the SDK evicts each workflow once replayed). */
  peakHeapGrowthKiB: number;
  failures: number;
  firstErrors: string[];
}

export interface ReplayResult {
  lead: ReplayFigures;
  bare: ReplayFigures;
  /** Replays before measuring, in whole passes over the set (one pass in results before 2026-11-28's last runs). */
  warmup: number;
  /** Measured passes over the set (`histories` counts every measured replay). */
  passes?: number;
  /** Where the lead histories came from. */
  leadMix: Record<string, number>;
  /** The order the sets were replayed in (results before 2026-11-28 lack it: bare, then lead, once each). */
  order?: string;
}

/** Bare, lead, lead, bare: a drift in the box's speed over the scenario (a neighbour, a clock) weighs on both kinds alike. */
const ORDER = ['bare', 'lead', 'lead', 'bare'] as const;

/** One kind's runs (each a fresh process over the whole set), combined: per-workflow figures averaged over the runs, counts summed, the highest heap kept. */
export function combineRuns(runs: ReplayFigures[]): ReplayFigures {
  const mean = (values: Array<number | null>) => {
    const known = values.filter((v): v is number => v !== null);
    return known.length === values.length && known.length > 0 ? Number((known.reduce((a, b) => a + b, 0) / known.length).toFixed(2)) : null;
  };
  return {
    histories: runs.reduce((n, r) => n + r.histories, 0),
    events: runs.reduce((n, r) => n + r.events, 0),
    cpuMsPerWorkflow: mean(runs.map((r) => r.cpuMsPerWorkflow)),
    wallMsPerWorkflow: mean(runs.map((r) => r.wallMsPerWorkflow)),
    peakHeapGrowthKiB: Math.max(...runs.map((r) => r.peakHeapGrowthKiB)),
    failures: runs.reduce((n, r) => n + r.failures, 0),
    firstErrors: runs.flatMap((r) => r.firstErrors).slice(0, 3),
  };
}

/** A quarter of the set for each kind of qualified lead, the rest routed: the same mix at every K, so quick and full runs measure alike. */
const QUALIFIED_SHARES: Array<[name: string, share: number, pool: (ctx: Ctx) => string[]]> = [
  ['qualified, three calls', 0.25, (ctx) => ctx.qualified.threeStep],
  ['qualified, one call', 0.25, (ctx) => ctx.qualified.oneCall],
];

/** Qualified (three calls, one call) and routed leads of this run in those shares, topped up with fresh routed leads. */
async function leadIds(ctx: Ctx, k: number) {
  const mix: Record<string, number> = {};
  const ids: string[] = [];
  const take = (name: string, from: string[], count: number) => {
    const taken = from.slice(0, Math.max(0, count));
    ids.push(...taken);
    if (taken.length) mix[name] = (mix[name] ?? 0) + taken.length;
  };
  for (const [name, share, pool] of QUALIFIED_SHARES) take(name, pool(ctx), Math.floor(k * share));
  take('routed', ctx.routedLeads.map((l) => l.leadId), k - ids.length);
  while (ids.length < k) {
    ids.push((await intakeOne(ctx, undefined, {}, ctx.parkGateway)).leadId);
    mix['routed (fresh)'] = (mix['routed (fresh)'] ?? 0) + 1;
  }
  return { ids, mix };
}

/**
 * Fetches each workflow's latest run, writes it encoded, and lists the whole set
 * `warmPasses` times (replayed unmeasured, so the measured passes run on a warm
 * JIT, as a long-running worker does) and then `passes` times (measured).
 * Returns the list and how many of its replays are the warm-up's.
 */
async function writeHistories(ctx: Ctx, dir: string, kind: string, ids: string[], warmPasses: number, passes: number): Promise<{ list: string; warmup: number }> {
  const entries: Array<{ workflowId: string; file: string }> = [];
  await closedLoop(ids.length, 8, async (i) => {
    const history = await ctx.stack.temporal.workflow.getHandle(ids[i]!).fetchHistory();
    const file = path.join(dir, `${kind}-${i}.pb`);
    writeFileSync(file, temporal.api.history.v1.History.encode(history).finish());
    entries[i] = { workflowId: ids[i]!, file };
  });
  const present = entries.filter(Boolean);
  const listFile = path.join(dir, `${kind}.json`);
  const pass = (n: number) => present.map((e) => ({ ...e, workflowId: `${e.workflowId}#${n}` }));
  writeFileSync(listFile, JSON.stringify(Array.from({ length: warmPasses + passes }, (_, n) => pass(n)).flat()));
  // Counted from the histories written, so one that could not be fetched never moves warm-up replays into the measured set.
  return { list: listFile, warmup: warmPasses * present.length };
}

async function replayIn(ctx: Ctx, listFile: string, bundlePath: string, warmup: number): Promise<ReplayFigures> {
  const { stdout } = await execFileAsync(process.execPath, ['--expose-gc', ...workerNodeArgs('source'), '--import', 'tsx', path.join(__dirname, '..', 'replay-process.ts')], {
    env: ctx.childEnv({ BENCH_REPLAY_FILE: listFile, BENCH_REPLAY_WARMUP: String(warmup), WORKFLOW_BUNDLE_PATH: bundlePath }),
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as ReplayFigures;
}

export async function replayScenario(ctx: Ctx): Promise<ReplayResult> {
  const k = ctx.args.replayK;
  // Enough measured replays per set that one slow replay (a GC, a neighbour on the box) does not decide the ratio.
  const passes = Math.max(2, Math.ceil(200 / k));
  // As many unmeasured replays at every K: one pass of a small set leaves the JIT colder for the lead's
  // larger bundle than for the bare one, which made the quick figure (K = 20) read higher than the full run's.
  const warmPasses = Math.ceil(200 / k);
  ctx.log(`replay: ${k} lead histories and ${k} bare histories, each set in its own process (${warmPasses} passes unmeasured, then ${passes} measured), in the order ${ORDER.join(', ')}`);
  const dir = mkdtempSync(path.join(tmpdir(), 'leadgate-bench-replay-'));
  try {
    const leads = await leadIds(ctx, k);
    const bareIds = (await runBaseline(ctx, k, 8, 'replay')).ids;
    const sets = {
      bare: { ...(await writeHistories(ctx, dir, 'bare', bareIds, warmPasses, passes)), bundle: ctx.stack.baselineBundlePath, runs: [] as ReplayFigures[] },
      lead: { ...(await writeHistories(ctx, dir, 'lead', leads.ids, warmPasses, passes)), bundle: ctx.stack.leadBundlePath, runs: [] as ReplayFigures[] },
    };
    for (const kind of ORDER) {
      const set = sets[kind];
      set.runs.push(await replayIn(ctx, set.list, set.bundle, set.warmup));
    }
    const lead = combineRuns(sets.lead.runs);
    const bare = combineRuns(sets.bare.runs);
    ctx.log(`  replay CPU per workflow: lead ${lead.cpuMsPerWorkflow} ms vs bare ${bare.cpuMsPerWorkflow} ms (each the mean of ${sets.lead.runs.map((r) => r.cpuMsPerWorkflow).join(' and ')} / ${sets.bare.runs.map((r) => r.cpuMsPerWorkflow).join(' and ')}; failures ${lead.failures} + ${bare.failures})`);
    return { lead, bare, warmup: warmPasses * k, passes, leadMix: leads.mix, order: ORDER.join(', ') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
