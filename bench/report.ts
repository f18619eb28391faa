/** latest.json (everything) and latest.md (each figure next to its target, PASS/MISS). */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CacheResult } from './scenarios/cache';
import type { CostResult } from './scenarios/cost';
import type { ReplayResult } from './scenarios/replay';
import type { RepResult } from './scenarios/rep';
import type { LatenessResult, ScaleResult } from './scenarios/scale';
import type { LevelResult } from './scenarios/throughput';
import type { Summary } from './stats';

export interface BenchReport {
  meta: Record<string, unknown>;
  throughput?: LevelResult[];
  rep?: RepResult;
  cost?: CostResult;
  scale?: ScaleResult;
  lateness?: LatenessResult;
  replay?: ReplayResult;
  cache?: CacheResult;
  domain?: { scoreAndRouteUs: Summary };
  errors: { total: number; byScenario: Record<string, number> };
  verdicts: Verdict[];
}

export interface Verdict {
  figure: string;
  value: string;
  samples: string;
  target: string;
  verdict: 'PASS' | 'MISS' | 'n/a' | 'info';
}

const fmt = (v: number | null | undefined, unit = '') => (v === null || v === undefined ? '—' : `${v}${unit}`);
const times = (n: number) => (n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`);
const judge = (ok: boolean | null): Verdict['verdict'] => (ok === null ? 'n/a' : ok ? 'PASS' : 'MISS');

const ratioOf = (a: number | null | undefined, b: number | null | undefined) =>
  a === null || a === undefined || b === null || b === undefined || b <= 0 ? null : Number((a / b).toFixed(2));

/** A figure judged as a ratio to the bare workflow's in the same run. */
function ratioVerdict(figure: string, lead: string, bare: string, x: number | null, samples: string, limit: number, atMost: boolean): Verdict {
  return {
    figure,
    value: `${lead} vs ${bare} = ${fmt(x, '×')}`,
    samples,
    target: `${atMost ? '≤' : '≥'} ${limit}× bare`,
    verdict: judge(x === null ? null : atMost ? x <= limit : x >= limit),
  };
}

const RSS_TARGET_MIB = Number(((600 * 1e6) / 1048576).toFixed(1));

function latencyVerdicts(r: BenchReport, out: Verdict[]): void {
  const levels = r.throughput ?? [];
  if (levels.length) {
    const bestIntake = levels.reduce((a, b) => (b.intake.perSecond > a.intake.perSecond ? b : a));
    const bestBaseline = levels.reduce((a, b) => (b.baseline.perSecond > a.baseline.perSecond ? b : a));
    out.push(
      ratioVerdict(
        'Intake throughput (peak over levels)',
        `${bestIntake.intake.perSecond} leads/s (c=${bestIntake.concurrency})`,
        `${bestBaseline.baseline.perSecond} wf/s (c=${bestBaseline.concurrency})`,
        ratioOf(bestIntake.intake.perSecond, bestBaseline.baseline.perSecond),
        `${bestIntake.intake.n} + ${bestBaseline.baseline.n}`,
        0.8,
        false,
      ),
    );
    for (const l of levels) {
      out.push(
        ratioVerdict(
          `p95 capture→routed vs bare completion p95, c=${l.concurrency}`,
          fmt(l.intake.captureToRoutedMs.p95, ' ms'),
          fmt(l.baseline.completionMs.p95, ' ms'),
          l.ratios.p95RoutedOverBaselineP95,
          `${l.intake.captureToRoutedMs.n} + ${l.baseline.completionMs.n}`,
          1.5,
          true,
        ),
      );
    }
    out.push({
      figure: `p95 POST /v1/leads 202 (c=${bestIntake.concurrency}, ${bestIntake.intake.perSecond}/s)`,
      value: fmt(bestIntake.intake.accepted202Ms.p95, ' ms'),
      samples: String(bestIntake.intake.accepted202Ms.n),
      target: '—',
      verdict: 'info',
    });
  }
  if (r.rep) {
    const p = r.rep;
    const warm = ratioOf(p.discoverySubmitMs.p95, p.bareUpdateWarmMs.p95);
    const cold = ratioOf(p.cold.discoverySubmitMs.p95, p.cold.bareUpdateMs.p95);
    out.push(
      ratioVerdict(`p95 discovery vs bare no-op Update p95, warm (cached), c=${p.concurrency}`, fmt(p.discoverySubmitMs.p95, ' ms'), fmt(p.bareUpdateWarmMs.p95, ' ms'), warm, `${p.discoverySubmitMs.n} + ${p.bareUpdateWarmMs.n}`, 2, true),
    );
    out.push(
      ratioVerdict(
        `p95 discovery vs bare no-op Update p95, cold (workers restarted), c=${p.concurrency}`,
        fmt(p.cold.discoverySubmitMs.p95, ' ms'),
        fmt(p.cold.bareUpdateMs.p95, ' ms'),
        cold,
        `${p.cold.discoverySubmitMs.n} + ${p.cold.bareUpdateMs.n}`,
        4,
        true,
      ),
    );
    out.push({ figure: 'p95 discovery→scope→commercial→qualified (3 calls)', value: fmt(p.threeStepPathMs.p95, ' ms'), samples: String(p.threeStepPathMs.n), target: '—', verdict: 'info' });
  }
}

function costVerdicts(r: BenchReport, out: Verdict[]): void {
  if (r.replay) {
    const { lead, bare } = r.replay;
    out.push(
      ratioVerdict(
        'Replay CPU per workflow (own process, this run\'s histories)',
        fmt(lead.cpuMsPerWorkflow, ' ms'),
        fmt(bare.cpuMsPerWorkflow, ' ms'),
        ratioOf(lead.cpuMsPerWorkflow, bare.cpuMsPerWorkflow),
        `${lead.histories} + ${bare.histories}`,
        3,
        true,
      ),
    );
    out.push({
      figure: 'Replay peak heap growth (each workflow evicted once replayed)',
      value: `${fmt(lead.peakHeapGrowthKiB, ' KiB')} vs ${fmt(bare.peakHeapGrowthKiB, ' KiB')}`,
      samples: `${lead.histories} + ${bare.histories}`,
      target: '—',
      verdict: 'info',
    });
  }
  if (r.cache) {
    const { lead, bare } = r.cache;
    out.push(
      ratioVerdict('Heap per cached workflow (fresh worker, own process)', fmt(lead.kibPerWorkflow, ' KiB'), fmt(bare.kibPerWorkflow, ' KiB'), ratioOf(lead.kibPerWorkflow, bare.kibPerWorkflow), `${lead.workflows} + ${bare.workflows}`, 3, true),
    );
  }
  if (r.cost) {
    const c = r.cost;
    const row = (figure: string, p: CostResult['captureToRouted'], limit: number | null) =>
      out.push({
        figure,
        value: `${fmt(p.actions)} actions (max ${fmt(p.maxActions)}), ${fmt(p.events)} events, ${fmt(p.bytes)} B`,
        samples: String(p.samples),
        target: limit === null ? '—' : `≤ ${limit} actions`,
        verdict: limit === null ? 'info' : judge(p.maxActions === null ? null : p.maxActions <= limit),
      });
    row('Cost capture→routed', c.captureToRouted, 12);
    row('Cost capture→qualified (one discovery call)', c.captureToQualifiedOneCall, 25);
    row('Cost capture→qualified (discovery, scope, commercial)', c.captureToQualifiedThreeStep, 25);
    row('Cost of one nurture cycle (run 2: wake, route, discovery, nurture)', c.nurtureCycle, null);
    out.push({
      figure: 'History bounded per nurture cycle (events cycle 1 → cycle 2)',
      value: `${fmt(c.nurtureCycle.events)} → ${fmt(c.nurtureCycle.cycle2.events)} events, ${fmt(c.nurtureCycle.bytes)} → ${fmt(c.nurtureCycle.cycle2.bytes)} B`,
      samples: `${c.nurtureCycle.samples} + ${c.nurtureCycle.cycle2.samples}`,
      target: 'cycle 2 ≤ cycle 1 (±10%)',
      verdict: c.nurtureCycle.samples && c.nurtureCycle.cycle2.samples ? judge(c.nurtureCycle.bounded) : 'n/a',
    });
  }
}

function scaleVerdicts(r: BenchReport, out: Verdict[]): void {
  if (r.scale) {
    const s = r.scale;
    const parked = s.parkedInReadModel.total;
    const worst = Math.max(s.worker.afterPark?.rssMiB ?? 0, s.worker.peakDuringPark ?? 0);
    const atScale = parked >= 20_000 && r.meta.defaultCacheSize !== false;
    out.push({
      figure: `Worker RSS with ${parked} parked leads (${s.parkedInReadModel.awaiting_discovery} awaiting discovery, ${s.parkedInReadModel.nurture} nurture): at rest / peak while parking`,
      value: `${fmt(s.worker.afterPark?.rssMiB, ' MiB')} / ${fmt(s.worker.peakDuringPark, ' MiB')}`,
      samples: `${parked} leads`,
      target: `≤ 600 MB (${RSS_TARGET_MIB} MiB) with 20,000 parked at the default cache size${atScale ? '' : ' (not this run\'s scale: info unless already over)'}`,
      verdict: atScale ? judge(worst <= RSS_TARGET_MIB) : worst <= RSS_TARGET_MIB ? 'info' : 'MISS',
    });
    out.push({ figure: 'Baseline worker RSS (bare workflow, same settings; for scale)', value: fmt(s.baselineWorker?.rssMiB, ' MiB'), samples: '—', target: '—', verdict: 'info' });
    if (s.api) {
      out.push({ figure: 'API RSS at rest / peak while parking', value: `${fmt(s.api.afterPark?.rssMiB, ' MiB')} / ${fmt(s.api.peakDuringPark, ' MiB')}`, samples: `${parked} leads`, target: '—', verdict: 'info' });
    }
    out.push({ figure: 'Postgres bytes per lead (pg_total_relation_size, all tables)', value: fmt(s.postgres.bytesPerLead, ' B'), samples: `${s.postgres.leadsAdded} leads`, target: '—', verdict: 'info' });
    const parkRow = (figure: string, p: ScaleResult['awaiting']) =>
      out.push({ figure, value: `${p.parked ?? p.leads} of ${p.leads} in ${p.seconds} s (${p.perSecond}/s, c=${p.concurrency})`, samples: String(p.parked ?? p.leads), target: '—', verdict: 'info' });
    parkRow('Time to park in awaiting_discovery (Temporal client)', s.awaiting);
    parkRow('Time to park in nurture (intake + discovery, Temporal client)', s.nurture);
  }
  if (r.lateness) {
    const l = r.lateness;
    const bareP99 = l.bare?.latenessMs.p99;
    // A bare p99 of 0 ms (the workflow clock has whole milliseconds) is compared as 1 ms.
    const x = l.notFired > 0 ? null : ratioOf(l.latenessMs.p99, bareP99 === null || bareP99 === undefined ? null : Math.max(bareP99, 1));
    const v = ratioVerdict(
      `Nurture timer lateness p99, ${l.latenessMs.n} due together, vs bare timers (${l.bare?.latenessMs.n ?? 0} due together)${l.notFired ? ` (${l.notFired} never fired)` : ''}`,
      fmt(l.latenessMs.p99, ' ms'),
      fmt(bareP99, ' ms'),
      x,
      `${l.latenessMs.n} + ${l.bare?.latenessMs.n ?? 0}`,
      2,
      true,
    );
    out.push(l.notFired > 0 ? { ...v, verdict: 'MISS' } : v);
  }
  if (r.domain) {
    out.push({ figure: 'Domain: score + route one lead (median)', value: fmt(r.domain.scoreAndRouteUs.p50, ' µs'), samples: String(r.domain.scoreAndRouteUs.n), target: '—', verdict: 'info' });
  }
}

export function verdicts(r: BenchReport): Verdict[] {
  const out: Verdict[] = [];
  costVerdicts(r, out);
  latencyVerdicts(r, out);
  scaleVerdicts(r, out);
  return out;
}

function summaryRow(name: string, s: Summary) {
  return `| ${name} | ${s.n} | ${fmt(s.p50)} | ${fmt(s.p95)} | ${fmt(s.p99)} | ${fmt(s.max)} |`;
}

export function markdown(r: BenchReport): string {
  const m = r.meta;
  const lines: string[] = [];
  lines.push(`# LeadGate benchmark — ${String(m.mode)} run`, '');
  lines.push(`${String(m.startedAt)} · ${String(m.durationSeconds)} s · ${String(m.cpus)} × ${String(m.cpuModel)} · ${String(m.memoryGiB)} GiB · Node ${String(m.node)} · commit ${String(m.commit)}`, '');
  lines.push(`Temporal: ${String(m.temporal)}. PostgreSQL: ${String(m.postgres)}. Leads enter through: ${String(m.gateway)}. Worker and API each in their own process.`, '');
  lines.push(`Flags: \`${String(m.argv)}\`. Worker settings: ${String(m.workerSettings)}.`, '');
  const load = m.loadAverage as { start?: number[]; end?: number[] } | undefined;
  const note = m.note ? ` Note: ${String(m.note)}` : '';
  if (load) lines.push(`Machine load average (1/5/15 min) at start ${load.start?.join(' / ') ?? '—'}, at end ${load.end?.join(' / ') ?? '—'}.${note}`, '');
  const busiest = m.busiestProcesses as { start?: string[]; end?: string[] } | undefined;
  if (busiest?.start?.length) lines.push(`Busiest processes (% CPU, comm) at start: ${busiest.start.join('; ')}. At end: ${busiest.end?.join('; ') ?? '—'}.`, '');
  lines.push(r.errors.total === 0 ? '**No errors.**' : `**This run had ${r.errors.total} errors**: ${JSON.stringify(r.errors.byScenario)} (details in latest.json).`, '');
  lines.push('## Targets', '', '| figure | value | samples | target | verdict |', '| --- | --- | --- | --- | --- |');
  for (const v of r.verdicts) lines.push(`| ${v.figure} | ${v.value} | ${v.samples} | ${v.target} | ${v.verdict} |`);
  if (r.throughput?.length) {
    lines.push('', '## Baseline vs intake by concurrency (ms)', '', '| concurrency | baseline wf/s | intake leads/s | ratio | errors |', '| --- | --- | --- | --- | --- |');
    for (const l of r.throughput) lines.push(`| ${l.concurrency} | ${l.baseline.perSecond} | ${l.intake.perSecond} | ${fmt(l.ratios.throughput, '×')} | ${l.baseline.errors} + ${l.intake.errors} |`);
    lines.push('', '| latency (ms) | n | p50 | p95 | p99 | max |', '| --- | --- | --- | --- | --- | --- |');
    for (const l of r.throughput) {
      lines.push(summaryRow(`baseline start RPC, c=${l.concurrency}`, l.baseline.startRpcMs));
      lines.push(summaryRow(`baseline completion, c=${l.concurrency}`, l.baseline.completionMs));
      lines.push(summaryRow(`POST /v1/leads 202, c=${l.concurrency}`, l.intake.accepted202Ms));
      lines.push(summaryRow(`capture→routed, c=${l.concurrency}`, l.intake.captureToRoutedMs));
    }
  }
  if (r.rep) {
    lines.push('', `## Rep round trip (ms, concurrency ${r.rep.concurrency})`, '', '| latency (ms) | n | p50 | p95 | p99 | max |', '| --- | --- | --- | --- | --- | --- |');
    lines.push(summaryRow('discovery submit → 200', r.rep.discoverySubmitMs));
    if (r.rep.discoveryAmidPathsMs) lines.push(summaryRow('discovery submit → 200, amid other leads\' scope and commercial calls', r.rep.discoveryAmidPathsMs));
    lines.push(summaryRow('discovery → scope → commercial → qualified', r.rep.threeStepPathMs));
    lines.push(summaryRow('one discovery call carrying scope + commercial → qualified', r.rep.oneCallQualifyMs));
    lines.push(summaryRow('bare no-op Update, warm', r.rep.bareUpdateWarmMs));
    lines.push(summaryRow('discovery submit → 200, cold', r.rep.cold.discoverySubmitMs));
    lines.push(summaryRow('bare no-op Update, cold', r.rep.cold.bareUpdateMs));
    lines.push(
      '',
      `Warm: leads routed moments before and bare workflows parked moments before, in their workers' caches; discovery submits and bare Updates are each timed with only their own kind in flight (before 2026-11-28 the warm discovery figure was the first step of the three-step paths, amid other leads' scope and commercial calls). Cold: ${r.rep.cold.method}.`,
    );
  }
  if (r.replay || r.cache) {
    lines.push('', '## Per-workflow cost in the worker', '', '| figure | lead | bare | ratio |', '| --- | --- | --- | --- |');
    if (r.replay) {
      const { lead, bare } = r.replay;
      lines.push(`| replay CPU ms per workflow (${lead.histories} + ${bare.histories} histories, ${lead.events} + ${bare.events} events) | ${fmt(lead.cpuMsPerWorkflow)} | ${fmt(bare.cpuMsPerWorkflow)} | ${fmt(ratioOf(lead.cpuMsPerWorkflow, bare.cpuMsPerWorkflow), '×')} |`);
      lines.push(`| replay wall ms per workflow | ${fmt(lead.wallMsPerWorkflow)} | ${fmt(bare.wallMsPerWorkflow)} | ${fmt(ratioOf(lead.wallMsPerWorkflow, bare.wallMsPerWorkflow), '×')} |`);
      lines.push(`| replay peak heap growth KiB | ${fmt(lead.peakHeapGrowthKiB)} | ${fmt(bare.peakHeapGrowthKiB)} | — |`);
    }
    if (r.cache) {
      const { lead, bare } = r.cache;
      lines.push(`| heap KiB per cached workflow (${lead.workflows} + ${bare.workflows} parked) | ${fmt(lead.kibPerWorkflow)} | ${fmt(bare.kibPerWorkflow)} | ${fmt(ratioOf(lead.kibPerWorkflow, bare.kibPerWorkflow), '×')} |`);
      lines.push(`| probe worker RSS MiB before → after parking | ${lead.rssBeforeMiB} → ${lead.rssAfterMiB} | ${bare.rssBeforeMiB} → ${bare.rssAfterMiB} | — |`);
    }
    if (r.replay) lines.push('', `Lead histories replayed: ${Object.entries(r.replay.leadMix).map(([k, v]) => `${v} ${k}`).join(', ')}; latest run of each; ${r.replay.passes ? `each set replayed ${times(r.replay.warmup / Object.values(r.replay.leadMix).reduce((a, b) => a + b, 0))} unmeasured, then ${r.replay.passes} times measured (the samples count every measured replay)${r.replay.order ? `; sets run in the order ${r.replay.order} (each in a fresh process), and each kind's figures are the mean of its runs` : ''}.` : `the first ${r.replay.warmup} of each set replayed once more, unmeasured, before the measured set.`}`);
    if (r.cache) lines.push('', `Heap per cached workflow: ${r.cache.method}.`);
  }
  if (r.cost) {
    const c = r.cost;
    lines.push('', '## Cost per path (median over samples)', '', '| path | samples | events | bytes | billable actions | breakdown (first sample) |', '| --- | --- | --- | --- | --- | --- |');
    const row = (name: string, p: CostResult['baseline']) =>
      lines.push(`| ${name} | ${p.samples} | ${fmt(p.events)} | ${fmt(p.bytes)} | ${fmt(p.actions)} | ${Object.entries(p.breakdown).map(([k, v]) => `${k} ${v}`).join(', ')} |`);
    row('baseline workflow', c.baseline);
    row('capture→routed', c.captureToRouted);
    row('capture→qualified, one call', c.captureToQualifiedOneCall);
    row('capture→qualified, three calls', c.captureToQualifiedThreeStep);
    row('nurture cycle 1 (one run)', c.nurtureCycle);
    row('nurture cycle 2 (one run)', c.nurtureCycle.cycle2);
    lines.push('', 'Queries and rejected updates bill but never reach history; these paths issued none.');
  }
  if (r.lateness) {
    const l = r.lateness;
    lines.push('', '## Nurture timers due together', '', `${l.leads} leads parked in ${l.parkSeconds} s, all due at ${l.dueAt}; fired ${l.fired}, not fired ${l.notFired}, decided after the due time (excluded) ${l.decidedLate}.`);
    lines.push('', '| lateness (ms) | n | p50 | p95 | p99 | max |', '| --- | --- | --- | --- | --- | --- |', summaryRow('reengaged event vs due time', l.latenessMs));
    if (l.bare) {
      lines.push(summaryRow(`bare timer wake-up vs due time (due ${l.bare.dueAt})`, l.bare.latenessMs));
      lines.push('', `Bare timers: ${l.bare.workflows} bare workflows started through the client before the leads were parked, all sleeping until one instant; decided after it (excluded) ${l.bare.decidedLate}.`);
    }
  }
  lines.push('');
  return lines.join('\n');
}

export function writeReport(dir: string, r: BenchReport): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'latest.json'), `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(path.join(dir, 'latest.md'), markdown(r));
}
