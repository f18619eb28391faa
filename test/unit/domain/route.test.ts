import type { LeadIntake, Team } from '../../../domain';
import { defaultRuleset, routeLead } from '../../../domain';
import { NOW, intake, rulesetWith } from './fixtures';

const route = (patch: Partial<LeadIntake>) => routeLead(intake({ timeline: undefined, ...patch }), defaultRuleset, NOW);

describe('routing: the first matching rule wins, in ruleset order', () => {
  it.each<[string, Partial<LeadIntake>, Team, string, boolean]>([
    ['incident wording', { primaryInterest: 'other', message: 'We think our mail server was compromised' }, 'incident_response', 'urgent', true],
    ['an active incident flag', { primaryInterest: 'monitoring', message: undefined, timeline: { activeIncident: true } }, 'incident_response', 'urgent', true],
    ['incident readiness (tabletop), not urgent', { primaryInterest: 'incident_response', message: 'We want a tabletop exercise' }, 'incident_response', 'high', false],
    ['compliance and audit terms', { primaryInterest: 'other', message: 'We need SOC 2 attestation before Q2' }, 'risk_compliance', 'high', false],
    ['compliance interest', { primaryInterest: 'compliance', message: undefined }, 'risk_compliance', 'high', false],
    ['identity and access wording', { primaryInterest: 'other', message: 'Our quarterly access review is manual and MFA is patchy' }, 'iam', 'standard', false],
    ['a specific inbound topic', { primaryInterest: 'monitoring', message: 'Limited log sources' }, 'solution_specialist', 'standard', false],
    ['an outbound enterprise target', { source: 'outbound_list', employeeCount: 5000, primaryInterest: 'monitoring', message: undefined }, 'outbound_multithread', 'standard', false],
    ['nothing specific falls back', { primaryInterest: 'other', message: 'Please send info' }, 'solution_specialist', 'standard', false],
  ])('%s → %s', (_case, patch, team, urgency, escalated) => {
    expect(route(patch)).toMatchObject({ team, urgency, escalated });
  });

  it.each<[string, Partial<LeadIntake>, Team, string]>([
    ['incident wording beats a compliance topic', { primaryInterest: 'compliance', message: 'Ransomware hit us before our HIPAA audit' }, 'incident_response', 'compliance_audit'],
    ['incident wording beats the outbound motion', { source: 'outbound_list', employeeCount: 5000, message: 'We were breached last week' }, 'incident_response', 'outbound_enterprise'],
    ['compliance beats identity when both are mentioned', { primaryInterest: 'iam', message: 'Auditor flagged our access reviews' }, 'risk_compliance', 'identity_access'],
    ['outbound enterprise beats a topic', { source: 'outbound_list', employeeCount: 2000, primaryInterest: 'iam', message: undefined }, 'outbound_multithread', 'identity_access'],
  ])('%s', (_case, patch, team, outranked) => {
    const r = route(patch);
    expect(r.team).toBe(team);
    expect(r.reasons.find((x) => x.code === 'route_outranked')?.rule).toContain(outranked);
  });

  it('a small outbound list company is not multi-threaded', () => {
    expect(route({ source: 'outbound_list', employeeCount: 200, primaryInterest: 'iam', message: undefined }).team).toBe('iam');
  });

  it('names the matched rule and evidence', () => {
    const r = route({ message: 'Possible ransomware on two file servers' });
    expect(r.reasons[0]).toEqual({ code: 'route_matched', rule: 'routing.rules[0].incident_wording', evidence: 'ransomware' });
  });
});

describe('SLA and reminders', () => {
  it.each([
    ['urgent', { message: 'active incident in progress' }, '2026-12-01T11:00:00.000Z', '2026-12-01T10:00:00.000Z'],
    ['high', { primaryInterest: 'compliance' as const, message: undefined }, '2026-12-02T09:00:00.000Z', '2026-12-01T21:00:00.000Z'],
    ['standard', { primaryInterest: 'monitoring' as const, message: undefined }, '2026-12-03T09:00:00.000Z', '2026-12-02T09:00:00.000Z'],
  ])('%s: due and reminder from the ruleset', (urgency, patch, slaDueAt, reminderAt) => {
    expect(route(patch)).toMatchObject({ urgency, slaDueAt, reminderAt });
  });

  it('uses seconds-long SLAs when the ruleset says so (for tests of the workflow)', () => {
    const fast = rulesetWith((r) => { r.sla.urgent = '90s'; });
    expect(routeLead(intake({ message: 'we were breached' }), fast, NOW).slaDueAt).toBe('2026-12-01T09:01:30.000Z');
  });
});

describe('routing rules are data', () => {
  it('moving a keyword between rules moves the lead', () => {
    const lead = intake({ primaryInterest: 'other', message: 'We need help with phishing simulations', timeline: undefined });
    expect(routeLead(lead, defaultRuleset, NOW).team).toBe('solution_specialist');
    const tuned = rulesetWith((r) => { r.routing.rules.find((x) => x.id === 'identity_access')?.match?.keywords?.push('phishing'); });
    expect(routeLead(lead, tuned, NOW).team).toBe('iam');
  });
});
