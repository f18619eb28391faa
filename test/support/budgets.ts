/**
 * Request budgets for every API app a test builds. The budgets are shared
 * through the database by every app and test file of a run (all requests come
 * from one address, and the per-address window is a minute), so an app with the
 * production defaults is refused once the rest of the suite has spent them;
 * only the tests about limits set low ones, on fresh keys.
 */
export const TEST_BUDGETS = {
  INTAKE_RATE_LIMIT_PER_MINUTE: '100000',
  RATE_LIMIT_PER_KEY_PER_MINUTE: '100000',
  RATE_LIMIT_PER_IP_PER_MINUTE: '1000000',
} as const;
