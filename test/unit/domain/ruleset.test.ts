import defaultJson from '../../../domain/rulesets/default.json';
import { RulesetError, defaultRuleset, leadIdFor, parseDuration, parseRuleset, rulesetVersion } from '../../../domain';
import { rulesetWith } from './fixtures';

describe('ruleset', () => {
  it('ships a valid default ruleset drawn from the reference', () => {
    expect(defaultRuleset.icp.industries).toEqual(['healthcare', 'finance', 'saas', 'retail', 'public_sector']);
    expect(defaultRuleset.routing.rules[0]?.team).toBe('incident_response');
  });

  /** Sets (or, with `undefined`, deletes) the value at a path of a raw ruleset file. */
  function edited(path: (string | number)[], value: unknown): unknown {
    const raw: unknown = structuredClone(defaultJson);
    const parent = path.slice(0, -1).reduce<Record<string | number, unknown>>((node, key) => node[key] as Record<string | number, unknown>, raw as Record<string, unknown>);
    const last = path[path.length - 1] as string | number;
    if (value === undefined) delete parent[last];
    else parent[last] = value;
    return raw;
  }

  it.each<[string, (string | number)[], unknown, string]>([
    ['a weight of the wrong type', ['weights', 'fit', 'industry'], 'high', 'weights.fit.industry: Invalid input: expected number'],
    ['a malformed duration', ['sla', 'urgent'], '2 hours', 'sla.urgent: Expected a duration'],
    ['an unknown team', ['routing', 'rules', 1, 'team'], 'marketing', 'routing.rules.1.team'],
    ['total weights not adding to 1', ['weights', 'total', 'fit'], 0.9, 'weights.total: fit + need + stage must add up to 1'],
    ['an unknown key', ['sla', 'extra'], '1h', 'sla: Unrecognized key: "extra"'],
    ['a missing section', ['nurture'], undefined, 'nurture: Invalid input'],
  ])('refuses %s and names the offending path', (_case, path, value, expected) => {
    const bad = edited(path, value);
    expect(() => parseRuleset(bad)).toThrow(RulesetError);
    expect(() => parseRuleset(bad)).toThrow(expected);
  });

  it('versions by label plus content hash: same content same id, any edit a new id', () => {
    const again = parseRuleset(structuredClone(defaultJson));
    expect(rulesetVersion(again)).toBe(rulesetVersion(defaultRuleset));
    expect(rulesetVersion(defaultRuleset)).toMatch(/^2026\.11\.1\+[0-9a-f]{16}$/);
    const tuned = rulesetWith((r) => { r.weights.stage.pageView = 2; });
    expect(rulesetVersion(tuned)).not.toBe(rulesetVersion(defaultRuleset));
  });
});

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['15m', 900_000],
    ['4h', 14_400_000],
    ['14d', 1_209_600_000],
  ])('%s is %d ms', (s, ms) => expect(parseDuration(s)).toBe(ms));

  it.each(['', '4 hours', '1.5h', '-2h', '3w'])('refuses %j', (s) => {
    expect(() => parseDuration(s)).toThrow(/Invalid duration/);
  });
});

describe('leadIdFor', () => {
  it('gives the same id for the same person and company however they were typed', () => {
    const id = leadIdFor('Dana@Northwind.com', 'https://www.northwind.com/');
    expect(id).toMatch(/^lead_[0-9a-f]{20}$/);
    expect(leadIdFor(' dana@northwind.com ', 'NORTHWIND.COM.')).toBe(id);
  });

  it.each([
    ['another contact', 'sam@northwind.com', 'northwind.com'],
    ['another company', 'dana@northwind.com', 'northwind.io'],
  ])('gives a different id for %s', (_case, email, domain) => {
    expect(leadIdFor(email, domain)).not.toBe(leadIdFor('dana@northwind.com', 'northwind.com'));
  });
});
