/**
 * Rep round trip: a discovery submit (→ Update → 200) and the whole discovery →
 * scope → commercial → qualified path, beside a no-op Update on a bare parked
 * workflow — with the workflow in the worker's cache (warm) and after both
 * workers restarted with empty caches (cold).
 */
import { randomUUID } from 'node:crypto';
import { bareNoopUpdate } from '../baseline-workflow';
import type { Ctx } from '../context';
import { commercialFindings, qualifyingDiscovery, scopeFindings } from '../fixtures';
import { closedLoop, now, summarize, type Summary } from '../stats';
import { intakeOne } from './throughput';

export interface RepResult {
  concurrency: number;
  /** Discovery on leads routed moments before, still in the worker's cache: only discovery calls in flight, as only bare Updates are for the bare figure. */
  discoverySubmitMs: Summary;
  /** The discovery step of the three-step paths, in flight beside other leads' scope and commercial calls (and the decisions they close with); results before 2026-11-28 lack it. */
  discoveryAmidPathsMs?: Summary;
  threeStepPathMs: Summary;
  oneCallQualifyMs: Summary;
  /** A no-op Update on bare parked workflows in the baseline worker's cache. */
  bareUpdateWarmMs: Summary;
  /** After both workers restarted: every lead and bare workflow replays its history first. */
  cold: { discoverySubmitMs: Summary; bareUpdateMs: Summary; method: string };
  errors: number;
  firstErrors: string[];
}

/** Workflows of each kind taken back unmeasured after the restart: the new processes' JIT and connections warm up on them. */
const COLD_WARMUP = 3;

/** Routed leads, the most recent (the likeliest to be cached) or the oldest, topped up with fresh ones. */
async function takeLeads(ctx: Ctx, count: number, which: 'recent' | 'oldest') {
  const from = which === 'recent' ? Math.max(0, ctx.routedLeads.length - count) : 0;
  const leads = ctx.routedLeads.splice(from, count);
  while (leads.length < count) leads.push(await intakeOne(ctx));
  return leads;
}

/** Starts bare parked workflows and sends each one priming Update, so each is parked and cached. */
async function parkBare(ctx: Ctx, count: number, concurrency: number) {
  const ids = Array.from({ length: count }, (_, i) => `bare-parked-${i}-${randomUUID().slice(0, 8)}`);
  const run = await closedLoop(count, concurrency, async (i) => {
    const handle = await ctx.stack.temporal.workflow.start('bareParkedWorkflow', { taskQueue: ctx.baselineTaskQueue, workflowId: ids[i]!, args: [] });
    await handle.executeUpdate(bareNoopUpdate);
  });
  return { ids, run };
}

async function timeBareUpdates(ctx: Ctx, ids: string[], concurrency: number) {
  const samples: number[] = [];
  const run = await closedLoop(ids.length, concurrency, async (i) => {
    const t0 = now();
    await ctx.stack.temporal.workflow.getHandle(ids[i]!).executeUpdate(bareNoopUpdate);
    samples.push(now() - t0);
  });
  return { samples, run };
}

async function timeDiscovery(ctx: Ctx, leads: Array<{ leadId: string; owner: string }>, concurrency: number) {
  const samples: number[] = [];
  const run = await closedLoop(leads.length, concurrency, async (i) => {
    const { leadId, owner } = leads[i]!;
    const t0 = now();
    await ctx.gateway.discovery(leadId, owner, qualifyingDiscovery(false));
    samples.push(now() - t0);
  });
  return { samples, run };
}

export async function repScenario(ctx: Ctx): Promise<RepResult> {
  const { repN, repConcurrency } = ctx.args;
  const errors: string[] = [];
  let errorCount = 0;
  const count = (run: { errors: number; firstErrors: string[] }) => {
    errorCount += run.errors;
    errors.push(...run.firstErrors);
  };
  // The cold sets are the oldest leads and the first bare workflows parked; the warm ones are the most recent in each cache.
  // Each cold set has COLD_WARMUP extra workflows, taken back unmeasured after the restart so the new processes' start-up is not in the figure.
  ctx.log(`rep: preparing ${repN} leads and ${repN} bare parked workflows (+${COLD_WARMUP} each) for the cold measurement`);
  const coldLeads = await takeLeads(ctx, repN + COLD_WARMUP, 'oldest');
  const coldBare = await parkBare(ctx, repN + COLD_WARMUP, repConcurrency);
  count(coldBare.run);

  ctx.log(`rep: bare no-op Update on ${repN} cached parked workflows at concurrency ${repConcurrency}`);
  const warmBare = await parkBare(ctx, repN, repConcurrency);
  count(warmBare.run);
  const bareWarm = await timeBareUpdates(ctx, warmBare.ids, repConcurrency);
  count(bareWarm.run);

  const warmLeads = await takeLeads(ctx, repN, 'recent');
  ctx.log(`rep: ${repN} discovery submits on cached leads at concurrency ${repConcurrency}, nothing else in flight`);
  const warmDiscovery = await timeDiscovery(ctx, warmLeads, repConcurrency);
  count(warmDiscovery.run);

  const threeStep = await takeLeads(ctx, repN, 'recent');
  const discovery: number[] = [];
  const path: number[] = [];
  const single: number[] = [];
  ctx.log(`rep: ${repN} three-step paths at concurrency ${repConcurrency}`);
  const a = await closedLoop(threeStep.length, repConcurrency, async (i) => {
    const { leadId, owner } = threeStep[i]!;
    const t0 = now();
    await ctx.gateway.discovery(leadId, owner, qualifyingDiscovery(false));
    const t1 = now();
    await ctx.gateway.scope(leadId, owner, scopeFindings);
    await ctx.gateway.commercial(leadId, owner, commercialFindings);
    const t2 = now();
    discovery.push(t1 - t0);
    path.push(t2 - t0);
    ctx.qualified.threeStep.push(leadId);
  });
  count(a);
  const oneCall = await takeLeads(ctx, repN, 'recent');
  ctx.log(`rep: ${repN} one-call qualifications at concurrency ${repConcurrency}`);
  const b = await closedLoop(oneCall.length, repConcurrency, async (i) => {
    const { leadId, owner } = oneCall[i]!;
    const t0 = now();
    await ctx.gateway.discovery(leadId, owner, qualifyingDiscovery(true));
    single.push(now() - t0);
    ctx.qualified.oneCall.push(leadId);
  });
  count(b);

  ctx.log('rep: restarting both workers (empty caches) for the cold measurement');
  await ctx.restartWorkers();
  count((await timeBareUpdates(ctx, coldBare.ids.slice(0, COLD_WARMUP), 1)).run);
  count((await timeDiscovery(ctx, coldLeads.slice(0, COLD_WARMUP), 1)).run);
  const bareCold = await timeBareUpdates(ctx, coldBare.ids.slice(COLD_WARMUP), repConcurrency);
  count(bareCold.run);
  const leadCold = await timeDiscovery(ctx, coldLeads.slice(COLD_WARMUP), repConcurrency);
  count(leadCold.run);

  const result: RepResult = {
    concurrency: repConcurrency,
    discoverySubmitMs: summarize(warmDiscovery.samples),
    discoveryAmidPathsMs: summarize(discovery),
    threeStepPathMs: summarize(path),
    oneCallQualifyMs: summarize(single),
    bareUpdateWarmMs: summarize(bareWarm.samples),
    cold: {
      discoverySubmitMs: summarize(leadCold.samples),
      bareUpdateMs: summarize(bareCold.samples),
      method: `both workers restarted (SIGTERM, then a new process with the same settings; ${COLD_WARMUP} workflows of each kind taken back unmeasured first): the first task of each workflow replays its whole history`,
    },
    errors: errorCount,
    firstErrors: errors.slice(0, 5),
  };
  ctx.log(
    `  warm: discovery p95 ${result.discoverySubmitMs.p95} ms vs bare Update p95 ${result.bareUpdateWarmMs.p95} ms; cold: discovery p95 ${result.cold.discoverySubmitMs.p95} ms vs bare Update p95 ${result.cold.bareUpdateMs.p95} ms; discovery amid paths p95 ${result.discoveryAmidPathsMs?.p95} ms, three-step p95 ${result.threeStepPathMs.p95} ms, one-call p95 ${result.oneCallQualifyMs.p95} ms (errors ${result.errors})`,
  );
  return result;
}
