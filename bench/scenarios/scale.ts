/**
 * Memory and scale: park leads in awaiting_discovery and in nurture (through
 * the Temporal client: parking is not the HTTP path under test), time it, then
 * read worker and API RSS and Postgres bytes per lead; then nurture timers due
 * together and how late each fired, from the leads' own audit trail, beside as
 * many bare workflows sleeping until one shared instant.
 */
import { randomUUID } from 'node:crypto';
import { defaultRuleset, parseRuleset } from '../../domain';
import { saveRuleset } from '../../db/rulesets';
import { memoryOf, resetPeak } from '../children';
import type { Ctx } from '../context';
import { unconfirmedNeedDiscovery } from '../fixtures';
import { inStage } from '../stage-watch';
import { closedLoop, now, sleep, summarize, type Summary } from '../stats';
import { intakeOne } from './throughput';

export interface ParkResult {
  /** Leads asked for; `parked` of them made it within the time budget. */
  leads: number;
  parked: number;
  concurrency: number;
  seconds: number;
  perSecond: number;
  errors: number;
  firstErrors: string[];
}

export interface ScaleResult {
  awaiting: ParkResult;
  nurture: ParkResult;
  /** Leads in each stage in the read model when memory was read (earlier scenarios' leads included). */
  parkedInReadModel: { awaiting_discovery: number; nurture: number; total: number };
  worker: { before: Mem; afterPark: Mem; peakDuringPark: number | null; pid: number };
  /** The idle baseline worker, for scale: same SDK, same settings, the bare workflow. */
  baselineWorker: Mem;
  api: { before: Mem; afterPark: Mem; peakDuringPark: number | null; pid: number } | null;
  postgres: { bytesBefore: number; bytesAfter: number; bytesPerLead: number | null; leadsAdded: number };
}
type Mem = { rssMiB: number; peakMiB: number } | null;

export interface LatenessResult {
  leads: number;
  dueAt: string;
  parkSeconds: number;
  /** Leads decided after the common due time (their date was clamped): excluded from lateness. */
  decidedLate: number;
  fired: number;
  notFired: number;
  latenessMs: Summary;
  errors: number;
  firstErrors: string[];
  /** The same number of bare workflows sleeping until one shared instant, before the leads are parked (so neither slows the other). */
  bare: BareTimerResult;
}

export interface BareTimerResult {
  workflows: number;
  dueAt: string;
  /** Started after the due time (their timer was 1 ms): excluded from lateness. */
  decidedLate: number;
  latenessMs: Summary;
  errors: number;
  firstErrors: string[];
}

async function userTableBytes(ctx: Ctx): Promise<number> {
  const { rows } = await ctx.stack.pool.query<{ bytes: string }>(
    `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint AS bytes
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')`,
  );
  return Number(rows[0]!.bytes);
}

async function parkedCounts(ctx: Ctx) {
  const { rows } = await ctx.stack.pool.query<{ stage: string; n: number }>(
    `SELECT stage, count(*)::int AS n FROM leads WHERE stage IN ('awaiting_discovery', 'nurture') GROUP BY stage`,
  );
  const get = (s: string) => rows.find((r) => r.stage === s)?.n ?? 0;
  return { awaiting_discovery: get('awaiting_discovery'), nurture: get('nurture'), total: get('awaiting_discovery') + get('nurture') };
}

/** Starts a lead, waits for routing, submits discovery without a confirmed need and waits for nurture. */
async function nurtureOne(ctx: Ctx, overrides = {}) {
  const { leadId, owner } = await intakeOne(ctx, undefined, overrides, ctx.parkGateway);
  await ctx.parkGateway.discovery(leadId, owner, unconfirmedNeedDiscovery);
  await ctx.watch.waitFor(leadId, inStage('nurture'));
  return leadId;
}

async function park(ctx: Ctx, label: string, count: number, budgetMs: number, task: () => Promise<unknown>): Promise<ParkResult> {
  const concurrency = ctx.args.parkConcurrency;
  ctx.log(`scale: parking ${count} leads in ${label} at concurrency ${concurrency} (budget ${Math.round(budgetMs / 1000)} s)`);
  let done = 0;
  const progress = setInterval(() => ctx.log(`  ${label}: ${done}/${count}`), 30_000);
  try {
    const run = await closedLoop(
      count,
      concurrency,
      async () => {
        await task();
        done++;
      },
      now() + budgetMs,
    );
    const seconds = run.elapsedMs / 1000;
    if (done < count) ctx.log(`  ${label}: the ${Math.round(budgetMs / 1000)} s budget ran out at ${done}/${count}`);
    return {
      leads: count,
      parked: done,
      concurrency,
      seconds: Number(seconds.toFixed(1)),
      perSecond: Number((done / seconds).toFixed(1)),
      errors: run.errors,
      firstErrors: run.firstErrors,
    };
  } finally {
    clearInterval(progress);
  }
}

export async function scaleScenario(ctx: Ctx): Promise<ScaleResult> {
  const workerPid = ctx.leadWorker.pid;
  const apiPid = ctx.api?.pid;
  const workerBefore = memoryOf(workerPid);
  const apiBefore = apiPid ? memoryOf(apiPid) : null;
  const peakReset = resetPeak(workerPid) && (!apiPid || resetPeak(apiPid));
  const bytesBefore = await userTableBytes(ctx);
  const leadsBefore = Number((await ctx.stack.pool.query<{ n: string }>('SELECT count(*) AS n FROM leads')).rows[0]!.n);

  // The budget is shared in proportion to the counts; nurture takes two steps a lead, so it gets twice the share.
  const { parked, parkedNurture, parkBudgetSeconds } = ctx.args;
  const share = parked / Math.max(1, parked + 2 * parkedNurture);
  const awaiting = await park(ctx, 'awaiting_discovery', parked, parkBudgetSeconds * 1000 * share, () => intakeOne(ctx, undefined, {}, ctx.parkGateway));
  ctx.log(`  parked ${awaiting.parked} in awaiting_discovery in ${awaiting.seconds} s (${awaiting.perSecond}/s, errors ${awaiting.errors})`);
  const nurture = await park(ctx, 'nurture', parkedNurture, parkBudgetSeconds * 1000 * (1 - share), () => nurtureOne(ctx));
  ctx.log(`  parked ${nurture.parked} in nurture in ${nurture.seconds} s (${nurture.perSecond}/s, errors ${nurture.errors})`);

  // Let the last continue-as-new runs start and the outbox drain before reading memory.
  await sleep(5_000);
  const workerAfter = memoryOf(workerPid);
  const apiAfter = apiPid ? memoryOf(apiPid) : null;
  const bytesAfter = await userTableBytes(ctx);
  const leadsAfter = Number((await ctx.stack.pool.query<{ n: string }>('SELECT count(*) AS n FROM leads')).rows[0]!.n);
  const leadsAdded = leadsAfter - leadsBefore;
  const result: ScaleResult = {
    awaiting,
    nurture,
    parkedInReadModel: await parkedCounts(ctx),
    baselineWorker: memoryOf(ctx.baselineWorker.pid),
    worker: { before: workerBefore, afterPark: workerAfter, peakDuringPark: peakReset ? (workerAfter?.peakMiB ?? null) : null, pid: workerPid },
    api: apiPid ? { before: apiBefore, afterPark: apiAfter, peakDuringPark: peakReset ? (apiAfter?.peakMiB ?? null) : null, pid: apiPid } : null,
    postgres: { bytesBefore, bytesAfter, bytesPerLead: leadsAdded > 0 ? Math.round((bytesAfter - bytesBefore) / leadsAdded) : null, leadsAdded },
  };
  ctx.log(
    `  worker RSS ${workerAfter?.rssMiB} MiB (peak ${result.worker.peakDuringPark}), API RSS ${apiAfter?.rssMiB ?? '-'} MiB, Postgres ${result.postgres.bytesPerLead} B/lead`,
  );
  return result;
}

/**
 * A ruleset whose audit lead time puts every lead's re-engagement date on the
 * same instant: audit date (a day ahead, midnight UTC) minus lead time = dueAt.
 */
function dueTogetherRuleset(dueAt: number, auditDate: string) {
  const leadSeconds = Math.floor((Date.parse(`${auditDate}T00:00:00Z`) - dueAt) / 1000);
  const ruleset = parseRuleset({
    ...defaultRuleset,
    version: 'bench-due-together',
    nurture: { ...defaultRuleset.nurture, auditLeadTime: `${leadSeconds}s`, minimumDelay: '1s' },
  });
  return { ruleset, dueAt: Date.parse(`${auditDate}T00:00:00Z`) - leadSeconds * 1000 };
}

/** Each lead's scheduled re-engagement and its `reengaged` event, once all have fired or `waitUntil` passed. */
async function wakeUps(ctx: Ctx, ids: string[], waitUntil: number) {
  const query = `
    SELECT s.lead_id,
           (s.data->>'reengageAt')::timestamptz AS scheduled,
           r.occurred_at AS fired
    FROM lead_events s
    LEFT JOIN lead_events r ON r.lead_id = s.lead_id AND r.type = 'reengaged'
    WHERE s.type = 'nurture_scheduled' AND s.lead_id = ANY($1)`;
  for (;;) {
    const rows = (await ctx.stack.pool.query<{ lead_id: string; scheduled: Date; fired: Date | null }>(query, [ids])).rows;
    const fired = rows.filter((r) => r.fired).length;
    if ((fired >= ids.length && rows.length >= ids.length) || Date.now() > waitUntil) return rows;
    await sleep(1_000);
  }
}

export async function latenessScenario(ctx: Ctx, nurtureRatePerSecond: number | null): Promise<LatenessResult> {
  const count = ctx.args.dueTogether;
  // The bare timers first, on a quiet box: after the leads wake, routing them again keeps the lead worker busy for a while.
  const bare = await bareTimers(ctx, count);
  const rate = nurtureRatePerSecond && nurtureRatePerSecond > 0 ? nurtureRatePerSecond : 10;
  // Long enough for every lead to be parked before the date comes, with margin.
  const parkBudgetMs = Math.ceil((count / rate) * (ctx.args.quick ? 1.2 : 1.5) * 1000) + (ctx.args.quick ? 5_000 : 20_000);
  const auditDate = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  const { ruleset, dueAt } = dueTogetherRuleset(Date.now() + parkBudgetMs, auditDate);
  const dueIso = new Date(dueAt).toISOString();
  ctx.log(`lateness: ${count} nurture timers due together at ${dueIso} (in ${Math.round((dueAt - Date.now()) / 1000)} s)`);
  // Active until the leads have woken, as a ruleset normally still is when its leads wake: a publication in
  // between is the rarer case (each such wake-up is judged twice; before 2026-11-28 evening every lead here took it).
  await saveRuleset(ctx.stack.pool, ruleset, { activate: true });
  const ids: string[] = [];
  let parkRun;
  let rows: Array<{ lead_id: string; scheduled: Date; fired: Date | null }> = [];
  const t0 = now();
  let parkSeconds = 0;
  try {
    parkRun = await closedLoop(count, ctx.args.parkConcurrency, async () => {
      ids.push(await nurtureOne(ctx, { timeline: { auditDate } }));
    });
    parkSeconds = Number(((now() - t0) / 1000).toFixed(1));
    ctx.log(`  parked ${ids.length} in ${parkSeconds} s; waiting for the due time and the wake-ups`);
    rows = await wakeUps(ctx, ids, Date.now() + Math.max(0, dueAt - Date.now()) + 120_000);
  } finally {
    await saveRuleset(ctx.stack.pool, defaultRuleset, { activate: true });
  }
  const onTime = rows.filter((r) => r.scheduled.getTime() === dueAt);
  const lateness = onTime.filter((r) => r.fired).map((r) => r.fired!.getTime() - dueAt);
  const result: LatenessResult = {
    leads: ids.length,
    dueAt: dueIso,
    parkSeconds,
    decidedLate: rows.length - onTime.length,
    fired: lateness.length,
    notFired: onTime.length - lateness.length,
    latenessMs: summarize(lateness, 0),
    errors: parkRun.errors,
    firstErrors: parkRun.firstErrors,
    bare,
  };
  ctx.log(`  lateness p50 ${result.latenessMs.p50} ms, p99 ${result.latenessMs.p99} ms (n=${result.latenessMs.n}, not fired ${result.notFired}, decided late ${result.decidedLate})`);
  return result;
}

/** `count` bare workflows started through the client, all sleeping until one instant; lateness from the workflow clock at wake-up. */
async function bareTimers(ctx: Ctx, count: number): Promise<BareTimerResult> {
  // Direct starts run at a few hundred a second here; the margin covers a loaded box.
  const dueAt = Date.now() + 10_000 + count * 30;
  const dueIso = new Date(dueAt).toISOString();
  ctx.log(`lateness: ${count} bare timers due together at ${dueIso}`);
  const ids = Array.from({ length: count }, (_, i) => `bare-timer-${i}-${randomUUID().slice(0, 8)}`);
  const start = await closedLoop(count, ctx.args.parkConcurrency, async (i) => {
    await ctx.stack.temporal.workflow.start('bareTimerWorkflow', { taskQueue: ctx.baselineTaskQueue, workflowId: ids[i]!, args: [dueAt] });
  });
  const woke: Array<{ sleptFrom: number; wokeAt: number }> = [];
  const wait = await closedLoop(count, 64, async (i) => {
    woke.push(await ctx.stack.temporal.workflow.getHandle(ids[i]!).result());
  });
  const onTime = woke.filter((w) => w.sleptFrom < dueAt);
  const result: BareTimerResult = {
    workflows: count,
    dueAt: dueIso,
    decidedLate: woke.length - onTime.length,
    latenessMs: summarize(
      onTime.map((w) => w.wokeAt - dueAt),
      0,
    ),
    errors: start.errors + wait.errors,
    firstErrors: [...start.firstErrors, ...wait.firstErrors].slice(0, 5),
  };
  ctx.log(`  bare timer lateness p50 ${result.latenessMs.p50} ms, p99 ${result.latenessMs.p99} ms (n=${result.latenessMs.n}, decided late ${result.decidedLate})`);
  return result;
}
