/**
 * Replay cost: K real lead histories from this run (qualified, routed) against
 * K bare-workflow histories, each set replayed in its own process
 * (bench/replay-process.ts) on the bundle its worker runs — what a worker pays
 * for every lead it takes back after an eviction or a restart.
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
  /** Replays before measuring: one pass over every history of the set. */
  warmup: number;
  /** Measured passes over the set (`histories` counts every measured replay). */
  passes?: number;
  /** Where the lead histories came from. */
  leadMix: Record<string, number>;
}

/** Qualified (three calls, one call) and routed leads of this run, taken in turn, topped up with fresh routed leads. */
async function leadIds(ctx: Ctx, k: number) {
  const pools: Array<[string, string[]]> = [
    ['qualified, three calls', [...ctx.qualified.threeStep]],
    ['qualified, one call', [...ctx.qualified.oneCall]],
    ['routed', ctx.routedLeads.map((l) => l.leadId)],
  ];
  const mix: Record<string, number> = {};
  const ids: string[] = [];
  while (ids.length < k && pools.some(([, p]) => p.length)) {
    for (const [name, pool] of pools) {
      const id = pool.shift();
      if (id === undefined || ids.length >= k) continue;
      ids.push(id);
      mix[name] = (mix[name] ?? 0) + 1;
    }
  }
  while (ids.length < k) {
    ids.push((await intakeOne(ctx, undefined, {}, ctx.parkGateway)).leadId);
    mix['routed (fresh)'] = (mix['routed (fresh)'] ?? 0) + 1;
  }
  return { ids, mix };
}

/**
 * Fetches each workflow's latest run, writes it encoded, and lists the whole set
 * once (replayed unmeasured, so the measured passes run on a warm JIT, as a
 * long-running worker does) and then `passes` times (measured).
 */
async function writeHistories(ctx: Ctx, dir: string, kind: string, ids: string[], passes: number): Promise<string> {
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
  writeFileSync(listFile, JSON.stringify(Array.from({ length: passes + 1 }, (_, n) => pass(n)).flat()));
  return listFile;
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
  ctx.log(`replay: ${k} lead histories and ${k} bare histories, each set in its own process (one pass unmeasured, then ${passes} measured)`);
  const dir = mkdtempSync(path.join(tmpdir(), 'leadgate-bench-replay-'));
  try {
    const leads = await leadIds(ctx, k);
    const bareIds = (await runBaseline(ctx, k, 8, 'replay')).ids;
    const leadList = await writeHistories(ctx, dir, 'lead', leads.ids, passes);
    const bareList = await writeHistories(ctx, dir, 'bare', bareIds, passes);
    const bare = await replayIn(ctx, bareList, ctx.stack.baselineBundlePath, bareIds.length);
    const lead = await replayIn(ctx, leadList, ctx.stack.leadBundlePath, leads.ids.length);
    ctx.log(`  replay CPU per workflow: lead ${lead.cpuMsPerWorkflow} ms vs bare ${bare.cpuMsPerWorkflow} ms (failures ${lead.failures} + ${bare.failures})`);
    return { lead, bare, warmup: k, passes, leadMix: leads.mix };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
