import type { Discovery } from '../../domain';

/** A discovery call that confirms need and stage and carries scope and commercial findings: enough to qualify. */
export function qualifyingDiscovery(overrides: Partial<Discovery> = {}): Discovery {
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
    scope: { logAccess: 'yes', integrations: ['siem', 'cloud', 'iam'], onboardingTeamAvailable: 'yes', environments: ['AWS prod', 'Okta'] },
    commercial: {
      activePlan: 'budget_cycle',
      procurement: { path: 'Security review then MSA', timeline: 'Four weeks' },
      stakeholders: [{ name: 'Sam Ortiz', title: 'CFO' }],
    },
    ...overrides,
  };
}

/** Discovery that finds interest but no confirmed need: the lead goes to nurture. */
export function unconfirmedNeedDiscovery(): Discovery {
  return {
    triggeringEvent: 'Board asked for a general security posture overview; no incident or project yet.',
    needConfirmed: false,
    notes: 'Researching options for next year; will revisit once the cloud migration plan is approved',
  };
}
