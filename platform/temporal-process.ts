/**
 * What both Temporal launchers (the CLI's dev server and the production server)
 * do with the process they start: wait until its frontend answers, and stop it
 * politely before forcing it.
 */
import type { ChildProcess } from 'node:child_process';
import { Connection } from '@temporalio/client';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls until `namespace` answers on `address`, with our own deadline (a loaded CI
 * needs more than 5 s); fails at once when `exited` says the process is gone.
 * `what` names the server in the errors.
 */
export async function waitForTemporal(
  address: string,
  namespace: string,
  timeoutMs: number,
  exited?: () => string | undefined,
  what = 'Temporal dev server',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const exit = exited?.();
    if (exit) throw new Error(`${what} exited before it was ready (${exit}).`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await sleep(250);
    }
  }
  throw new Error(`${what} at ${address} not ready after ${timeoutMs} ms: ${String(lastError)}`);
}

/** SIGTERM, then SIGKILL once `graceMs` has passed; resolves when the process is gone. */
export function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
