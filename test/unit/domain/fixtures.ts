import type { CommercialFindings, Discovery, LeadIntake, Ruleset, ScopeFindings } from '../../../domain';
import { defaultRuleset, LeadIntakeSchema, parseRuleset } from '../../../domain';

/** A strong inbound lead: healthcare CISO, in territory, regulated, with a stated audit date. */
export function intake(overrides: Partial<LeadIntake> = {}): LeadIntake {
  return LeadIntakeSchema.parse({
    companyName: 'Northwind Health',
    domain: 'northwind-health.com',
    contact: { name: 'Dana Reyes', email: 'dana.reyes@northwind-health.com', phone: '+1 415 555 0100', title: 'CISO' },
    primaryInterest: 'vulnerability_management',
    message: 'We need to reduce high-risk vulnerability findings; scanning misses half our assets.',
    industry: 'healthcare',
    employeeCount: 1200,
    region: 'North America',
    regulations: ['HIPAA'],
    environment: { cloud: ['AWS'], identityProvider: 'Okta', endpoints: 1500 },
    source: 'inbound_form',
    timeline: { targetDate: '2027-03-31' },
    ...overrides,
  });
}

export function discovery(overrides: Partial<Discovery> = {}): Discovery {
  return {
    triggeringEvent: 'Board asked for a remediation plan after pen test findings',
    currentControls: 'Quarterly scans with an open-source scanner',
    gaps: 'Scanning misses cloud workloads; no asset inventory',
    urgentEnvironments: ['endpoints', 'cloud'],
    desiredOutcome: 'Critical findings remediated within 30 days',
    needConfirmed: true,
    painIdentified: 'Audit finding on unpatched servers',
    economicBuyer: { name: 'Sam Ortiz', title: 'CFO' },
    decisionProcess: 'CISO validates, CFO signs, procurement via vendor list',
    timeline: { targetDate: '2027-03-31', description: 'remediation program live before the spring audit' },
    nextMeeting: { at: '2027-01-12T15:00:00Z', type: 'assessment' },
    ...overrides,
  };
}

export const scope = (overrides: Partial<ScopeFindings> = {}): ScopeFindings => ({
  logAccess: 'yes',
  integrations: ['edr', 'ticketing'],
  onboardingTeamAvailable: 'yes',
  environments: ['AWS production', 'Windows endpoints'],
  ...overrides,
});

export const commercial = (overrides: Partial<CommercialFindings> = {}): CommercialFindings => ({
  activePlan: 'approved_budget',
  procurement: { path: 'approved vendor list', timeline: 'PO within 6 weeks' },
  stakeholders: [{ name: 'Lee Park', title: 'Procurement lead' }],
  ...overrides,
});

/** A validated copy of the default ruleset with one edit applied, as a manager would do in the file. */
export function rulesetWith(edit: (r: Ruleset) => void): Ruleset {
  const copy = structuredClone(defaultRuleset);
  edit(copy);
  return parseRuleset(copy);
}

export const NOW = new Date('2026-12-01T09:00:00Z');
