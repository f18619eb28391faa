export interface TestServices {
  temporalAddress: string;
  databaseUrl: string;
}

/**
 * The global setup publishes the services through the environment, which the
 * test workers inherit (globals set there are not visible to test files).
 */
export function publishTestServices(services: TestServices): void {
  process.env.LEADGATE_TEST_TEMPORAL_ADDRESS = services.temporalAddress;
  process.env.LEADGATE_TEST_DATABASE_URL = services.databaseUrl;
}

export function testServices(): TestServices {
  const temporalAddress = process.env.LEADGATE_TEST_TEMPORAL_ADDRESS;
  const databaseUrl = process.env.LEADGATE_TEST_DATABASE_URL;
  if (!temporalAddress || !databaseUrl) throw new Error('Integration tests need the jest global setup (run them with `npm test`).');
  return { temporalAddress, databaseUrl };
}
