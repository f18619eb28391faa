import type { Pool } from 'pg';
import { defaultRuleset, parseRuleset, type Ruleset } from '../../domain';
import { saveRuleset } from '../../db/rulesets';

/** The shipped rules with every clock shrunk to seconds, so timers fire within a test. */
export function fastRuleset(overrides: { sla?: Partial<Ruleset['sla']>; engagement?: Partial<Ruleset['engagement']>; nurture?: Partial<Ruleset['nurture']> } = {}): Ruleset {
  return parseRuleset({
    ...defaultRuleset,
    version: 'test-fast',
    sla: { ...defaultRuleset.sla, urgent: '4s', high: '6s', standard: '8s', reminderFraction: 0.5, ...overrides.sla },
    engagement: { ...defaultRuleset.engagement, responseWindow: '1h', ...overrides.engagement },
    nurture: { ...defaultRuleset.nurture, defaultCadence: '3s', minimumDelay: '1s', ...overrides.nurture },
  });
}

/** Stores a ruleset (not activated, so other tests keep theirs) and returns the version to pin a worker to. */
export function storeRuleset(pool: Pool, ruleset: Ruleset): Promise<string> {
  return saveRuleset(pool, ruleset);
}
