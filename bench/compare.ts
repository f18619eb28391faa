/**
 * `npm run bench -- --compare [name=]a.json [name=]b.json … [--out comparison.md]`: runs side
 * by side (e.g. the dev server and a real Temporal server), one row per target,
 * each cell the run's value and verdict. Rows match on the figure's wording
 * with its counts blanked (concurrency kept), so runs of different sizes line up.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BenchReport, Verdict } from './report';

const rowKey = (v: Verdict) => v.figure.replace(/(?<!c=)\b\d[\d,.]*/g, '#');

export function comparisonMarkdown(runs: Array<{ name: string; report: BenchReport }>): string {
  const lines = ['# LeadGate benchmark — runs side by side', ''];
  const header = `| | ${runs.map((r) => r.name).join(' | ')} |`;
  const rule = `| --- | ${runs.map(() => '---').join(' | ')} |`;
  const meta = (label: string, get: (r: BenchReport) => unknown) => `| ${label} | ${runs.map((r) => String(get(r.report) ?? '—')).join(' | ')} |`;
  const load = (r: BenchReport) => {
    const l = r.meta.loadAverage as { start?: number[]; end?: number[] } | undefined;
    return l ? `${l.start?.[0] ?? '—'} → ${l.end?.[0] ?? '—'}` : '—';
  };
  lines.push(header, rule);
  lines.push(meta('Temporal', (r) => r.meta.temporal));
  lines.push(meta('run', (r) => `${String(r.meta.mode)}, ${String(r.meta.startedAt)}, ${String(r.meta.durationSeconds)} s, commit ${String(r.meta.commit)}`));
  lines.push(meta('flags', (r) => `\`${String(r.meta.argv)}\``));
  lines.push(meta('load average (1 min) start → end', load));
  lines.push(meta('note', (r) => r.meta.note || '—'));
  lines.push(meta('errors', (r) => r.errors.total));
  lines.push('', '## Targets', '', `| figure | target | ${runs.map((r) => r.name).join(' | ')} |`, `| --- | --- | ${runs.map(() => '---').join(' | ')} |`);
  const keys = new Map<string, Verdict>();
  for (const { report } of runs) for (const v of report.verdicts) if (!keys.has(rowKey(v))) keys.set(rowKey(v), v);
  for (const [key, first] of keys) {
    const cells = runs.map(({ report }) => {
      const v = report.verdicts.find((x) => rowKey(x) === key);
      return v ? `${v.value} · **${v.verdict}**` : '—';
    });
    lines.push(`| ${first.figure} | ${first.target} | ${cells.join(' | ')} |`);
  }
  lines.push('');
  return lines.join('\n');
}

export async function compareRuns(argv: string[], log: (line: string) => void): Promise<void> {
  const outAt = argv.indexOf('--out');
  const out = outAt >= 0 ? argv[outAt + 1] : undefined;
  const named = argv.filter((_, i) => outAt < 0 || (i !== outAt && i !== outAt + 1)).map(namedRun);
  if (named.length < 1 || named.some((r) => !r.file.endsWith('.json'))) throw new Error('--compare takes run files: --compare [name=]a.json [name=]b.json [--out comparison.md]');
  const runs = named.map(({ name, file }) => ({ name, report: JSON.parse(readFileSync(file, 'utf8')) as BenchReport }));
  const md = comparisonMarkdown(runs);
  if (out) {
    writeFileSync(out, md);
    log(`wrote ${out}`);
  }
  process.stdout.write(md);
}

/**
 * A run argument of `--compare`: `name=file.json` names its column; otherwise the
 * column is the file's name, or its folder's for a latest.json (`--out bench/results/cluster`).
 */
export function namedRun(arg: string): { name: string; file: string } {
  const eq = arg.indexOf('=');
  if (eq > 0) return { name: arg.slice(0, eq), file: arg.slice(eq + 1) };
  const name = path.basename(arg) === 'latest.json' ? path.basename(path.dirname(path.resolve(arg))) : path.basename(arg, '.json');
  return { name, file: arg };
}
