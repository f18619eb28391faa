import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ACTIVATION_TIMEOUT_SWITCH, HEAP_GROWING_PERCENT, MALLOC_ARENAS, STACK_TRACES_SWITCH, withMallocArenas, workerNodeArgs } from '../../../worker/node-args';
import { projectRoot } from '../../../platform/project-root';

const root = projectRoot();
/** The preload as the entrypoints spell it, relative to the project root they run in. */
const preload = workerNodeArgs('dist').map((arg) => (path.isAbsolute(arg) ? `./${path.relative(root, arg)}` : arg));
/** How an npm script sets the arenas: the operator's own MALLOC_ARENA_MAX, else LeadGate's. */
const arenas = `MALLOC_ARENA_MAX=\${MALLOC_ARENA_MAX:-${MALLOC_ARENAS}}`;
const scripts = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

describe('every way a worker starts', () => {
  it('preloads the workflow-threads switches: npm start, npm run start:worker, the compose worker, the cluster', () => {
    expect(scripts.start).toContain(`${arenas} node ${preload.join(' ')} dist/scripts/start-stack.js`);
    expect(scripts['start:worker']).toBe(`${arenas} node ${preload.join(' ')} dist/worker/main.js`);
    const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { command?: string[] }> };
    expect(compose.services.worker?.command).toEqual(['node', ...preload, 'dist/worker/main.js']);
    expect(readFileSync(path.join(root, 'scripts', 'cluster.ts'), 'utf8')).toContain("worker: [process.execPath, ...workerNodeArgs('dist'), dist('worker/main.js')]");
  });

  it('holds V8 heap growth the same way in the built worker and in the one tests and the benchmark run from source', () => {
    const v8Flags = (from: 'dist' | 'source') => workerNodeArgs(from).filter((arg) => arg.startsWith('--') && arg !== '--require');
    expect(v8Flags('dist')).toEqual([`--heap-growing-percent=${HEAP_GROWING_PERCENT}`]);
    expect(v8Flags('source')).toEqual(v8Flags('dist'));
  });

  it('caps malloc arenas in every LeadGate process: the npm start scripts, the image, the cluster and the benchmark', () => {
    for (const name of ['start', 'start:worker', 'start:api']) expect(scripts[name]).toContain(`${arenas} node `);
    // In the image that runs, the Dockerfile's last stage.
    const finalStage = readFileSync(path.join(root, 'Dockerfile'), 'utf8').split(/^FROM /m).pop();
    expect(finalStage).toMatch(new RegExp(`^ENV MALLOC_ARENA_MAX=${MALLOC_ARENAS}$`, 'm'));
    expect(readFileSync(path.join(root, 'scripts', 'cluster.ts'), 'utf8')).toContain('env: withMallocArenas({ ...process.env');
    expect(readFileSync(path.join(root, 'bench', 'run.ts'), 'utf8')).toContain('...withMallocArenas(process.env)');
  });

  it("leaves an operator's own arena setting in place, in the scripts' shell as in the spawned processes", () => {
    const seen = (env: NodeJS.ProcessEnv) =>
      execFileSync('sh', ['-c', `${arenas} node -e "process.stdout.write(process.env.MALLOC_ARENA_MAX)"`], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
    expect(seen({})).toBe(MALLOC_ARENAS);
    expect(seen({ MALLOC_ARENA_MAX: '4' })).toBe('4');
    expect(seen({ MALLOC_ARENA_MAX: '' })).toBe(MALLOC_ARENAS);
    expect(withMallocArenas({}).MALLOC_ARENA_MAX).toBe(MALLOC_ARENAS);
    expect(withMallocArenas({ MALLOC_ARENA_MAX: '' }).MALLOC_ARENA_MAX).toBe(MALLOC_ARENAS);
    expect(withMallocArenas({ MALLOC_ARENA_MAX: '4' }).MALLOC_ARENA_MAX).toBe('4');
  });
});

describe('the workflow-threads preload', () => {
  /** What a worker thread of a process started with the preload sees (the SDK's workflow threads are such threads). */
  const inWorkerThread = (env: NodeJS.ProcessEnv) => {
    const thread = `
      const v8 = require('node:v8');
      const { AsyncLocalStorage } = require('node:async_hooks');
      let hook;
      try { v8.promiseHooks.createHook({ init() {} }); hook = 'available'; } catch (error) { hook = error.message; }
      // A sandbox call that spins for 300 ms under a 50 ms timeout, as the SDK enters a workflow's sandbox.
      const vm = require('node:vm');
      let watchdog = 'none';
      try { new vm.Script('const end = Date.now() + 300; while (Date.now() < end) {}').runInContext(vm.createContext({}), { timeout: 50 }); } catch (error) { watchdog = error.message; }
      const als = new AsyncLocalStorage();
      als.run('kept', () => Promise.resolve().then(() => require('node:worker_threads').parentPort.postMessage({ hook, watchdog, context: als.getStore() })));`;
    const main = `
      const { Worker } = require('node:worker_threads');
      new Worker(${JSON.stringify(thread)}, { eval: true }).once('message', (m) => console.log(JSON.stringify(m)));`;
    const out = execFileSync(process.execPath, [...workerNodeArgs('source'), '-e', main], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
    return JSON.parse(out.trim()) as { hook: string; watchdog: string; context: string };
  };

  it('takes the promise-hook API away from worker threads by default, naming the switch, and leaves async context working', () => {
    const seen = inWorkerThread({ [STACK_TRACES_SWITCH]: '', [ACTIVATION_TIMEOUT_SWITCH]: '' });
    expect(seen.hook).toContain(`${STACK_TRACES_SWITCH}=on`);
    expect(seen.context).toBe('kept');
  });

  it(`leaves it in place with ${STACK_TRACES_SWITCH}=on`, () => {
    expect(inWorkerThread({ [STACK_TRACES_SWITCH]: 'on', [ACTIVATION_TIMEOUT_SWITCH]: '' })).toMatchObject({ hook: 'available', context: 'kept' });
  });

  it('runs calls into a sandbox without a per-call watchdog thread by default', () => {
    expect(inWorkerThread({ [ACTIVATION_TIMEOUT_SWITCH]: '' }).watchdog).toBe('none');
  });

  it(`keeps the timeout with ${ACTIVATION_TIMEOUT_SWITCH}=on`, () => {
    expect(inWorkerThread({ [ACTIVATION_TIMEOUT_SWITCH]: 'on' }).watchdog).toMatch(/timed out after 50ms/);
  });
});
