/**
 * domain/core.ts is what the workflow bundle evaluates for every lead, so its
 * runtime import graph must stay free of zod, the schemas, the ruleset and
 * JSON; and it must keep working once deep-frozen, as the worker does to
 * `preloadModules` it shares between workflows.
 */
import { buildSync } from 'esbuild';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import vm from 'node:vm';
import * as full from '../../../domain';
import type * as Core from '../../../domain/core';
import { NOW, commercial, discovery, intake, scope } from './fixtures';

const root = path.resolve(__dirname, '../../..');

/** domain/core.ts as one CommonJS script, the way a bundler sees it: type-only imports vanish. */
const built = buildSync({
  entryPoints: ['domain/core.ts'],
  absWorkingDir: root,
  bundle: true,
  write: false,
  metafile: true,
  format: 'cjs',
  platform: 'neutral',
  logLevel: 'silent',
});
const runtimeModules = Object.keys(built.metafile.inputs).sort();

/** The worker's freeze for shared modules and sandbox globals (reusable-vm.js in @temporalio/worker). */
function deepFreeze<T>(object: T, visited = new WeakSet<object>()): T {
  if (object === null || (typeof object !== 'object' && typeof object !== 'function')) return object;
  if (visited.has(object) || Object.isFrozen(object)) return object;
  visited.add(object);
  if (typeof object === 'object') {
    for (const name of [...Object.getOwnPropertyNames(object), ...Object.getOwnPropertySymbols(object)]) {
      try {
        deepFreeze((object as Record<string | symbol, unknown>)[name], visited);
      } catch {
        // Some objects (typed arrays) cannot be frozen; the worker skips them too.
      }
    }
  }
  return Object.freeze(object);
}

/** Evaluates the bundle in a fresh context (strict, as webpack emits ES modules), then freezes its exports and the context's globals. */
function frozenCore(): typeof Core {
  const context = vm.createContext({});
  const module = { exports: {} as typeof Core };
  const load = vm.runInContext(`(function (module, exports) {\n'use strict';\n${built.outputFiles[0]!.text}\n})`, context) as (m: typeof module, e: object) => void;
  load(module, module.exports);
  for (const name of vm.runInContext('Object.getOwnPropertyNames(globalThis)', context) as string[]) {
    if (name !== 'globalThis') deepFreeze((context as Record<string, unknown>)[name]);
  }
  return deepFreeze(module).exports;
}

describe('domain/core, the workflow bundle\'s share of the domain', () => {
  it('reaches no zod, schema, ruleset, lead-view or JSON module at runtime', () => {
    expect(runtimeModules).toContain('domain/core.ts');
    expect(runtimeModules.filter((m) => /node_modules|\.json$|domain\/(schemas|ruleset|index|lead-view|simulate)\.ts$/.test(m))).toEqual([]);
  });

  it('is listed, module by module, in the lint rules that keep it that way', () => {
    const script = "import('./eslint.config.mjs').then((m) => console.log(JSON.stringify(m.workflowBundleDomain)))";
    const listed = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' })) as string[];
    expect([...listed].sort()).toEqual(runtimeModules);
  });

  it('exports no RegExp, which once frozen throws at anyone resetting its lastIndex (zod\'s .regex() does)', () => {
    const found: string[] = [];
    const walk = (value: unknown, where: string, seen: Set<unknown>) => {
      if (value === null || typeof value !== 'object' || seen.has(value)) return;
      seen.add(value);
      if (Object.prototype.toString.call(value) === '[object RegExp]') found.push(where);
      for (const [key, inner] of Object.entries(value)) walk(inner, `${where}.${key}`, seen);
    };
    walk(frozenCore(), 'core', new Set());
    expect(found).toEqual([]);
  });

  it('decides exactly as the full domain does after being deep-frozen, so it may be preloaded and shared', () => {
    const core = frozenCore();
    expect(Object.isFrozen(core.LEAD_ACTIONS.discovery) && Object.isFrozen(core.STAGES)).toBe(true);
    const ruleset = full.defaultRuleset;
    const lead = intake();
    const d = discovery();
    const same = (fromCore: unknown, fromFull: unknown) => expect(JSON.stringify(fromCore)).toBe(JSON.stringify(fromFull));

    const fit = core.checkFit(lead, ruleset);
    same(fit, full.checkFit(lead, ruleset));
    same(core.scoreLead(lead, ruleset, { discovery: d }), full.scoreLead(lead, ruleset, { discovery: d }));
    same(core.routeLead(lead, ruleset, NOW), full.routeLead(lead, ruleset, NOW));
    same(core.evaluateDiscovery(d, lead, ruleset), full.evaluateDiscovery(d, lead, ruleset));
    same(core.evaluateScope(scope(), ruleset), full.evaluateScope(scope(), ruleset));
    same(core.evaluateCommercial(commercial(), d, ruleset), full.evaluateCommercial(commercial(), d, ruleset));
    same(
      core.decideOutcome({ trigger: 'evaluation', intake: lead, ruleset, fit, discovery: d, scope: scope(), commercial: commercial() }),
      full.decideOutcome({ trigger: 'evaluation', intake: lead, ruleset, fit, discovery: d, scope: scope(), commercial: commercial() }),
    );
    same(core.planReengagement(lead, ruleset, NOW, 1, d), full.planReengagement(lead, ruleset, NOW, 1, d));
    same(core.handoffChecklist(lead, d, scope(), commercial()), full.handoffChecklist(lead, d, scope(), commercial()));
    expect(core.parseDuration('15m')).toBe(900_000);
    expect(core.actionRefusal('discovery', { stage: 'nurture', owner: 'rep-1' }, { role: 'rep', repId: 'rep-1' })?.reason).toBe('wrong_stage');
    same(core.parseDiscovery({ ...d, gaps: '  ' }), { ok: false, issues: [{ path: 'gaps', message: 'Must not be empty' }] });
    same(core.parseLeadIntake(lead), { ok: true, value: full.LeadIntakeSchema.parse(lead) });
  });
});
