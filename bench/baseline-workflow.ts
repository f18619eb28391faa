/**
 * The bare workflows LeadGate is compared with, bundled on their own and run
 * on the same server with the same worker settings:
 * - `baselineWorkflow`: start → one no-op activity → complete (intake, cost, replay);
 * - `bareParkedWorkflow`: parks with a no-op Update handler, like a lead
 *   awaiting discovery (the Update baseline, heap per cached workflow);
 * - `bareTimerWorkflow`: sleeps until a given instant and returns the workflow
 *   clock when it woke, like a lead in nurture (the timer baseline).
 */
import { condition, defineSignal, defineUpdate, proxyActivities, setHandler, sleep } from '@temporalio/workflow';

export interface BaselineActivities {
  noop(): Promise<void>;
}

const { noop } = proxyActivities<BaselineActivities>({ startToCloseTimeout: '15s' });

export const bareNoopUpdate = defineUpdate<void>('noop');
export const bareReleaseSignal = defineSignal('release');

export async function baselineWorkflow(): Promise<void> {
  await noop();
}

export async function bareParkedWorkflow(): Promise<void> {
  let released = false;
  setHandler(bareNoopUpdate, () => undefined);
  setHandler(bareReleaseSignal, () => void (released = true));
  await condition(() => released);
}

/** Sleeps until `dueAtMs` (epoch ms); returns the workflow clock when it went to sleep and at the wake-up task. */
export async function bareTimerWorkflow(dueAtMs: number): Promise<{ sleptFrom: number; wokeAt: number }> {
  const sleptFrom = Date.now();
  await sleep(Math.max(dueAtMs - sleptFrom, 1));
  return { sleptFrom, wokeAt: Date.now() };
}
