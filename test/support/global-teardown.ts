export default async function globalTeardown(): Promise<void> {
  const stops = (globalThis as { __leadgateStops?: Array<() => Promise<void>> }).__leadgateStops ?? [];
  // Stop in reverse start order; one failure must not leave the others running.
  for (const stop of [...stops].reverse()) await stop().catch((error) => console.error('teardown:', error));
}
