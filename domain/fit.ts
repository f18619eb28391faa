/**
 * The quick fit check of the reference (step 2): firmographic fit, role
 * relevance, offer scope and contact hygiene, before any rep spends time.
 * Clear mismatches end the lead as unqualified; softer findings become flags
 * that lower the fit score.
 */
import type { Compiled } from './compiled';
import { canonicalTerm, compiled, leadText } from './compiled';
import type { FitFlagCode, Ruleset } from './ruleset';
import type { LeadIntake, Reason } from './schemas';
import { isEmailShape } from './text-shapes';

export interface FitResult {
  verdict: 'pass' | 'unqualified';
  /** Hygiene, role and firmographic findings, each a Reason whose code is the flag. */
  flags: Reason[];
  reasons: Reason[];
}

/** Everything the fit check found: points earned and flags raised. Shared with scoring. */
export interface FitFindings {
  contributions: Reason[];
  flags: Reason[];
  limitedAccess: boolean;
}

function flag(code: FitFlagCode, rule: string, evidence: string, r: Ruleset): Reason {
  const penalty = r.weights.penalties[code];
  return penalty ? { code, rule, evidence, weight: -penalty } : { code, rule, evidence };
}

function domainBelongsTo(emailDomain: string, company: string): boolean {
  return emailDomain === company || emailDomain.endsWith(`.${company}`) || company.endsWith(`.${emailDomain}`);
}

function hygieneFlags(intake: LeadIntake, r: Ruleset, c: Compiled): Reason[] {
  const flags: Reason[] = [];
  const email = intake.contact.email;
  const emailDomain = email.slice(email.lastIndexOf('@') + 1);
  if (!isEmailShape(email)) flags.push(flag('invalid_email', 'hygiene.email', email, r));
  if (c.disposable.has(emailDomain)) flags.push(flag('disposable_email', 'hygiene.disposableDomains', emailDomain, r));
  else if (c.freeMail.has(emailDomain)) flags.push(flag('free_mail', 'hygiene.freeMailDomains', emailDomain, r));
  else if (!domainBelongsTo(emailDomain, intake.domain)) {
    flags.push(flag('email_domain_mismatch', 'hygiene.emailDomain', `${emailDomain} ≠ ${intake.domain}`, r));
  }
  const phone = intake.contact.phone;
  if (phone && !isPhoneShape(phone, r)) flags.push(flag('invalid_phone', 'hygiene.phone', phone, r));
  return flags;
}

function isPhoneShape(phone: string, r: Ruleset): boolean {
  // Digits with the usual separators, an optional leading + and an optional extension.
  if (!/^\+?[\d\s().-]+(?:\s*(?:x|ext\.?)\s*\d{1,6})?$/i.test(phone)) return false;
  const digits = phone.replace(/(?:x|ext\.?)\s*\d+$/i, '').replace(/\D/g, '').length;
  return digits >= r.hygiene.phone.minDigits && digits <= r.hygiene.phone.maxDigits;
}

function roleFindings(intake: LeadIntake, r: Ruleset, c: Compiled): FitFindings {
  const title = intake.contact.title;
  const flags: Reason[] = [];
  const contributions: Reason[] = [];
  const limited = c.limitedAccess(title);
  const senior = c.seniority(title);
  if (c.placeholderTitles.has(title.toLowerCase()) || !/[a-z]/i.test(title)) {
    flags.push(flag('title_inconsistent', 'roles.placeholderTitles', title, r));
  } else if (limited && senior) {
    flags.push(flag('title_inconsistent', 'roles.seniority', `"${senior}" with "${limited}"`, r));
  }
  const best = bestRole(title, c);
  if (!best) flags.push(flag('no_role_relevance', 'roles.relevance', title, r));
  if (limited) flags.push(flag('no_decision_access', 'roles.limitedAccess', limited, r));
  if (best) {
    const weight = limited ? Math.min(best.weight, r.caps.limitedAccessRole) : best.weight;
    contributions.push({ code: 'role_relevant', rule: `roles.relevance.${best.id}`, evidence: best.keyword, weight });
  }
  return { contributions, flags, limitedAccess: Boolean(limited) };
}

function bestRole(title: string, c: Compiled): { id: string; weight: number; keyword: string } | undefined {
  let best: { id: string; weight: number; keyword: string } | undefined;
  for (const role of c.roles) {
    const keyword = role.match(title);
    if (keyword && (!best || role.weight > best.weight)) best = { id: role.id, weight: role.weight, keyword };
  }
  return best;
}

function intentFlags(intake: LeadIntake, r: Ruleset, c: Compiled): Reason[] {
  const text = leadText([intake.contact.title, intake.message, intake.environment?.notes]);
  const flags: Reason[] = [];
  for (const intent of c.intents) {
    const keyword = intent.match(text);
    if (keyword) flags.push(flag(intent.id, `roles.disqualifying.${intent.id}`, keyword, r));
  }
  const emailDomain = intake.contact.email.slice(intake.contact.email.lastIndexOf('@') + 1);
  const competitor = r.competitorDomains.find((d) => domainBelongsTo(intake.domain, d) || domainBelongsTo(emailDomain, d));
  if (competitor) flags.push(flag('competitor', 'competitorDomains', competitor, r));
  return flags;
}

function firmographics(intake: LeadIntake, r: Ruleset, c: Compiled): FitFindings {
  const w = r.weights.fit;
  const contributions: Reason[] = [];
  const flags: Reason[] = [];
  if (intake.industry) {
    const industry = canonicalTerm(intake.industry, r.icp.industryAliases);
    if (c.industries.has(industry)) contributions.push({ code: 'industry_in_icp', rule: 'icp.industries', evidence: industry, weight: w.industry });
    else flags.push(flag('industry_outside_icp', 'icp.industries', intake.industry, r));
  }
  if (intake.employeeCount !== undefined) {
    const n = intake.employeeCount;
    const band = r.icp.sizeBands.find((b) => n >= b.min && (b.max === undefined || n <= b.max));
    if (band) contributions.push({ code: 'size_in_band', rule: `icp.sizeBands.${band.id}`, evidence: `${n} employees`, weight: Math.min(band.weight, w.size) });
    else flags.push(flag('size_outside_bands', 'icp.sizeBands', `${n} employees`, r));
  }
  if (intake.region) {
    const region = canonicalTerm(intake.region, r.icp.regionAliases);
    if (c.regions.has(region)) contributions.push({ code: 'region_served', rule: 'icp.regions', evidence: region, weight: w.region });
    else flags.push(flag('out_of_territory', 'icp.regions', intake.region, r));
  }
  const regulation = c.regulations(leadText([...(intake.regulations ?? []), intake.message]));
  if (regulation) contributions.push({ code: 'regulated', rule: 'icp.regulations', evidence: regulation, weight: w.regulated });
  const tech = technologySignals(intake, r, c);
  if (tech.length > 0) contributions.push({ code: 'technology_signals', rule: 'icp.technology', evidence: tech.join(', '), weight: w.technology });
  return { contributions, flags, limitedAccess: false };
}

function technologySignals(intake: LeadIntake, r: Ruleset, c: Compiled): string[] {
  const env = intake.environment;
  if (!env) return [];
  const signals: string[] = [];
  const cloud = c.cloud(leadText([...(env.cloud ?? []), env.notes]));
  if (cloud) signals.push(`cloud: ${cloud}`);
  const idp = c.identityProviders(leadText([env.identityProvider, env.notes]));
  if (idp) signals.push(`identity provider: ${idp}`);
  if (env.endpoints !== undefined && env.endpoints >= r.icp.technology.minEndpoints) signals.push(`${env.endpoints} endpoints`);
  return signals;
}

/** All fit findings; `checkFit` and `scoreLead` both read from here so they never disagree. */
export function fitFindings(intake: LeadIntake, r: Ruleset): FitFindings {
  const c = compiled(r);
  const firmo = firmographics(intake, r, c);
  const role = roleFindings(intake, r, c);
  return {
    contributions: [...firmo.contributions, ...role.contributions],
    flags: [...hygieneFlags(intake, r, c), ...intentFlags(intake, r, c), ...role.flags, ...firmo.flags],
    limitedAccess: role.limitedAccess,
  };
}

export function checkFit(intake: LeadIntake, ruleset: Ruleset): FitResult {
  const findings = fitFindings(intake, ruleset);
  const unqualifying = new Set<string>(ruleset.fit.unqualifyingFlags);
  const blockers = findings.flags.filter((f) => unqualifying.has(f.code));
  if (blockers.length > 0) return { verdict: 'unqualified', flags: findings.flags, reasons: blockers };
  const passed: Reason = {
    code: 'no_clear_mismatch',
    rule: 'fit.unqualifyingFlags',
    evidence: findings.flags.length > 0 ? `soft flags only: ${findings.flags.map((f) => f.code).join(', ')}` : 'no flags',
  };
  return { verdict: 'pass', flags: findings.flags, reasons: [...findings.contributions, passed] };
}
