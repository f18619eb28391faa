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
    message: 'We have limited log coverage and want better detection before our SOC 2 audit next quarter.',
    industry: 'healthcare',
    employeeCount: 1200,
    region: 'north america',
    regulations: ['HIPAA', 'SOC 2'],
    environment: { cloud: ['aws'], identityProvider: 'okta', endpoints: 1500 },
    source: 'inbound_form',
    engagement: { requestedTechnicalCall: true },
    ...overrides,
  };
}
