import path from 'node:path';
import { projectRoot } from '../platform/project-root';

/** Turns the SDK's per-promise stack capture back on in a worker started with workerNodeArgs: `on`. */
export const STACK_TRACES_SWITCH = 'LEADGATE_WORKFLOW_STACK_TRACES';

/** Turns the SDK's 5 s watchdog on each call into a workflow's sandbox back on in a worker started with workerNodeArgs: `on`. */
export const ACTIVATION_TIMEOUT_SWITCH = 'LEADGATE_WORKFLOW_ACTIVATION_TIMEOUT';

/**
 * The Node options every worker process starts with: the workflow-threads
 * preload (worker/workflow-threads.ts), from the build (`dist`) or, for tests
 * and the benchmark, from the TypeScript sources under tsx. package.json and
 * docker-compose.yml spell the built form out; test/unit/platform/worker-entrypoints.test.ts
 * holds them to it.
 */
export function workerNodeArgs(from: 'dist' | 'source'): string[] {
  return from === 'dist'
    ? ['--require', path.join(projectRoot(), 'dist', 'worker', 'workflow-threads.js')]
    : ['--require', 'tsx/cjs', '--require', path.join(projectRoot(), 'worker', 'workflow-threads.ts')];
}
