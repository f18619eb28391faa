/** Cost per path from fetched histories: capture→routed, capture→qualified, one nurture cycle (and the baseline for scale). */
import { defaultRuleset, parseRuleset } from '../../domain';
import { saveRuleset } from '../../db/rulesets';
import type { Ctx } from '../context';
import { costOf, runHistories, sumCosts, type RunCost } from '../cost';
import { unconfirmedNeedDiscovery } from '../fixtures';
import { inStage, routedWithOwner } from '../stage-watch';
import { closedLoop, summarize } from '../stats';
import { intakeOne, runBaseline } from './throughput';

export interface PathCost {
  samples: number;
  events: number | null;
  bytes: number | null;
  actions: number | null;
  maxActions: number | null;
  /** Breakdown of the first sample. */
  breakdown: Record<string, number>;
  /** Queries and rejected updates the path issued (they bill but never reach history). */
  outsideHistory: number;
}

export interface CostResult {
  baseline: PathCost;
  captureToRouted: PathCost;
  captureToQualifiedThreeStep: PathCost;
  captureToQualifiedOneCall: PathCost;
  nurtureCycle: PathCost & { cycle2: PathCost; bounded: boolean };
  errors: number;
  firstErrors: string[];
}

function pathCost(costs: RunCost[]): PathCost {
  const med = (xs: number[]) => summarize(xs, 0).p50;
  return {
    samples: costs.length,
    events: med(costs.map((c) => c.events)),
    bytes: med(costs.map((c) => c.bytes)),
    actions: med(costs.map((c) => c.actions)),
    maxActions: summarize(costs.map((c) => c.actions), 0).max,
    breakdown: costs[0]?.breakdown ?? {},
    outsideHistory: 0,
  };
}

/** The shipped rules with a nurture cadence of seconds, so a cycle completes within the run. */
export function fastNurtureRuleset() {
  return parseRuleset({
    ...defaultRuleset,
    version: 'bench-fast-nurture',
    nurture: { ...defaultRuleset.nurture, defaultCadence: '2s', minimumDelay: '1s' },
  });
}

export async function costScenario(ctx: Ctx): Promise<CostResult> {
  const k = ctx.args.costSamples;
  const client = ctx.stack.temporal;
  const errors: string[] = [];
  const histories = async (ids: string[]) => Promise.all(ids.map((id) => runHistories(client, id)));

  ctx.log(`cost: histories of ${k} baseline workflows, routed and qualified leads`);
  const baselineIds: string[] = [];
  const b = await runBaseline(ctx, k, 1, 'cost');
  errors.push(...b.run.firstErrors);
  const list = client.workflow.list({ query: `WorkflowType = 'baselineWorkflow' AND TaskQueue = '${ctx.baselineTaskQueue}'`, pageSize: k });
  for await (const wf of list) {
    baselineIds.push(wf.workflowId);
    if (baselineIds.length >= k) break;
  }
  const baseline = (await histories(baselineIds)).map((runs) => costOf(runs[0]!));

  const routedIds = ctx.routedLeads.slice(0, k).map((l) => l.leadId);
  while (routedIds.length < k) routedIds.push((await intakeOne(ctx)).leadId);
  const routed = (await histories(routedIds)).map((runs) => sumCosts(runs.map(costOf)));
  const threeStep = (await histories(ctx.qualified.threeStep.slice(0, k))).map((runs) => sumCosts(runs.map(costOf)));
  const oneCall = (await histories(ctx.qualified.oneCall.slice(0, k))).map((runs) => sumCosts(runs.map(costOf)));

  // Nurture: two full cycles per lead on a ruleset whose cadence is seconds; run 2 is cycle 1, run 3 is cycle 2.
  ctx.log(`cost: ${k} leads through two nurture cycles (2 s cadence)`);
  await saveRuleset(ctx.stack.pool, fastNurtureRuleset(), { activate: true });
  const nurtureIds: string[] = [];
  try {
    const run = await closedLoop(k, k, async () => {
      const lead = await intakeOne(ctx);
      const leadId = lead.leadId;
      let owner = lead.owner;
      for (let cycle = 0; cycle < 3; cycle++) {
        await ctx.gateway.discovery(leadId, owner, unconfirmedNeedDiscovery);
        await ctx.watch.waitFor(leadId, inStage('nurture'));
        await ctx.watch.waitFor(leadId, routedWithOwner, 60_000);
        owner = ctx.watch.state(leadId)?.owner ?? owner;
      }
      nurtureIds.push(leadId);
    });
    errors.push(...run.firstErrors);
  } finally {
    await saveRuleset(ctx.stack.pool, defaultRuleset, { activate: true });
  }
  const nurtureRuns = await histories(nurtureIds);
  const cycle1 = nurtureRuns.filter((r) => r.length >= 3).map((r) => costOf(r[1]!));
  const cycle2 = nurtureRuns.filter((r) => r.length >= 4).map((r) => costOf(r[2]!));
  const c1 = pathCost(cycle1);
  const c2 = pathCost(cycle2);
  const result: CostResult = {
    baseline: pathCost(baseline),
    captureToRouted: pathCost(routed),
    captureToQualifiedThreeStep: pathCost(threeStep),
    captureToQualifiedOneCall: pathCost(oneCall),
    // Bounded: a later cycle's run is no bigger than the first's, give or take timing (an extra workflow task or two).
    nurtureCycle: { ...c1, cycle2: c2, bounded: c1.events !== null && c2.events !== null && c2.events <= Math.ceil(c1.events * 1.1) && (c2.bytes ?? 0) <= (c1.bytes ?? 0) * 1.1 },
    errors: errors.length,
    firstErrors: errors.slice(0, 5),
  };
  ctx.log(
    `  actions: routed ${result.captureToRouted.actions}, qualified ${result.captureToQualifiedThreeStep.actions}/${result.captureToQualifiedOneCall.actions}, nurture cycle ${c1.actions} (events ${c1.events} → ${c2.events})`,
  );
  return result;
}
