/**
 * Preloaded into the worker process (`node --require ./dist/worker/workflow-threads.js`):
 * Node runs it first in every thread, the SDK's workflow threads included. It
 * takes two costs the SDK pays on every lead's every activation and has no
 * option for; each comes back with its switch (and a worker restart).
 *
 * Promise stacks. For the `__stack_trace` query, the SDK hooks every promise a
 * workflow creates and records where it was made; that hook was about 40% of a
 * lead's worker CPU (bench/README.md, "Where a lead's CPU goes"). Unless
 * LEADGATE_WORKFLOW_STACK_TRACES=on, the workflow threads see no promise-hook
 * API, which the SDK takes as "stack traces not available": leads run the same,
 * and the query answers "Workflow stack traces are not enabled on this worker".
 * Only the public `v8.promiseHooks` object is replaced: Node's own async context
 * tracking uses its internal hooks and is untouched.
 *
 * Activation watchdog. The SDK enters a workflow's sandbox through
 * `vm.Script#runInContext` with a `timeout` (its isolateExecutionTimeout, 5 s),
 * and Node enforces a timeout by starting and joining a native thread for every
 * such call (nodejs/node#47739): about 90 µs each, some 28 calls per replayed
 * lead, a quarter of a lead's replay CPU. The timeout only ever fires for
 * workflow code that spins without yielding; LeadGate's has no unbounded loop,
 * and the tests, whose workers are not started with this preload, keep the
 * SDK's timeout. Unless LEADGATE_WORKFLOW_ACTIVATION_TIMEOUT=on, calls into the
 * sandbox run without it; on, a task that spins fails after 5 s and is retried,
 * instead of holding its workflow thread.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { ACTIVATION_TIMEOUT_SWITCH, STACK_TRACES_SWITCH } from './node-args';

if (process.env[STACK_TRACES_SWITCH] !== 'on') {
  const off = () => {
    throw new Error(`workflow stack traces are off in this worker (${STACK_TRACES_SWITCH}=on turns them on)`);
  };
  Object.defineProperty(v8, 'promiseHooks', { value: { ...v8.promiseHooks, createHook: off }, enumerable: true, configurable: true, writable: true });
}

if (process.env[ACTIVATION_TIMEOUT_SWITCH] !== 'on') {
  const runInContext = vm.Script.prototype.runInContext;
  // `vm.runInContext(code, …)` goes through this method too. Node reads an undefined timeout as none.
  vm.Script.prototype.runInContext = function (this: vm.Script, context, options) {
    return runInContext.call(this, context, options?.timeout === undefined ? options : { ...options, timeout: undefined });
  };
}
