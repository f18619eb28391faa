/**
 * The baseline LeadGate is compared with: a bare workflow that starts, runs one
 * no-op activity and completes. Bundled on its own; same server, same worker settings.
 */
import { proxyActivities } from '@temporalio/workflow';

export interface BaselineActivities {
  noop(): Promise<void>;
}

const { noop } = proxyActivities<BaselineActivities>({ startToCloseTimeout: '15s' });

export async function baselineWorkflow(): Promise<void> {
  await noop();
}
