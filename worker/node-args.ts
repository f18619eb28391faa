import path from 'node:path';
import { projectRoot } from '../platform/project-root';

/** Turns the SDK's per-promise stack capture back on in a worker started with workerNodeArgs: `on`. */
export const STACK_TRACES_SWITCH = 'LEADGATE_WORKFLOW_STACK_TRACES';

/** Turns the SDK's 5 s watchdog on each call into a workflow's sandbox back on in a worker started with workerNodeArgs: `on`. */
export const ACTIVATION_TIMEOUT_SWITCH = 'LEADGATE_WORKFLOW_ACTIVATION_TIMEOUT';

/**
 * glibc's malloc arenas for a LeadGate process, unless its environment sets
 * MALLOC_ARENA_MAX itself. By default glibc gives every thread that allocates
 * an arena of its own (up to 8 per core) and keeps what is freed in each; a
 * worker has many such threads (the SDK's workflow threads, its core's runtime,
 * libuv's pool), so the memory that parking leads allocates and frees stays
 * spread over arenas that never shrink. With two, the benchmark's worker with
 * 8,000 leads parked held 503 MiB at rest instead of 656 MiB, at the same
 * replay CPU; parking ran 4–11% slower, the bare workflow's too
 * (bench/README.md, twelfth pass). glibc reads the variable once, when the
 * process starts, so each entrypoint sets it: package.json's start scripts,
 * the image (Dockerfile), and the processes `npm run cluster` and the
 * benchmark spawn (`withMallocArenas`);
 * test/unit/platform/worker-entrypoints.test.ts holds them to this value.
 */
export const MALLOC_ARENAS = '2';

/** `env` with MALLOC_ARENAS as MALLOC_ARENA_MAX, unless it sets its own (an empty value is none, as the npm scripts' `${MALLOC_ARENA_MAX:-2}` reads it). */
export function withMallocArenas(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return env.MALLOC_ARENA_MAX ? env : { ...env, MALLOC_ARENA_MAX: MALLOC_ARENAS };
}

/**
 * How far V8 lets a worker's heap grow past what its last full collection kept:
 * 50%, where V8 otherwise picks a factor of up to 4× when collections are cheap.
 * Parking leads fast creates and drops a sandbox per evicted lead, so with the
 * default factor the heap swelled to several times the leads it holds before
 * collecting. With 8,000 leads parked at concurrency 64 (benchmark, scale
 * scenario alone) the worker's RSS stayed at 457 MiB, peak included, against
 * 553 MiB at rest and 635 MiB at the peak; parking speed and the quick run's
 * ratios did not move beyond their noise (`--optimize-for-size` took RSS lower
 * still but cost replay 30% more CPU; a smaller young generation, nothing).
 */
export const HEAP_GROWING_PERCENT = 50;

/**
 * The Node options every worker process starts with: the heap's growth
 * (HEAP_GROWING_PERCENT) and the workflow-threads preload
 * (worker/workflow-threads.ts), from the build (`dist`) or, for tests and the
 * benchmark, from the TypeScript sources under tsx. package.json and
 * docker-compose.yml spell the built form out; test/unit/platform/worker-entrypoints.test.ts
 * holds them to it.
 */
export function workerNodeArgs(from: 'dist' | 'source'): string[] {
  const heap = `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
  return from === 'dist'
    ? [heap, '--require', path.join(projectRoot(), 'dist', 'worker', 'workflow-threads.js')]
    : [heap, '--require', 'tsx/cjs', '--require', path.join(projectRoot(), 'worker', 'workflow-threads.ts')];
}
