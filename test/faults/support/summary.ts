/**
 * The numbers a fault run is judged by (trials, outage lengths, rows counted,
 * answers seen), printed once per test so a CI log carries them.
 */
export function printSummary(title: string, numbers: Record<string, unknown>): void {
  const lines = Object.entries(numbers).map(([key, value]) => `  ${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  process.stdout.write(`\n[faults] ${title}\n${lines.join('\n')}\n`);
}

/** Polls `read` until `accept` holds; every wait in a fault test is bounded. */
export async function waitFor<T>(what: string, read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await read();
      if (accept(last)) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: not within ${timeoutMs} ms (last: ${JSON.stringify(last)?.slice(0, 500)}; error: ${String(lastError)})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** How many times each value occurs. */
export function tally(values: Array<string | number>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[String(v)] = (counts[String(v)] ?? 0) + 1;
  return counts;
}
