/** `npx tsx bench/rerender.ts [dir]`: rebuild latest.md (and the verdicts in latest.json) from a run's latest.json. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { verdicts, writeReport, type BenchReport } from './report';

const dir = path.resolve(process.argv[2] ?? path.join(__dirname, 'results'));
const report = JSON.parse(readFileSync(path.join(dir, 'latest.json'), 'utf8')) as BenchReport;
if (report.cost) {
  const c = report.cost.nurtureCycle;
  c.bounded = c.events !== null && c.cycle2.events !== null && c.cycle2.events <= Math.ceil(c.events * 1.1) && (c.cycle2.bytes ?? 0) <= (c.bytes ?? 0) * 1.1;
}
report.verdicts = verdicts(report);
writeReport(dir, report);
