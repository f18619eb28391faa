import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { Pool } from 'pg';
import { createActivities } from '../activities';
import { leadDataConverter } from '../platform/data-converter';
import type { PayloadKey } from '../platform/payload-codec';
import { LEAD_TASK_QUEUE } from '../workflows/ids';

export interface LeadWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  pool: Pool;
  /** Payload encryption keys, oldest first: the worker decrypts with all and encrypts with the last. */
  payloadKeys: readonly PayloadKey[];
  /** False: refuse payloads no key sealed (see LEADGATE_ACCEPT_PLAIN_PAYLOADS). */
  acceptPlainPayloads?: boolean;
  taskQueue?: string;
  /** Production: the prebuilt bundle. Tests: a bundle made once per file. */
  workflowBundle: WorkerOptions['workflowBundle'];
  pinnedRulesetVersion?: string;
  maxConcurrentActivityTaskExecutions?: number;
  maxCachedWorkflows?: number;
  /** Tests shorten the sticky-queue timeout so a replacement worker takes over quickly. */
  stickyQueueScheduleToStartTimeout?: WorkerOptions['stickyQueueScheduleToStartTimeout'];
  /** The benchmark runs workflows on the main thread so it can read their heap. */
  debugMode?: boolean;
}

export function createLeadWorker(options: LeadWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue ?? LEAD_TASK_QUEUE,
    workflowBundle: options.workflowBundle,
    dataConverter: leadDataConverter(options.payloadKeys, { acceptPlain: options.acceptPlainPayloads ?? true }),
    activities: createActivities({ pool: options.pool, pinnedRulesetVersion: options.pinnedRulesetVersion }),
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions ?? 50,
    // The SDK rejects explicit undefined for its defaults, so pass only what was given.
    ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
    ...(options.stickyQueueScheduleToStartTimeout ? { stickyQueueScheduleToStartTimeout: options.stickyQueueScheduleToStartTimeout } : {}),
    ...(options.debugMode ? { debugMode: true } : {}),
    // Let in-flight activities (each a short database write) finish on shutdown.
    shutdownGraceTime: '10s',
  });
}
