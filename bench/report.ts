/** latest.json (everything) and latest.md (each figure next to its target, PASS/MISS). */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CostResult } from './scenarios/cost';
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
const judge = (ok: boolean | null): Verdict['verdict'] => (ok === null ? 'n/a' : ok ? 'PASS' : 'MISS');

export function verdicts(r: BenchReport): Verdict[] {
  const out: Verdict[] = [];
  const levels = r.throughput ?? [];
  if (levels.length) {
    const bestIntake = levels.reduce((a, b) => (b.intake.perSecond > a.intake.perSecond ? b : a));
    const bestBaseline = levels.reduce((a, b) => (b.baseline.perSecond > a.baseline.perSecond ? b : a));
    const ratio = bestBaseline.baseline.perSecond ? bestIntake.intake.perSecond / bestBaseline.baseline.perSecond : null;
    out.push({
      figure: 'Intake throughput vs baseline (peak over levels)',
      value: `${bestIntake.intake.perSecond} leads/s (c=${bestIntake.concurrency}) vs ${bestBaseline.baseline.perSecond} wf/s (c=${bestBaseline.concurrency}) = ${fmt(ratio === null ? null : Number(ratio.toFixed(2)), '×')}`,
      samples: `${bestIntake.intake.n} + ${bestBaseline.baseline.n}`,
      target: '≥ 0.5×',
      verdict: judge(ratio === null ? null : ratio >= 0.5),
    });
    for (const l of levels) {
      const x = l.ratios.p95RoutedOverBaselineP95;
      out.push({
        figure: `p95 capture→routed vs baseline p95 completion, c=${l.concurrency}`,
        value: `${fmt(l.intake.captureToRoutedMs.p95, ' ms')} vs ${fmt(l.baseline.completionMs.p95, ' ms')} = ${fmt(x, '×')}`,
        samples: `${l.intake.captureToRoutedMs.n} + ${l.baseline.completionMs.n}`,
        target: '≤ 3×',
        verdict: judge(x === null ? null : x <= 3),
      });
    }
    const p95 = bestIntake.intake.accepted202Ms.p95;
    out.push({
      figure: `p95 POST /v1/leads 202 at the sustained rate (c=${bestIntake.concurrency}, ${bestIntake.intake.perSecond}/s)`,
      value: fmt(p95, ' ms'),
      samples: String(bestIntake.intake.accepted202Ms.n),
      target: '≤ 50 ms',
      verdict: judge(p95 === null ? null : p95 <= 50),
    });
  }
  if (r.rep) {
    const p95 = r.rep.discoverySubmitMs.p95;
    out.push({ figure: `p95 discovery submit (c=${r.rep.concurrency})`, value: fmt(p95, ' ms'), samples: String(r.rep.discoverySubmitMs.n), target: '≤ 150 ms', verdict: judge(p95 === null ? null : p95 <= 150) });
    out.push({ figure: 'p95 discovery→scope→commercial→qualified (3 calls)', value: fmt(r.rep.threeStepPathMs.p95, ' ms'), samples: String(r.rep.threeStepPathMs.n), target: '—', verdict: 'info' });
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
  if (r.scale) {
    const s = r.scale;
    const parked = s.parkedInReadModel.total;
    const worst = Math.max(s.worker.afterPark?.rssMiB ?? 0, s.worker.peakDuringPark ?? 0);
    out.push({
      figure: `Worker RSS with ${parked} parked leads (${s.parkedInReadModel.awaiting_discovery} awaiting discovery, ${s.parkedInReadModel.nurture} nurture): at rest / peak while parking`,
      value: `${fmt(s.worker.afterPark?.rssMiB, ' MiB')} / ${fmt(s.worker.peakDuringPark, ' MiB')}`,
      samples: `${parked} leads`,
      target: parked >= 20_000 ? '≤ 400 MB (381 MiB)' : '≤ 400 MB = 381 MiB (target is for 20,000 parked)',
      verdict: parked >= 20_000 ? judge(worst <= 400 * 1e6 / 1048576) : worst <= 400 * 1e6 / 1048576 ? 'info' : 'MISS',
    });
    out.push({ figure: 'Baseline worker RSS (bare workflow, same settings; for scale)', value: fmt(s.baselineWorker?.rssMiB, ' MiB'), samples: '—', target: '—', verdict: 'info' });
    if (s.api) {
      out.push({ figure: 'API RSS at rest / peak while parking', value: `${fmt(s.api.afterPark?.rssMiB, ' MiB')} / ${fmt(s.api.peakDuringPark, ' MiB')}`, samples: `${parked} leads`, target: '—', verdict: 'info' });
    }
    out.push({ figure: 'Postgres bytes per lead (pg_total_relation_size, all tables)', value: fmt(s.postgres.bytesPerLead, ' B'), samples: `${s.postgres.leadsAdded} leads`, target: '—', verdict: 'info' });
    out.push({ figure: 'Time to park in awaiting_discovery', value: `${s.awaiting.seconds} s (${s.awaiting.perSecond}/s, c=${s.awaiting.concurrency})`, samples: String(s.awaiting.leads), target: '—', verdict: 'info' });
    out.push({ figure: 'Time to park in nurture (intake + discovery)', value: `${s.nurture.seconds} s (${s.nurture.perSecond}/s, c=${s.nurture.concurrency})`, samples: String(s.nurture.leads), target: '—', verdict: 'info' });
  }
  if (r.lateness) {
    const l = r.lateness;
    const p99 = l.latenessMs.p99;
    const ok = p99 === null ? null : p99 <= 2000 && l.notFired === 0;
    out.push({
      figure: `Nurture timer lateness, ${l.latenessMs.n} due at once: p50 / p99${l.notFired ? ` (${l.notFired} never fired)` : ''}`,
      value: `${fmt(l.latenessMs.p50, ' ms')} / ${fmt(p99, ' ms')}`,
      samples: String(l.latenessMs.n),
      target: l.leads >= 1000 ? 'p99 ≤ 2 s (1,000 due)' : 'p99 ≤ 2 s (target is for 1,000 due)',
      verdict: l.leads >= 1000 ? judge(ok) : ok === false ? 'MISS' : 'info',
    });
  }
  if (r.domain) {
    out.push({ figure: 'Domain: score + route one lead (median)', value: fmt(r.domain.scoreAndRouteUs.p50, ' µs'), samples: String(r.domain.scoreAndRouteUs.n), target: '—', verdict: 'info' });
  }
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
  lines.push(`Flags: \`${String(m.argv)}\``, '');
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
    lines.push(summaryRow('discovery → scope → commercial → qualified', r.rep.threeStepPathMs));
    lines.push(summaryRow('one discovery call carrying scope + commercial → qualified', r.rep.oneCallQualifyMs));
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
  }
  lines.push('');
  return lines.join('\n');
}

export function writeReport(dir: string, r: BenchReport): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'latest.json'), `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(path.join(dir, 'latest.md'), markdown(r));
}
