import fc from 'fast-check';
import type { LeadIntake } from '../../../domain';
import { LeadIntakeSchema, checkFit, decideOutcome, defaultRuleset, evaluateDiscovery, routeLead, scoreLead } from '../../../domain';
import { NOW, discovery } from './fixtures';

const word = fc.constantFrom('breach', 'audit', 'SOC 2', 'MFA', 'logs', 'student', 'ransomware', 'next quarter', 'pricing', 'hello', 'access review', 'deadline');
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const leadArb: fc.Arbitrary<LeadIntake> = fc
  .record({
    companyName: fc.constantFrom('Acme', 'Northwind', 'Contoso'),
    domain: fc.constantFrom('acme.com', 'northwind.io', 'contoso.co.uk'),
    contact: fc.record({
      name: fc.constant('Jo Doe'),
      email: fc.constantFrom('jo@acme.com', 'jo@gmail.com', 'jo@mailinator.com', 'jo@northwind.io'),
      phone: optional(fc.constantFrom('+1 415 555 0100', '12', 'call me')),
      title: fc.constantFrom('CISO', 'Security Analyst', 'IT Director', 'Student', 'n/a', 'Office Manager', 'CISO intern'),
    }),
    primaryInterest: fc.constantFrom('incident_response', 'monitoring', 'vulnerability_management', 'iam', 'compliance', 'other'),
    message: optional(fc.array(word, { minLength: 1, maxLength: 6 }).map((w) => w.join(' '))),
    industry: optional(fc.constantFrom('healthcare', 'Banking', 'mining')),
    employeeCount: optional(fc.integer({ min: 1, max: 200_000 })),
    region: optional(fc.constantFrom('Europe', 'USA', 'APAC')),
    source: fc.constantFrom('inbound_form', 'content', 'event', 'outbound_list', 'referral'),
    timeline: optional(fc.record({ activeIncident: optional(fc.boolean()), auditDate: optional(fc.constantFrom('2027-03-01', '2026-01-01')) })),
    engagement: optional(fc.record({ requestedTechnicalCall: optional(fc.boolean()), pageViews: optional(fc.nat(10_000)), newsletterClicks: optional(fc.nat(10_000)) })),
  })
  .map((raw) => LeadIntakeSchema.parse(JSON.parse(JSON.stringify(raw))));

describe('properties that hold for every lead', () => {
  it('scores stay within 0..100 and every score carries reasons', () => {
    fc.assert(
      fc.property(leadArb, fc.boolean(), (lead, withDiscovery) => {
        const s = scoreLead(lead, defaultRuleset, withDiscovery ? { discovery: discovery() } : {});
        for (const part of [s.fit, s.need, s.stage, s.total]) expect(part >= 0 && part <= 100 && Number.isInteger(part)).toBe(true);
        expect(s.reasons.length).toBeGreaterThan(0);
      }),
    );
  });

  it('decisions are deterministic: the same input gives a deep-equal result', () => {
    fc.assert(
      fc.property(leadArb, (lead) => {
        const copy = structuredClone(lead);
        expect(checkFit(copy, defaultRuleset)).toEqual(checkFit(lead, defaultRuleset));
        expect(scoreLead(copy, defaultRuleset)).toEqual(scoreLead(lead, defaultRuleset));
        expect(routeLead(copy, defaultRuleset, new Date(NOW))).toEqual(routeLead(lead, defaultRuleset, NOW));
      }),
    );
  });

  it('every decision carries at least one reason', () => {
    fc.assert(
      fc.property(leadArb, (lead) => {
        const fit = checkFit(lead, defaultRuleset);
        expect(fit.reasons.length).toBeGreaterThan(0);
        expect(routeLead(lead, defaultRuleset, NOW).reasons.length).toBeGreaterThan(0);
        const d = discovery();
        const outcome = fit.verdict === 'unqualified'
          ? decideOutcome({ trigger: 'fit_check', intake: lead, ruleset: defaultRuleset, fit })
          : decideOutcome({ trigger: 'evaluation', intake: lead, ruleset: defaultRuleset, discovery: d, discoveryEval: evaluateDiscovery(d, lead, defaultRuleset) });
        expect(outcome.reasons.length).toBeGreaterThan(0);
      }),
    );
  });
});
