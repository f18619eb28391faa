/** Percentiles from sorted samples (nearest-rank), with the sample count always attached. */
export interface Summary {
  n: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
}

export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarize(samples: readonly number[], digits = 1): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (v: number | null) => (v === null ? null : Number(v.toFixed(digits)));
  const mean = sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : null;
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.length ? sorted[sorted.length - 1]! : null),
    mean: round(mean),
  };
}

/** Milliseconds on the monotonic clock. */
export const now = (): number => performance.now();

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Closed-loop load: `concurrency` virtual users each run `task` back to back
 * until `total` tasks have been claimed (or, given a deadline on the monotonic
 * clock, until it passes: `claimed` says how many ran). Errors are counted, never thrown.
 */
export async function closedLoop(
  total: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
  deadline = Infinity,
): Promise<{ elapsedMs: number; errors: number; firstErrors: string[]; claimed: number }> {
  let next = 0;
  let errors = 0;
  const firstErrors: string[] = [];
  const started = now();
  const vu = async () => {
    for (;;) {
      if (next >= total || now() > deadline) return;
      const index = next++;
      try {
        await task(index);
      } catch (error) {
        errors++;
        if (firstErrors.length < 5) firstErrors.push(errorChain(error));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, vu));
  return { elapsedMs: now() - started, errors, firstErrors, claimed: next };
}

/**
 * An error with the causes under it, outermost first: the SDK's errors say only
 * what failed ("Workflow Update failed"), their causes why (a refusal's type and message).
 */
export function errorChain(error: unknown, depth = 0): string {
  if (!(error instanceof Error)) return String(error);
  const type = (error as { type?: unknown }).type;
  const own = typeof type === 'string' && type ? `${error.message} (${type})` : error.message;
  return error.cause == null || depth >= 3 ? own : `${own} <- ${errorChain(error.cause, depth + 1)}`;
}
