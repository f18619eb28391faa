import type { Pool } from 'pg';
import type { Config } from '../config/config';
import type { Logger } from '../platform/logger';
import type { PayloadKey } from '../platform/payload-codec';
import { connectTemporalWorker } from '../platform/temporal-connection';
import { createLeadWorker } from './create-worker';
import { startNotificationDispatcher } from './notification-dispatcher';

export interface RunningWorker {
  /** Settles when the worker has stopped (after `stop()` or a fatal error). */
  done: Promise<void>;
  stop(): Promise<void>;
}

/** Starts the lead worker on the prebuilt bundle plus the notification dispatcher. */
export async function startWorker(config: Config, deps: { address: string; pool: Pool; log: Logger; payloadKeys: readonly PayloadKey[] }): Promise<RunningWorker> {
  const connection = await connectTemporalWorker(config, deps.address);
  const worker = await createLeadWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    pool: deps.pool,
    payloadKeys: deps.payloadKeys,
    acceptPlainPayloads: config.LEADGATE_ACCEPT_PLAIN_PAYLOADS,
    workflowBundle: { codePath: config.WORKFLOW_BUNDLE_PATH },
    maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
  });
  const dispatcher = startNotificationDispatcher({
    pool: deps.pool,
    log: deps.log,
    intervalMs: config.NOTIFY_POLL_INTERVAL_MS,
    ...(config.NOTIFY_WEBHOOK_URL && config.NOTIFY_WEBHOOK_SECRET ? { webhook: { url: config.NOTIFY_WEBHOOK_URL, secret: config.NOTIFY_WEBHOOK_SECRET } } : {}),
  });
  const done = worker.run().finally(async () => {
    await dispatcher.stop();
    await connection.close();
  });
  deps.log.info({ taskQueue: worker.options.taskQueue, namespace: config.TEMPORAL_NAMESPACE }, 'worker started');
  return {
    done,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
