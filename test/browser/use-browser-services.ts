// Runs before each browser test file: the shared test helpers connect to the browser project's own services.
if (process.env.LEADGATE_BROWSER_TEMPORAL_ADDRESS && process.env.LEADGATE_BROWSER_DATABASE_URL) {
  process.env.LEADGATE_TEST_TEMPORAL_ADDRESS = process.env.LEADGATE_BROWSER_TEMPORAL_ADDRESS;
  process.env.LEADGATE_TEST_DATABASE_URL = process.env.LEADGATE_BROWSER_DATABASE_URL;
}
