import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleLeadWorkflows } from '../support/temporal';

/**
 * Replays recorded lead histories (test/histories, made by `npm run
 * histories:record`) against today's workflow code. A change that makes a
 * running lead take a different path fails here: it needs `patched()` or a new
 * workflow type, not a re-recording.
 */
const historiesDir = path.join(__dirname, '..', 'histories');
const files = readdirSync(historiesDir).filter((f) => f.endsWith('.json')).sort();

let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  bundle = await bundleLeadWorkflows();
});

it('has recorded histories for every path worth protecting', () => {
  expect(files).toEqual(
    expect.arrayContaining([
      'qualified-in-one-call.json',
      'qualified-stepwise.json',
      'urgent-escalated-then-silent.json',
      'nurture-cycle-then-disqualified.json',
      'nurture-cycle-then-disqualified.run2.json',
      'unqualified-at-fit-check.json',
    ]),
  );
});

it.each(files)('replays %s deterministically', async (file) => {
  const history = JSON.parse(readFileSync(path.join(historiesDir, file), 'utf8'));
  await expect(Worker.runReplayHistory({ workflowBundle: bundle }, history, file)).resolves.toBeUndefined();
});
