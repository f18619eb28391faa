export default async function globalTeardown(): Promise<void> {
  const stops = (globalThis as { __leadgateStops?: Array<() => Promise<void>> }).__leadgateStops ?? [];
  // Stop in reverse start order; one failure must not leave the others running.
  // splice: with several projects the teardown runs once per project; each service is stopped once.
  for (const stop of stops.splice(0).reverse()) await stop().catch((error) => console.error('teardown:', error));
}
