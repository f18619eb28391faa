import { combineRuns, type ReplayFigures } from '../../../bench/scenarios/replay';

const run = (cpu: number | null, heap: number, failures = 0): ReplayFigures => ({
  histories: 200,
  events: 4000,
  cpuMsPerWorkflow: cpu,
  wallMsPerWorkflow: cpu === null ? null : cpu - 1,
  peakHeapGrowthKiB: heap,
  failures,
  firstErrors: failures ? [`failed at ${cpu}`] : [],
});

describe('replay runs of one kind, combined', () => {
  it('averages the per-workflow figures, sums the counts and keeps the highest heap', () => {
    expect(combineRuns([run(8, 30_000), run(10, 34_000, 1)])).toEqual({
      histories: 400,
      events: 8000,
      cpuMsPerWorkflow: 9,
      wallMsPerWorkflow: 8,
      peakHeapGrowthKiB: 34_000,
      failures: 1,
      firstErrors: ['failed at 10'],
    });
  });

  it('gives both kinds the same share of a steady drift in the box speed when run bare, lead, lead, bare', () => {
    // True costs 9 and 3 ms; each run comes out 1 ms per workflow slower than the one before it.
    const measured = (trueMs: number, position: number) => run(trueMs + position, 0);
    const lead = combineRuns([measured(9, 1), measured(9, 2)]).cpuMsPerWorkflow!;
    const bare = combineRuns([measured(3, 0), measured(3, 3)]).cpuMsPerWorkflow!;
    expect(lead - bare).toBe(6);
    // One run each, bare first (the order before): the lead's figure alone carries the drift.
    expect(measured(9, 1).cpuMsPerWorkflow! - measured(3, 0).cpuMsPerWorkflow!).toBe(7);
  });

  it('has no figure when a run has none', () => {
    expect(combineRuns([run(8, 0), run(null, 0)]).cpuMsPerWorkflow).toBeNull();
  });
});
