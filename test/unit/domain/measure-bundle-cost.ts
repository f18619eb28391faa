/**
 * What a lead pays to evaluate the domain in the workflow bundle: the worker
 * evaluates the bundle's modules afresh for every workflow it creates or
 * replays, in one shared V8 context. This bundles an entry point into one
 * CommonJS script, compiles it once, evaluates it N times in one fresh
 * context while keeping every evaluation's exports alive (as live workflows
 * do), and reports CPU ms and retained heap KB per evaluation — alone, and
 * followed by the first validation of a discovery and an intake payload
 * (zod compiles each object schema's fast path on its first parse).
 * Not a test (speed goals live in the benchmark). Run:
 *   NODE_OPTIONS=--expose-gc npx tsx test/unit/domain/measure-bundle-cost.ts [N]
 */
import { buildSync } from 'esbuild';
import path from 'node:path';
import vm from 'node:vm';

const root = path.resolve(__dirname, '../../..');
const gc = (globalThis as { gc?: () => void }).gc;

function bundle(entry: string): string {
  const built = buildSync({ entryPoints: [entry], absWorkingDir: root, bundle: true, write: false, format: 'cjs', platform: 'node', logLevel: 'silent' });
  return built.outputFiles[0]!.text;
}

function settledHeap(): number {
  for (let i = 0; i < 3; i++) gc?.();
  return process.memoryUsage().heapUsed;
}

type Exports = Record<string, unknown>;
type Work = (exports: Exports) => void;

const discovery = { triggeringEvent: 'Ransomware on two laptops last week', needConfirmed: true, nextMeeting: { at: '2027-01-12T15:00:00Z', type: 'assessment' } };
const intake = {
  companyName: 'Northwind Health', domain: 'https://www.northwind-health.com', primaryInterest: 'incident_response', source: 'inbound_form',
  contact: { name: 'Dana Reyes', email: 'Dana.Reyes@northwind-health.com', title: 'CISO' }, employeeCount: 1200, regulations: ['HIPAA'],
};
const expectOk = (result: unknown) => {
  const r = result as { success?: boolean; ok?: boolean };
  if (!r.success && !r.ok) throw new Error(`fixture refused: ${JSON.stringify(result)}`);
};
const viaZod: Work = (e) => {
  for (const [schema, payload] of [['DiscoverySchema', discovery], ['LeadIntakeSchema', intake]] as const) {
    expectOk((e[schema] as { safeParse: (v: unknown) => unknown }).safeParse(payload));
  }
};
const viaGuards: Work = (e) => {
  expectOk((e.parseDiscovery as (v: unknown) => unknown)(discovery));
  expectOk((e.parseLeadIntake as (v: unknown) => unknown)(intake));
};

function measure(label: string, source: string, runs: number, work: Work = () => {}): void {
  const context = vm.createContext({ TextEncoder, TextDecoder });
  const script = new vm.Script(`(function (module, exports) {\n'use strict';\n${source}\n})`);
  const load = script.runInContext(context) as (m: { exports: object }, e: object) => void;
  const evaluate = () => {
    const module = { exports: {} as Exports };
    load(module, module.exports);
    work(module.exports);
    return module.exports;
  };
  const firstStart = performance.now();
  evaluate();
  const first = performance.now() - firstStart;
  for (let i = 0; i < 3; i++) evaluate(); // warm-up: compile lazily-parsed functions once, as a long-lived worker has
  const kept: object[] = [];
  const heapBefore = settledHeap();
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  for (let i = 0; i < runs; i++) kept.push(evaluate());
  const wall = performance.now() - wallBefore;
  const cpu = process.cpuUsage(cpuBefore);
  const heap = settledHeap() - heapBefore;
  const perRun = (n: number) => (n / runs).toFixed(2);
  console.log(
    `${label.padEnd(21)} ${(source.length / 1024).toFixed(0).padStart(5)} KB source | ${perRun((cpu.user + cpu.system) / 1000).padStart(7)} ms CPU, ` +
      `${perRun(wall).padStart(7)} ms wall, ${perRun(heap / 1024).padStart(8)} KB heap per evaluation (N=${kept.length}; first ${first.toFixed(1)} ms)`,
  );
}

const runs = Number(process.argv[2] ?? 50);
if (!gc) console.warn('Run with NODE_OPTIONS=--expose-gc for heap figures.');
const [oldBarrel, core] = [bundle('domain/index.ts'), bundle('domain/core.ts')];
measure('domain (old barrel)', oldBarrel, runs);
measure('domain/core', core, runs);
measure('empty module', 'exports.x = 1;', runs);
measure('old + 2 validations', oldBarrel, runs, viaZod);
measure('core + 2 validations', core, runs, viaGuards);
