import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { closedLoop, errorChain, now, percentile, summarize } from '../../../bench/stats';

describe('closed-loop load', () => {
  it('runs every task once when there is no deadline, counting failures without throwing', async () => {
    const seen: number[] = [];
    const run = await closedLoop(10, 3, async (i) => {
      seen.push(i);
      if (i === 4) throw new Error('boom');
    });
    expect(seen.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(run).toMatchObject({ claimed: 10, errors: 1, firstErrors: ['boom'] });
  });

  it('keeps why a task failed, not only what failed: the causes under an SDK error, with their failure types', async () => {
    const refused = ApplicationFailure.create({ type: 'WrongStage', message: 'Lead is in stage fit_check', nonRetryable: true });
    const run = await closedLoop(1, 1, async () => {
      throw new WorkflowUpdateFailedError('Workflow Update failed', refused);
    });
    expect(run.firstErrors).toEqual(['Workflow Update failed <- Lead is in stage fit_check (WrongStage)']);
    expect(errorChain('plain')).toBe('plain');
  });

  it('claims nothing more once its deadline has passed, and says how many it claimed', async () => {
    const run = await closedLoop(1_000, 4, async () => undefined, now() - 1);
    expect(run.claimed).toBe(0);
  });
});

describe('percentiles', () => {
  it('are nearest-rank and carry the sample count', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(summarize([5, 1, 3])).toMatchObject({ n: 3, p50: 3, p99: 5, max: 5 });
    expect(summarize([])).toMatchObject({ n: 0, p95: null });
  });
});
