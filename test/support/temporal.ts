import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Pool } from 'pg';
import type { PayloadKey } from '../../platform/payload-codec';
import { createLeadWorker, type LeadWorkerOptions } from '../../worker/create-worker';
import { leadDataConverter } from '../../platform/data-converter';
import { buildLeadBundle, SHARED_BUNDLE_ENV } from './lead-bundle';
import { TEST_PAYLOAD_KEYS } from './payload-keys';
import { testServices } from './services';

let runtimeInstalled = false;

/** Quiet SDK logs unless a test is being debugged. */
function installRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger(process.env.TEST_LOG_LEVEL === 'debug' ? 'DEBUG' : 'WARN') });
}

/** For tests that scan what the worker side logged: the SDK runtime's lines (worker, workflows, activities) also go to `sink`. Call before anything else touches Temporal. */
export function installRuntimeCapturing(sink: (line: string) => void): void {
  if (runtimeInstalled) throw new Error('The SDK runtime is already installed in this test process');
  runtimeInstalled = true;
  Runtime.install({
    logger: new DefaultLogger('INFO', (entry) => sink(`${entry.level} ${entry.message} ${JSON.stringify(entry.meta ?? {}, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`)),
  });
}

/** Connects to the dev server started by the global setup, encrypting payloads as production does. */
export async function connectTestEnv(payloadKeys: readonly PayloadKey[] = TEST_PAYLOAD_KEYS): Promise<TestWorkflowEnvironment> {
  installRuntime();
  return TestWorkflowEnvironment.createFromExistingServer({
    address: testServices().temporalAddress,
    namespace: 'default',
    client: { dataConverter: leadDataConverter(payloadKeys) },
  });
}

/** How a lead history is replayed in tests: on `bundle`, decoding payloads with the keys the test workers encrypt them with. */
export function leadReplayOptions(bundle: WorkflowBundleWithSourceMap) {
  return { workflowBundle: bundle, dataConverter: leadDataConverter(TEST_PAYLOAD_KEYS) };
}

/** The bundle the integration setup built for the whole run, else (unit and fault tests) one built now. */
export async function bundleLeadWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  installRuntime();
  const shared = process.env[SHARED_BUNDLE_ENV];
  if (shared) return JSON.parse(await readFile(shared, 'utf8')) as WorkflowBundleWithSourceMap;
  return buildLeadBundle();
}

export const uniqueTaskQueue = (name: string) => `test-${name}-${randomUUID()}`;

export interface TestWorkerOptions extends Partial<Omit<LeadWorkerOptions, 'connection' | 'pool' | 'workflowBundle'>> {
  env: TestWorkflowEnvironment;
  pool: Pool;
  bundle: WorkflowBundleWithSourceMap;
  taskQueue: string;
}

export function createTestWorker(options: TestWorkerOptions): Promise<Worker> {
  return createLeadWorker({
    connection: options.env.nativeConnection,
    namespace: options.env.namespace ?? 'default',
    pool: options.pool,
    payloadKeys: options.payloadKeys ?? TEST_PAYLOAD_KEYS,
    acceptPlainPayloads: options.acceptPlainPayloads,
    taskQueue: options.taskQueue,
    workflowBundle: options.bundle,
    pinnedRulesetVersion: options.pinnedRulesetVersion,
    stickyQueueScheduleToStartTimeout: options.stickyQueueScheduleToStartTimeout,
  });
}
