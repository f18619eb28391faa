import { DisqualifySchema, DiscoverySchema, EngagementEventSchema, LeadIntakeSchema, OutcomeSchema, isVagueNote, normaliseDomain } from '../../../domain';

const base = {
  companyName: '  Acme Corp ',
  domain: 'acme.com',
  contact: { name: 'Jo', email: 'jo@acme.com', title: 'CISO' },
  primaryInterest: 'monitoring',
  source: 'inbound_form',
};

const issuesOf = (input: unknown) => {
  const r = LeadIntakeSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('lead intake schema', () => {
  it('trims text and lowercases the contact email', () => {
    const lead = LeadIntakeSchema.parse({ ...base, contact: { ...base.contact, email: '  Jo.Smith@ACME.com ' } });
    expect(lead.companyName).toBe('Acme Corp');
    expect(lead.contact.email).toBe('jo.smith@acme.com');
  });

  it.each([
    ['https://www.Acme.com/contact?x=1', 'acme.com'],
    ['ACME.COM.', 'acme.com'],
    ['http://portal.acme.co.uk:8443/', 'portal.acme.co.uk'],
    ['www.acme.io', 'acme.io'],
  ])('normalises the company domain %s to %s', (raw, expected) => {
    expect(normaliseDomain(raw)).toBe(expected);
    expect(LeadIntakeSchema.parse({ ...base, domain: raw }).domain).toBe(expected);
  });

  it.each([
    ['bad email syntax', { ...base, contact: { ...base.contact, email: 'jo@acme' } }, 'contact.email: Enter a valid email address'],
    ['unknown key', { ...base, budget: 10 }, 'Unrecognized key: "budget"'],
    ['empty company name', { ...base, companyName: '   ' }, 'companyName: Must not be empty'],
    ['unknown interest', { ...base, primaryInterest: 'pentest' }, 'primaryInterest'],
    ['non-ISO audit date', { ...base, timeline: { auditDate: '31/03/2027' } }, 'timeline.auditDate: Use an ISO date'],
    ['domain that is not a domain', { ...base, domain: 'not a domain' }, 'domain: Enter the company website domain'],
    ['over-long message', { ...base, message: 'x'.repeat(5001) }, 'message: Must be at most 5000 characters'],
    ['fractional employee count', { ...base, employeeCount: 10.5 }, 'employeeCount: Employee count must be a whole number'],
  ])('refuses %s with a message naming the field', (_case, input, expected) => {
    expect(issuesOf(input).join('\n')).toContain(expected);
  });
});

describe('discovery schema', () => {
  const discovery = { triggeringEvent: 'Alert flood after a phishing wave', needConfirmed: true };

  it('accepts nested scope and commercial sections so one call completes the path', () => {
    const parsed = DiscoverySchema.parse({
      ...discovery,
      nextMeeting: { at: '2027-01-12T15:00:00+01:00', type: 'scoping_workshop' },
      scope: { logAccess: 'partial', onboardingTeamAvailable: 'yes' },
      commercial: { activePlan: 'unknown' },
    });
    expect(parsed.scope?.logAccess).toBe('partial');
    expect(parsed.commercial?.activePlan).toBe('unknown');
  });

  it.each([
    ['a meeting time without offset', { ...discovery, nextMeeting: { at: '2027-01-12 15:00', type: 'assessment' } }, 'nextMeeting.at'],
    ['an unknown meeting type', { ...discovery, nextMeeting: { at: '2027-01-12T15:00:00Z', type: 'lunch' } }, 'nextMeeting.type'],
    ['a missing needConfirmed', { triggeringEvent: 'x' }, 'needConfirmed'],
    ['an unknown key in scope', { ...discovery, scope: { logAccess: 'yes', onboardingTeamAvailable: 'yes', siem: true } }, 'scope'],
  ])('refuses %s', (_case, input, path) => {
    const r = DiscoverySchema.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.')).join(' ')).toContain(path);
  });
});

describe('notes must be specific (reference: "using vague criteria in CRM notes")', () => {
  it.each([
    ['good fit', true],
    ['Interested', true],
    ['Good fit, very interested, follow up', true],
    ['looks promising, will follow up later with them', true],
    ['No log access for SIEM; revisit after the Q3 migration', false],
    ['Ransomware on two file servers; scoping workshop booked for 12 Jan with the CISO', false],
  ])('isVagueNote(%j) is %s', (note, vague) => {
    expect(isVagueNote(note)).toBe(vague);
  });

  it('refuses a vague disqualify note and accepts a specific one', () => {
    expect(DisqualifySchema.safeParse({ reason: 'no_budget_path', note: 'good fit' }).error?.issues[0]?.message).toMatch(/too vague/);
    expect(DisqualifySchema.parse({ reason: 'competitor', note: 'Works for a competing MDR vendor, asked for our pricing sheet' }).reason).toBe('competitor');
  });

  it('refuses an outcome without reasons', () => {
    const r = OutcomeSchema.safeParse({ status: 'nurture', reasons: [], note: 'No timeline; revisit after their audit in March', nextAction: 'Re-engage in February' });
    expect(r.error?.issues[0]?.message).toBe('An outcome needs at least one reason');
  });
});

describe('engagement events', () => {
  it.each([
    [{ type: 'replied' }, true],
    [{ type: 'page_view', at: '2026-12-01T09:00:00Z', detail: '/pricing' }, true],
    [{ type: 'tweeted' }, false],
    [{ type: 'replied', at: 'yesterday' }, false],
  ])('%j valid: %s', (event, valid) => {
    expect(EngagementEventSchema.safeParse(event).success).toBe(valid);
  });
});
