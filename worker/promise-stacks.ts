/**
 * Preloaded into the worker process (`node --require ./dist/worker/promise-stacks.js`):
 * Node runs it first in every thread, the SDK's workflow threads included.
 *
 * For the `__stack_trace` query, the SDK hooks every promise a workflow creates
 * and records where it was made; that hook was about 40% of a lead's worker CPU
 * (bench/README.md, "Where a lead's CPU goes") and the SDK has no option to turn
 * it off. Unless LEADGATE_WORKFLOW_STACK_TRACES=on, the workflow threads see no
 * promise-hook API, which the SDK takes as "stack traces not available": leads
 * run the same, and the query answers "Workflow stack traces are not enabled on
 * this worker". Turn it on (and restart the worker) to look at where leads wait.
 * Only the public `v8.promiseHooks` object is replaced: Node's own async context
 * tracking uses its internal hooks and is untouched.
 */
import v8 from 'node:v8';
import { STACK_TRACES_SWITCH } from './node-args';

if (process.env[STACK_TRACES_SWITCH] !== 'on') {
  const off = () => {
    throw new Error(`workflow stack traces are off in this worker (${STACK_TRACES_SWITCH}=on turns them on)`);
  };
  Object.defineProperty(v8, 'promiseHooks', { value: { ...v8.promiseHooks, createHook: off }, enumerable: true, configurable: true, writable: true });
}
