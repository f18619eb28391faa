/**
 * Heap per cached workflow: a fresh worker in its own process on its own task
 * queue (bench/cache-probe-process.ts), K workflows parked on it, heap after a
 * full GC before and after, divided by K — the lead worker's leads (routed,
 * awaiting discovery) against the bare worker's parked workflows.
 */
import { randomUUID } from 'node:crypto';
import { submitLead } from '../../api/lead-client';
import { rulesetForStarts } from '../../db/rulesets';
import { bareNoopUpdate } from '../baseline-workflow';
import { startChild } from '../children';
import type { Ctx } from '../context';
import { benchLead } from '../fixtures';
import { routedWithOwner } from '../stage-watch';
import { closedLoop, sleep } from '../stats';
import { workerNodeArgs } from '../../worker/node-args';

export interface CachedHeap {
  workflows: number;
  heapBeforeKiB: number;
  heapAfterKiB: number;
  kibPerWorkflow: number | null;
  rssBeforeMiB: number;
  rssAfterMiB: number;
  errors: number;
  firstErrors: string[];
}

export interface CacheResult {
  bare: CachedHeap;
  lead: CachedHeap;
  method: string;
}

type Heap = { heapUsedKiB: number; rssMiB: number };

async function probe(ctx: Ctx, mode: 'lead' | 'bare', k: number): Promise<CachedHeap> {
  const taskQueue = `bench-cache-${mode}-${randomUUID().slice(0, 8)}`;
  const child = await startChild({
    name: `cache-probe-${mode}`,
    script: 'cache-probe-process.ts',
    nodeArgs: ['--expose-gc', ...workerNodeArgs('source')],
    env: ctx.childEnv({
      BENCH_WORKER_MODE: mode,
      BENCH_TASK_QUEUE: taskQueue,
      BENCH_CACHE_SIZE: String(k + 50),
      WORKFLOW_BUNDLE_PATH: mode === 'lead' ? ctx.stack.leadBundlePath : ctx.stack.baselineBundlePath,
    }),
  });
  try {
    const heap = async () => JSON.parse(await child.ask('heap')) as Heap;
    // One workflow first, so the bundle, the VM and the pollers are set up before the "before" reading.
    const park = async (i: number) => {
      if (mode === 'bare') {
        const handle = await ctx.stack.temporal.workflow.start('bareParkedWorkflow', { taskQueue, workflowId: `${taskQueue}-${i}`, args: [] });
        await handle.executeUpdate(bareNoopUpdate);
        return;
      }
      const { leadId } = await submitLead(ctx.stack.temporal, taskQueue, benchLead(), { ruleset: (await rulesetForStarts(ctx.stack.pool)) ?? undefined });
      await ctx.watch.waitFor(leadId, routedWithOwner);
    };
    await park(-1);
    await sleep(1_000);
    const before = await heap();
    const run = await closedLoop(k, ctx.args.parkConcurrency, park);
    // Let the last workflow tasks complete before reading.
    await sleep(2_000);
    const after = await heap();
    const parked = k - run.errors;
    return {
      workflows: parked,
      heapBeforeKiB: before.heapUsedKiB,
      heapAfterKiB: after.heapUsedKiB,
      kibPerWorkflow: parked > 0 ? Math.round((after.heapUsedKiB - before.heapUsedKiB) / parked) : null,
      rssBeforeMiB: before.rssMiB,
      rssAfterMiB: after.rssMiB,
      errors: run.errors,
      firstErrors: run.firstErrors,
    };
  } finally {
    await child.stop();
  }
}

export async function cacheScenario(ctx: Ctx): Promise<CacheResult> {
  const k = ctx.args.cachedK;
  ctx.log(`cache: heap per cached workflow, ${k} bare parked workflows, then ${k} routed leads, each on a fresh worker`);
  const bare = await probe(ctx, 'bare', k);
  const lead = await probe(ctx, 'lead', k);
  ctx.log(`  heap per cached workflow: lead ${lead.kibPerWorkflow} KiB vs bare ${bare.kibPerWorkflow} KiB (${lead.workflows} + ${bare.workflows})`);
  return {
    bare,
    lead,
    method: 'a fresh worker process per kind on its own task queue, workflows on the main thread (debugMode), cache K + 50; heap used after two full GCs, after − before, / K',
  };
}
