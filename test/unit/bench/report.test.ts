import { comparisonMarkdown, namedRun } from '../../../bench/compare';
import { verdicts, type BenchReport } from '../../../bench/report';
import type { RepResult } from '../../../bench/scenarios/rep';
import type { ReplayResult } from '../../../bench/scenarios/replay';
import { summarize } from '../../../bench/stats';

const replay = (leadMs: number, bareMs: number): ReplayResult => {
  const figures = (cpu: number) => ({ histories: 10, events: 100, cpuMsPerWorkflow: cpu, wallMsPerWorkflow: cpu, peakHeapGrowthKiB: 0, failures: 0, firstErrors: [] });
  return { lead: figures(leadMs), bare: figures(bareMs), warmup: 1, leadMix: { routed: 10 } };
};

const rep = (warm: [number, number], cold: [number, number]): RepResult => {
  const s = (ms: number) => summarize([ms]);
  return {
    concurrency: 4,
    discoverySubmitMs: s(warm[0]),
    bareUpdateWarmMs: s(warm[1]),
    threeStepPathMs: s(1),
    oneCallQualifyMs: s(1),
    cold: { discoverySubmitMs: s(cold[0]), bareUpdateMs: s(cold[1]), method: 'restart' },
    errors: 0,
    firstErrors: [],
  };
};

const report = (parts: Partial<BenchReport>): BenchReport => ({ meta: {}, errors: { total: 0, byScenario: {} }, verdicts: [], ...parts });
const verdictOf = (r: BenchReport, figure: RegExp) => verdicts(r).find((v) => figure.test(v.figure))?.verdict;

describe('benchmark verdicts are ratios to the bare workflow of the same run', () => {
  it('judges replay CPU against 3× the bare replay', () => {
    expect(verdictOf(report({ replay: replay(30, 10) }), /^Replay CPU/)).toBe('PASS');
    expect(verdictOf(report({ replay: replay(31, 10) }), /^Replay CPU/)).toBe('MISS');
  });

  it('judges discovery against 2× the bare Update warm and 4× cold, apart', () => {
    const r = report({ rep: rep([40, 20], [500, 100]) });
    expect(verdictOf(r, /warm/)).toBe('PASS');
    expect(verdictOf(r, /cold/)).toBe('MISS');
  });

  it('has no verdict without the bare figure to divide by', () => {
    expect(verdictOf(report({ replay: replay(30, 0) }), /^Replay CPU/)).toBe('n/a');
  });
});

describe('runs side by side', () => {
  it('lines up the same target across runs of different sizes, keeping concurrency levels apart', () => {
    const run = (parked: number, value: string) =>
      report({
        verdicts: [
          { figure: `Worker RSS with ${parked} parked leads`, value, samples: '', target: '≤ 600 MB', verdict: 'info' },
          { figure: 'p95 capture→routed, c=1', value: 'one', samples: '', target: '', verdict: 'PASS' },
          { figure: 'p95 capture→routed, c=32', value: 'thirty-two', samples: '', target: '', verdict: 'MISS' },
        ],
      });
    const md = comparisonMarkdown([
      { name: 'dev-server', report: run(100, '300 MiB') },
      { name: 'cluster', report: run(20_000, '500 MiB') },
    ]);
    expect(md).toContain('| Worker RSS with 100 parked leads | ≤ 600 MB | 300 MiB · **info** | 500 MiB · **info** |');
    expect(md).toContain('| p95 capture→routed, c=32 |  | thirty-two · **MISS** | thirty-two · **MISS** |');
    expect(md.match(/capture→routed/g)).toHaveLength(2);
  });

  it('names a column as asked, else after the file, or after the folder of a latest.json', () => {
    expect(namedRun('dev-server=bench/results/latest.json')).toEqual({ name: 'dev-server', file: 'bench/results/latest.json' });
    expect(namedRun('bench/results/cluster/latest.json')).toEqual({ name: 'cluster', file: 'bench/results/cluster/latest.json' });
    expect(namedRun('/tmp/runs/before.json')).toEqual({ name: 'before', file: '/tmp/runs/before.json' });
  });
});
