/** Rep round trip: a discovery submit (→ Update → 200), and the whole discovery → scope → commercial → qualified path. */
import type { Ctx } from '../context';
import { commercialFindings, qualifyingDiscovery, scopeFindings } from '../fixtures';
import { closedLoop, now, summarize, type Summary } from '../stats';
import { intakeOne } from './throughput';

export interface RepResult {
  concurrency: number;
  discoverySubmitMs: Summary;
  threeStepPathMs: Summary;
  oneCallQualifyMs: Summary;
  errors: number;
  firstErrors: string[];
}

/** Leads parked by intake, or fresh ones when there are not enough. */
async function takeRoutedLeads(ctx: Ctx, count: number) {
  const leads = ctx.routedLeads.splice(0, count);
  while (leads.length < count) leads.push(await intakeOne(ctx));
  return leads;
}

export async function repScenario(ctx: Ctx): Promise<RepResult> {
  const { repN, repConcurrency } = ctx.args;
  const threeStep = await takeRoutedLeads(ctx, repN);
  const oneCall = await takeRoutedLeads(ctx, repN);
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
  ctx.log(`rep: ${repN} one-call qualifications at concurrency ${repConcurrency}`);
  const b = await closedLoop(oneCall.length, repConcurrency, async (i) => {
    const { leadId, owner } = oneCall[i]!;
    const t0 = now();
    await ctx.gateway.discovery(leadId, owner, qualifyingDiscovery(true));
    single.push(now() - t0);
    ctx.qualified.oneCall.push(leadId);
  });
  const result = {
    concurrency: repConcurrency,
    discoverySubmitMs: summarize(discovery),
    threeStepPathMs: summarize(path),
    oneCallQualifyMs: summarize(single),
    errors: a.errors + b.errors,
    firstErrors: [...a.firstErrors, ...b.firstErrors].slice(0, 5),
  };
  ctx.log(`  discovery p95 ${result.discoverySubmitMs.p95} ms, three-step p95 ${result.threeStepPathMs.p95} ms, one-call p95 ${result.oneCallQualifyMs.p95} ms (errors ${result.errors})`);
  return result;
}
