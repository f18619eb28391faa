import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { leadDataConverter } from '../../platform/data-converter';
import { TEST_PAYLOAD_KEYS } from '../support/payload-keys';
import { bundleLeadWorkflows } from '../support/temporal';

/**
 * Replays recorded lead histories (test/histories, made by `npm run
 * histories:record`) against today's workflow code. A change that makes a
 * running lead take a different path fails here: it needs `patched()` or a new
 * workflow type, not a re-recording. Replay runs with the encrypting data
 * converter, as production workers do: histories recorded before encryption
 * hold plain payloads, which the codec passes through.
 */
const historiesDir = path.join(__dirname, '..', 'histories');
const files = readdirSync(historiesDir).filter((f) => f.endsWith('.json')).sort();

let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  bundle = await bundleLeadWorkflows();
});

const paths = [
  'qualified-in-one-call',
  'qualified-stepwise',
  'urgent-escalated-then-silent',
  'nurture-cycle-then-disqualified',
  'nurture-cycle-then-disqualified.run2',
  'unqualified-at-fit-check',
];

it('has recorded histories for every path worth protecting, before and after the local-writes patch', () => {
  const expected = paths.flatMap((p) => [`${p}.json`, `v1-remote-writes.${p}.json`]);
  expect(files).toEqual(expect.arrayContaining(expected));
});

it.each(files)('replays %s deterministically', async (file) => {
  const history = JSON.parse(readFileSync(path.join(historiesDir, file), 'utf8'));
  await expect(Worker.runReplayHistory({ workflowBundle: bundle, dataConverter: leadDataConverter(TEST_PAYLOAD_KEYS) }, history, file)).resolves.toBeUndefined();
});
