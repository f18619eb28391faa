/**
 * A lead worker in its own process, so a test can kill it with SIGKILL in the
 * middle of a lead, the way a crashed host would.
 */
import { NativeConnection } from '@temporalio/worker';
import { createPool } from '../../db/pool';
import { createLeadWorker } from '../../worker/create-worker';
import { TEST_PAYLOAD_KEYS } from './payload-keys';
import { bundleLeadWorkflows } from './temporal';

async function main(): Promise<void> {
  const { WORKER_TEMPORAL_ADDRESS, WORKER_DATABASE_URL, WORKER_TASK_QUEUE, WORKER_RULESET_VERSION } = process.env;
  if (!WORKER_TEMPORAL_ADDRESS || !WORKER_DATABASE_URL || !WORKER_TASK_QUEUE) throw new Error('worker-process needs WORKER_* variables');
  // Bundling installs the SDK runtime, which must exist before the first connection.
  const bundle = await bundleLeadWorkflows();
  const connection = await NativeConnection.connect({ address: WORKER_TEMPORAL_ADDRESS });
  const worker = await createLeadWorker({
    connection,
    namespace: 'default',
    pool: createPool(WORKER_DATABASE_URL, 5),
    payloadKeys: TEST_PAYLOAD_KEYS,
    taskQueue: WORKER_TASK_QUEUE,
    workflowBundle: bundle,
    pinnedRulesetVersion: WORKER_RULESET_VERSION,
    // A killed worker's sticky queue hands its workflows back to the shared queue after this long.
    stickyQueueScheduleToStartTimeout: '1s',
  });
  const running = worker.run();
  process.stdout.write('ready\n');
  await running;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
