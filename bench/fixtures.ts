/** Bench inputs: a well-formed inbound lead (unique per call), discovery that qualifies, discovery that sends a lead to nurture. */
import { randomUUID } from 'node:crypto';
import type { CommercialFindings, Discovery, LeadIntake, ScopeFindings } from '../domain';

const runTag = randomUUID().slice(0, 6);
let counter = 0;

export function benchLead(overrides: Partial<LeadIntake> = {}): LeadIntake {
  const tag = `${runTag}-${(counter++).toString(36)}`;
  const domain = `acme-${tag}.com`;
  return {
    companyName: `Acme Health ${tag}`,
    domain,
    contact: { name: 'Jordan Lee', email: `jordan.lee@${domain}`, phone: '+1 415 555 0100', title: 'CISO' },
    primaryInterest: 'monitoring',
    message: 'Our SIEM only sees firewall logs; we want cloud and endpoint coverage with 24x7 detection, live by the end of next month.',
    industry: 'healthcare',
    employeeCount: 1200,
    region: 'north america',
    environment: { cloud: ['aws'], identityProvider: 'okta', endpoints: 1500 },
    source: 'inbound_form',
    engagement: { requestedTechnicalCall: true },
    ...overrides,
  };
}

export const scopeFindings: ScopeFindings = {
  logAccess: 'yes',
  integrations: ['siem', 'cloud', 'iam'],
  onboardingTeamAvailable: 'yes',
  environments: ['AWS prod', 'Okta'],
};

export const commercialFindings: CommercialFindings = {
  activePlan: 'budget_cycle',
  procurement: { path: 'Security review then MSA', timeline: 'Four weeks' },
  stakeholders: [{ name: 'Sam Ortiz', title: 'CFO' }],
};

/** Confirms need and stage; with `complete`, carries scope and commercial so one call qualifies the lead. */
export function qualifyingDiscovery(complete: boolean): Discovery {
  return {
    triggeringEvent: 'Detection gaps found after a phishing incident last month; SIEM only ingests firewall logs.',
    currentControls: 'Firewall logs in SIEM, EDR on laptops only',
    gaps: 'No cloud audit logs or identity provider logs are collected',
    urgentEnvironments: ['logs', 'cloud'],
    desiredOutcome: 'Detect account takeover within 15 minutes',
    needConfirmed: true,
    painIdentified: 'Phishing incident went unnoticed for three days',
    economicBuyer: { name: 'Sam Ortiz', title: 'CFO' },
    decisionCriteria: ['Okta and AWS log coverage', '24x7 triage'],
    decisionProcess: 'CISO recommends, CFO signs, procurement runs a two-week security review',
    timeline: { targetDate: '2027-02-01', description: 'Live before the SOC 2 audit window' },
    nextMeeting: { at: '2027-01-10T15:00:00Z', type: 'technical_review' },
    contacts: [{ name: 'Priya Raman', title: 'Security Architect', role: 'technical_gate' }],
    ...(complete ? { scope: scopeFindings, commercial: commercialFindings } : {}),
  };
}

/** Interest without a confirmed need: the lead goes to nurture. */
export const unconfirmedNeedDiscovery: Discovery = {
  triggeringEvent: 'Board asked for a general security posture overview; no incident or project yet.',
  needConfirmed: false,
  notes: 'Researching options for next year; will revisit once the cloud migration plan is approved',
};
