/**
 * Keyword lists compiled once per ruleset content, so scoring and
 * routing a lead never builds a regular expression on the hot path.
 */
import type { Ruleset } from './ruleset';
import { parseDuration } from './duration';

/** Finds the first keyword of a list in a text, on word boundaries, case-insensitively. */
export type Matcher = (text: string) => string | undefined;

function escape(keyword: string): string {
  return keyword.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

export function compileKeywords(keywords: readonly string[]): Matcher {
  // Longest first, so "head of security" is reported rather than "security".
  const alternatives = [...keywords].sort((a, b) => b.length - a.length).map(escape);
  const pattern = new RegExp(`(?<![a-z0-9])(?:${alternatives.join('|')})(?![a-z0-9])`, 'i');
  return (text) => pattern.exec(text)?.[0]?.toLowerCase();
}

export interface Compiled {
  roles: { id: string; weight: number; match: Matcher }[];
  limitedAccess: Matcher;
  seniority: Matcher;
  intents: { id: 'student' | 'job_seeker' | 'vendor_pitch'; match: Matcher }[];
  placeholderTitles: ReadonlySet<string>;
  needs: Map<string, Matcher>;
  anyNeed: Matcher;
  whyNow: Matcher;
  nextQuarter: Matcher;
  regulations: Matcher;
  cloud: Matcher;
  identityProviders: Matcher;
  routing: { match?: Matcher }[];
  freeMail: ReadonlySet<string>;
  disposable: ReadonlySet<string>;
  industries: ReadonlySet<string>;
  regions: ReadonlySet<string>;
  durations: { urgent: number; high: number; standard: number; responseWindow: number };
  nurture: { cadence: number; auditLeadTime: number; migrationLeadTime: number; minimumDelay: number };
}

function compile(r: Ruleset): Compiled {
  return {
    roles: r.roles.relevance.map((g) => ({ id: g.id, weight: g.weight, match: compileKeywords(g.keywords) })),
    limitedAccess: compileKeywords(r.roles.limitedAccess),
    seniority: compileKeywords(r.roles.seniority),
    intents: r.roles.disqualifying.map((i) => ({ id: i.id, match: compileKeywords(i.keywords) })),
    placeholderTitles: new Set(r.roles.placeholderTitles),
    needs: new Map(r.needs.map((n) => [n.interest, compileKeywords(n.keywords)])),
    anyNeed: compileKeywords(r.needs.flatMap((n) => n.keywords)),
    whyNow: compileKeywords(r.whyNowKeywords),
    nextQuarter: compileKeywords(r.nextQuarterKeywords),
    regulations: compileKeywords(r.icp.regulations),
    cloud: compileKeywords(r.icp.technology.cloud),
    identityProviders: compileKeywords(r.icp.technology.identityProviders),
    routing: r.routing.rules.map((rule) => ({ match: rule.match?.keywords ? compileKeywords(rule.match.keywords) : undefined })),
    freeMail: new Set(r.hygiene.freeMailDomains),
    disposable: new Set(r.hygiene.disposableDomains),
    industries: new Set(r.icp.industries),
    regions: new Set(r.icp.regions),
    durations: {
      urgent: parseDuration(r.sla.urgent),
      high: parseDuration(r.sla.high),
      standard: parseDuration(r.sla.standard),
      responseWindow: parseDuration(r.engagement.responseWindow),
    },
    nurture: {
      cadence: parseDuration(r.nurture.defaultCadence),
      auditLeadTime: parseDuration(r.nurture.auditLeadTime),
      migrationLeadTime: parseDuration(r.nurture.migrationLeadTime),
      minimumDelay: parseDuration(r.nurture.minimumDelay),
    },
  };
}

const byIdentity = new WeakMap<Ruleset, Compiled>();
/**
 * Every lead in a worker carries its own copy of the same few rulesets; keyed by
 * content, one frozen copy and one compilation serve them all (the workflow
 * bundle shares this module across leads). Bounded: the oldest entry goes when
 * a new one comes.
 */
const byContent = new Map<string, { ruleset: Ruleset; compiled: Compiled }>();
const MAX_RULESETS_KEPT = 16;

function shared(r: Ruleset): { ruleset: Ruleset; compiled: Compiled } {
  const key = JSON.stringify(r);
  const known = byContent.get(key);
  if (known) return known;
  if (byContent.size >= MAX_RULESETS_KEPT) byContent.delete(byContent.keys().next().value!);
  const entry = { ruleset: deepFreeze(JSON.parse(key) as Ruleset), compiled: compile(r) };
  byContent.set(key, entry);
  byIdentity.set(entry.ruleset, entry.compiled);
  return entry;
}

/** The one frozen copy of this ruleset's content: what a lead keeps instead of its own copy. */
export function sharedRuleset(r: Ruleset): Ruleset {
  return shared(r).ruleset;
}

export function compiled(r: Ruleset): Compiled {
  const known = byIdentity.get(r);
  if (known) return known;
  const c = shared(r).compiled;
  byIdentity.set(r, c);
  return c;
}

/** Freezes a plain data tree (a parsed ruleset): shared copies cannot be changed by whoever holds one. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** The free text a lead wrote about itself, in one string for keyword matching. */
export function leadText(parts: readonly (string | undefined)[]): string {
  return parts.filter((p): p is string => Boolean(p)).join(' \n ');
}

/** "North America" / "north-america" → "north_america", then through the alias table. */
export function canonicalTerm(value: string, aliases: Record<string, string>): string {
  const lower = value.trim().toLowerCase();
  return aliases[lower] ?? lower.replace(/[\s-]+/g, '_');
}
