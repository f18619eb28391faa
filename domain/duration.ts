/**
 * Durations in rulesets are strings ('90s', '15m', '4h', '14d', '500ms') so
 * tests can shrink them to seconds. Free of zod, so the workflow can parse them.
 */

// Kept private: a shared workflow module is deep-frozen, and a frozen RegExp throws when anyone (zod's
// `.regex()` check included) resets its lastIndex.
const DURATION_SHAPE = /^(\d+)(ms|s|m|h|d)$/;
export const DURATION_MESSAGE = 'Expected a duration such as 90s, 15m, 4h, 14d or 500ms';

/** True for a ruleset duration as written ('90s', '15m', '4h', '14d', '500ms'), surrounding spaces not allowed. */
export function isDuration(s: string): boolean {
  return DURATION_SHAPE.test(s);
}

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** '90s' | '15m' | '4h' | '14d' | '500ms' → milliseconds. */
export function parseDuration(s: string): number {
  const match = DURATION_SHAPE.exec(s.trim());
  if (!match) throw new RangeError(`Invalid duration "${s}": use a whole number and a unit, e.g. 90s, 15m, 4h, 14d or 500ms`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}
