import { randomUUID } from 'node:crypto';
import type { LeadIntake } from '../../domain';

/** A well-formed inbound lead with a unique contact, so tests never collide on lead ids. */
export function inboundLead(overrides: Partial<LeadIntake> = {}): LeadIntake {
  const tag = randomUUID().slice(0, 8);
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
