import type { LeadIntake } from '../../../domain';
import { checkFit, defaultRuleset } from '../../../domain';
import { intake, rulesetWith } from './fixtures';

const codes = (lead: LeadIntake) => checkFit(lead, defaultRuleset).flags.map((f) => f.code);
const reasonCodes = (lead: LeadIntake) => checkFit(lead, defaultRuleset).reasons.map((r) => r.code);
const contact = (patch: Partial<LeadIntake['contact']>) => ({ contact: { ...intake().contact, ...patch } });

describe('firmographic fit (reference: industry, size, geography, regulated status, technology)', () => {
  it.each<[string, Partial<LeadIntake>, string]>([
    ['a target industry', { industry: 'Healthcare' }, 'industry_in_icp'],
    ['an industry alias', { industry: 'Banking' }, 'industry_in_icp'],
    ['a size band', { employeeCount: 300 }, 'size_in_band'],
    ['a served region alias', { region: 'USA' }, 'region_served'],
    ['a regulation', { regulations: ['PCI DSS'] }, 'regulated'],
    ['technology signals', { environment: { cloud: ['Azure'], identityProvider: 'Entra ID' } }, 'technology_signals'],
    ['security leadership', contact({ title: 'Head of Security' }), 'role_relevant'],
    ['an IT leader', contact({ title: 'IT Director' }), 'role_relevant'],
    ['a risk owner', contact({ title: 'Chief Risk Officer' }), 'role_relevant'],
    ['a compliance owner', contact({ title: 'GRC Manager' }), 'role_relevant'],
  ])('credits %s', (_case, patch, code) => {
    const reasons = checkFit(intake(patch), defaultRuleset).reasons;
    const hit = reasons.find((r) => r.code === code);
    expect(hit?.weight).toBeGreaterThan(0);
    expect(hit?.evidence).toBeTruthy();
  });

  it.each<[string, Partial<LeadIntake>, string]>([
    ['an industry outside the ICP', { industry: 'Mining' }, 'industry_outside_icp'],
    ['a company below every size band', { employeeCount: 4 }, 'size_outside_bands'],
    ['a title with no security role', contact({ title: 'Office Manager' }), 'no_role_relevance'],
  ])('flags %s without ending the lead', (_case, patch, code) => {
    const result = checkFit(intake(patch), defaultRuleset);
    expect(result.verdict).toBe('pass');
    expect(result.flags.map((f) => f.code)).toContain(code);
  });
});

describe('clear mismatches end as unqualified before any rep time is spent', () => {
  it.each<[string, Partial<LeadIntake>, string]>([
    ['a student', contact({ title: 'Cybersecurity student' }), 'student'],
    ['a student by message', { message: 'I am writing my thesis on ransomware response' }, 'student'],
    ['a job seeker', { message: 'Looking for a job in your SOC team, my CV is attached' }, 'job_seeker'],
    ['a vendor pitch', { message: 'We offer lead generation services and a partnership opportunity' }, 'vendor_pitch'],
    ['a competitor domain', { domain: 'rivalsec.com', ...contact({ email: 'spy@rivalsec.com' }) }, 'competitor'],
    ['out of territory', { region: 'APAC' }, 'out_of_territory'],
    ['a disposable address', contact({ email: 'dana@mailinator.com' }), 'disposable_email'],
  ])('%s', (_case, patch, code) => {
    const result = checkFit(intake(patch), defaultRuleset);
    expect(result.verdict).toBe('unqualified');
    expect(result.reasons.map((r) => r.code)).toContain(code);
  });

  it('passes a lead with no flag and says so', () => {
    expect(reasonCodes(intake())).toContain('no_clear_mismatch');
    expect(codes(intake())).toEqual([]);
  });
});

describe('contact data hygiene (reference: "access and engagement fit")', () => {
  it.each<[string, Partial<LeadIntake['contact']>, string | undefined]>([
    ['free-mail address', { email: 'dana.reyes@gmail.com' }, 'free_mail'],
    ['email domain not the company domain', { email: 'dana@othercorp.com' }, 'email_domain_mismatch'],
    ['email on a company subdomain', { email: 'dana@mail.northwind-health.com' }, undefined],
    ['phone with letters', { phone: 'call me maybe' }, 'invalid_phone'],
    ['phone too short', { phone: '555-12' }, 'invalid_phone'],
    ['phone with extension', { phone: '+44 (20) 7946 0958 ext. 12' }, undefined],
    ['placeholder title', { title: 'n/a' }, 'title_inconsistent'],
    ['senior and junior at once', { title: 'CISO Intern' }, 'title_inconsistent'],
  ])('%s', (_case, patch, expected) => {
    const flags = codes(intake(contact(patch)));
    const hygiene = flags.filter((c) => ['free_mail', 'email_domain_mismatch', 'invalid_phone', 'title_inconsistent'].includes(c));
    expect(hygiene).toEqual(expected ? [expected] : []);
  });

  it('flags bad email syntax from recorded leads that bypassed the intake schema', () => {
    const lead = { ...intake(), contact: { ...intake().contact, email: 'dana@@northwind' } };
    expect(checkFit(lead, defaultRuleset)).toMatchObject({ verdict: 'unqualified', reasons: [{ code: 'invalid_email' }] });
  });
});

describe('fit rules are data', () => {
  it('a new target industry in the ruleset turns a flag into credit', () => {
    const lead = intake({ industry: 'Manufacturing' });
    expect(codes(lead)).toContain('industry_outside_icp');
    const tuned = rulesetWith((r) => { r.icp.industries.push('manufacturing'); });
    expect(checkFit(lead, tuned).reasons.map((r) => r.code)).toContain('industry_in_icp');
  });

  it('a region added to the territory makes an out-of-territory lead pass', () => {
    const lead = intake({ region: 'APAC' });
    const tuned = rulesetWith((r) => { r.icp.regions.push('apac'); });
    expect(checkFit(lead, tuned).verdict).toBe('pass');
  });
});
