/** Baseline vs intake at rising concurrency, each level the baseline first and then LeadGate, back to back. */
import { randomUUID } from 'node:crypto';
import type { Ctx } from '../context';
import { benchLead } from '../fixtures';
import { routedWithOwner } from '../stage-watch';
import { closedLoop, now, summarize, type Summary } from '../stats';

export interface LoadResult {
  n: number;
  concurrency: number;
  elapsedMs: number;
  perSecond: number;
  errors: number;
  firstErrors: string[];
}

export interface LevelResult {
  concurrency: number;
  baseline: LoadResult & { completionMs: Summary; startRpcMs: Summary };
  intake: LoadResult & { accepted202Ms: Summary; captureToRoutedMs: Summary };
  ratios: { throughput: number | null; p95RoutedOverBaselineP95: number | null };
}

export async function runBaseline(ctx: Ctx, total: number, concurrency: number, tag: string) {
  const samples: number[] = [];
  const starts: number[] = [];
  const ids: string[] = [];
  const run = await closedLoop(total, concurrency, async (i) => {
    const t0 = now();
    const workflowId = `baseline-${tag}-${i}-${randomUUID().slice(0, 8)}`;
    const handle = await ctx.stack.temporal.workflow.start('baselineWorkflow', { taskQueue: ctx.baselineTaskQueue, workflowId, args: [] });
    const t1 = now();
    await handle.result();
    starts.push(t1 - t0);
    samples.push(now() - t0);
    ids.push(workflowId);
  });
  return { samples, starts, ids, run };
}

/** Posts a lead (through `gateway`, the run's by default) and waits until it sits in awaiting_discovery with an owner. */
export async function intakeOne(ctx: Ctx, samples?: { accepted: number[]; routed: number[] }, overrides = {}, gateway = ctx.gateway) {
  const intake = benchLead(overrides);
  const t0 = now();
  const leadId = await gateway.submitLead(intake);
  const t1 = now();
  const routedAt = await ctx.watch.waitFor(leadId, routedWithOwner);
  samples?.accepted.push(t1 - t0);
  samples?.routed.push(routedAt - t0);
  const owner = ctx.watch.state(leadId)?.owner ?? '';
  return { leadId, owner };
}

export async function runIntake(ctx: Ctx, total: number, concurrency: number) {
  const samples = { accepted: [] as number[], routed: [] as number[] };
  const run = await closedLoop(total, concurrency, async () => {
    const lead = await intakeOne(ctx, samples);
    ctx.routedLeads.push(lead);
  });
  return { samples, run };
}

const load = (n: number, concurrency: number, run: { elapsedMs: number; errors: number; firstErrors: string[] }, done: number): LoadResult => ({
  n,
  concurrency,
  elapsedMs: Math.round(run.elapsedMs),
  perSecond: Number(((done / run.elapsedMs) * 1000).toFixed(1)),
  errors: run.errors,
  firstErrors: run.firstErrors,
});

export async function throughputScenario(ctx: Ctx): Promise<LevelResult[]> {
  const levels: LevelResult[] = [];
  for (const c of ctx.args.concurrency) {
    const n = Math.max(ctx.args.n, c * (ctx.args.quick ? 2 : 4));
    ctx.log(`throughput: baseline ${n} workflows at concurrency ${c}`);
    const b = await runBaseline(ctx, n, c, `c${c}`);
    ctx.log(`throughput: intake ${n} leads at concurrency ${c}`);
    const i = await runIntake(ctx, n, c);
    const baseline = { ...load(n, c, b.run, b.samples.length), completionMs: summarize(b.samples), startRpcMs: summarize(b.starts) };
    const intake = { ...load(n, c, i.run, i.samples.routed.length), accepted202Ms: summarize(i.samples.accepted), captureToRoutedMs: summarize(i.samples.routed) };
    const ratio = (a: number | null, z: number | null) => (a !== null && z ? Number((a / z).toFixed(2)) : null);
    levels.push({
      concurrency: c,
      baseline,
      intake,
      ratios: {
        throughput: ratio(intake.perSecond, baseline.perSecond),
        p95RoutedOverBaselineP95: ratio(intake.captureToRoutedMs.p95, baseline.completionMs.p95),
      },
    });
    ctx.log(
      `  c=${c}: baseline ${baseline.perSecond}/s p95 ${baseline.completionMs.p95} ms (start RPC p95 ${baseline.startRpcMs.p95} ms); intake ${intake.perSecond}/s, 202 p95 ${intake.accepted202Ms.p95} ms, routed p95 ${intake.captureToRoutedMs.p95} ms (errors ${baseline.errors}+${intake.errors})`,
    );
  }
  return levels;
}
