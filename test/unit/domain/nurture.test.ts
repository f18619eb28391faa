import type { Discovery, LeadIntake } from '../../../domain';
import { defaultRuleset, nextReengageAt, planReengagement } from '../../../domain';
import { NOW, intake, rulesetWith } from './fixtures';

// NOW is 2026-12-01T09:00Z; audit lead time 60d, migration lead time 30d, cadence 90d, minimum delay 1d.
describe('nurture re-engagement date', () => {
  it.each<[string, Partial<LeadIntake>, Partial<Discovery> | undefined, string, string]>([
    ['audit date minus lead time', { timeline: { auditDate: '2027-06-01' }, message: undefined }, undefined, '2027-04-02T00:00:00.000Z', 'audit_date_minus_lead_time'],
    ['migration date minus lead time', { timeline: { migrationDate: '2027-05-01' }, message: undefined }, undefined, '2027-04-01T00:00:00.000Z', 'migration_date_minus_lead_time'],
    ['target date from discovery', { timeline: undefined, message: undefined }, { timeline: { targetDate: '2027-02-15' } }, '2027-02-15T00:00:00.000Z', 'target_date'],
    ['"next quarter" in the discovery timeline', { timeline: undefined, message: undefined }, { timeline: { description: 'revisit next quarter' } }, '2027-01-01T00:00:00.000Z', 'next_quarter_wording'],
    ['"next quarter" in the form message', { timeline: undefined, message: 'Budget opens next quarter' }, undefined, '2027-01-01T00:00:00.000Z', 'next_quarter_wording'],
    ['the earliest stated date wins', { timeline: { auditDate: '2027-06-01', migrationDate: '2027-03-01' }, message: undefined }, undefined, '2027-01-30T00:00:00.000Z', 'migration_date_minus_lead_time'],
    ['nothing stated → default cadence', { timeline: undefined, message: undefined }, undefined, '2027-03-01T09:00:00.000Z', 'default_cadence'],
    ['a passed audit is ignored → cadence', { timeline: { auditDate: '2026-11-01' }, message: undefined }, undefined, '2027-03-01T09:00:00.000Z', 'default_cadence'],
    ['lead time already begun → clamp to now + minimum', { timeline: { auditDate: '2026-12-20' }, message: undefined }, undefined, '2026-12-02T09:00:00.000Z', 'clamped_to_minimum_delay'],
  ])('%s', (_case, patch, d, expected, code) => {
    const lead = intake(patch);
    const discovery = d && ({ triggeringEvent: 'x', needConfirmed: false, ...d } as Discovery);
    const plan = planReengagement(lead, defaultRuleset, NOW, 1, discovery);
    expect(plan.at).toBe(expected);
    expect(plan.reasons.map((r) => r.code)).toContain(code);
    expect(nextReengageAt(lead, defaultRuleset, NOW, 1, discovery)).toBe(expected);
    expect(Date.parse(plan.at)).toBeGreaterThan(NOW.getTime());
  });

  it('follows the cadence in the ruleset', () => {
    const tuned = rulesetWith((r) => { r.nurture.defaultCadence = '30d'; });
    expect(nextReengageAt(intake({ timeline: undefined, message: undefined }), tuned, NOW, 2)).toBe('2026-12-31T09:00:00.000Z');
  });
});
