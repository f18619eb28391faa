/** Pure unit tests need no services; integration tests share one Temporal dev
 * server and one PostgreSQL started by the global setup; fault tests start what
 * they break; browser tests drive the console in Chromium against services of their own. */
const transform = { '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] };

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60_000,
  projects: [
    {
      displayName: 'unit',
      transform,
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
    },
    {
      displayName: 'integration',
      transform,
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      // Runs only when an integration test is selected, so unit runs need no services.
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      slowTestThreshold: 30,
    },
    {
      // Kills and restarts real processes; each file starts the services it breaks.
      displayName: 'faults',
      transform,
      testMatch: ['<rootDir>/test/faults/**/*.test.ts'],
      slowTestThreshold: 120,
    },
    {
      // The console in Debian's Chromium against the real stack (its own Temporal and PostgreSQL).
      displayName: 'browser',
      transform,
      testMatch: ['<rootDir>/test/browser/**/*.test.ts'],
      globalSetup: '<rootDir>/test/browser/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFiles: ['<rootDir>/test/browser/use-browser-services.ts'],
      slowTestThreshold: 60,
    },
  ],
};
