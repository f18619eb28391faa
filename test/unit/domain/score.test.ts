import type { EngagementEvent, LeadIntake } from '../../../domain';
import { MAX_DOWNLOAD_TITLES, defaultRuleset, scoreLead, tallyEngagements } from '../../../domain';
import { discovery, intake, rulesetWith } from './fixtures';

const contact = (title: string) => ({ contact: { ...intake().contact, title } });
const codes = (reasons: { code: string }[]) => reasons.map((r) => r.code);

describe('three-part score: fit, need, stage', () => {
  it('explains every point: the parts add up from weighted reasons', () => {
    const s = scoreLead(intake(), defaultRuleset);
    expect(s.fit).toBe(100);
    expect(codes(s.reasons)).toEqual(expect.arrayContaining(['industry_in_icp', 'role_relevant', 'use_case_aligned', 'topic_wording', 'target_date']));
    expect(s.reasons.every((r) => r.rule.length > 0)).toBe(true);
  });

  it.each<[string, Partial<LeadIntake>, keyof ReturnType<typeof scoreLead>]>([
    ['use-case alignment raises need', { primaryInterest: 'monitoring' }, 'need'],
    ['an active incident raises stage', { timeline: { activeIncident: true } }, 'stage'],
    ['an audit date raises stage', { timeline: { auditDate: '2027-02-01', targetDate: '2027-03-31' } }, 'stage'],
  ])('%s', (_case, patch, part) => {
    const weaker = scoreLead(intake({ primaryInterest: 'other', timeline: { targetDate: '2027-03-31' } }), defaultRuleset);
    expect(scoreLead(intake(patch), defaultRuleset)[part]).toBeGreaterThan(weaker[part] as number);
  });
});

describe('reliable signals weigh more than clicks', () => {
  const quiet = intake({ timeline: undefined, message: undefined });

  it('a requested technical call counts more than a hundred page views and clicks', () => {
    const call = scoreLead({ ...quiet, engagement: { requestedTechnicalCall: true } }, defaultRuleset);
    const clicks = scoreLead({ ...quiet, engagement: { pageViews: 100, newsletterClicks: 50 } }, defaultRuleset);
    expect(call.stage).toBeGreaterThan(clicks.stage);
  });

  it('caps page views, newsletter clicks and topic-less downloads together', () => {
    const events: EngagementEvent[] = Array.from({ length: 40 }, () => ({ type: 'page_view' }));
    const s = scoreLead({ ...quiet, engagement: { pageViews: 500, newsletterClicks: 500, downloads: ['Company brochure'] } }, defaultRuleset, { engagement: tallyEngagements(events) });
    expect(s.stage).toBe(defaultRuleset.caps.unreliableEngagement);
    expect(codes(s.reasons)).toContain('light_engagement_capped');
  });

  it('a download with a specific topic is a reliable signal', () => {
    const s = scoreLead({ ...quiet, engagement: { downloads: ['Ransomware incident response case study'] } }, defaultRuleset);
    expect(s.reasons.find((r) => r.code === 'topic_download')?.evidence).toBe('ransomware');
  });
});

describe('common mistake: interest without a why-now is not intent', () => {
  it('caps stage when nothing says why now, however engaged the lead looks', () => {
    const lead = intake({ timeline: undefined, message: 'Interested in your vulnerability scanning offer', engagement: { requestedTechnicalCall: true, pageViews: 20 } });
    const s = scoreLead(lead, defaultRuleset, { engagement: tallyEngagements([{ type: 'replied' }, { type: 'booked_meeting' }]) });
    expect(s.stage).toBe(defaultRuleset.caps.stageWithoutWhyNow);
    expect(codes(s.reasons)).toContain('no_why_now');
  });

  it.each<[string, Partial<LeadIntake>]>([
    ['an audit date', { timeline: { auditDate: '2027-02-01' } }],
    ['deadline wording', { timeline: undefined, message: 'Our upcoming audit is in February and scanning misses assets' }],
  ])('lifts the cap when the lead states %s', (_case, patch) => {
    const s = scoreLead(intake({ ...patch, engagement: { requestedTechnicalCall: true } }), defaultRuleset);
    expect(codes(s.reasons)).not.toContain('no_why_now');
  });
});

describe('common mistake: over-scoring a title without decision access', () => {
  it.each(['Security Analyst', 'Junior Security Engineer', 'IT Security Intern'])('caps "%s" below the MQL threshold', (title) => {
    const s = scoreLead(intake(contact(title)), defaultRuleset);
    expect(s.total).toBeLessThanOrEqual(defaultRuleset.caps.limitedAccessTotal);
    expect(s.lifecycle).toBe('lead');
    expect(codes(s.reasons)).toContain('limited_decision_access');
  });

  it('scores the same lead with a decision-making title higher', () => {
    expect(scoreLead(intake(contact('CISO')), defaultRuleset).total).toBeGreaterThan(scoreLead(intake(contact('Security Analyst')), defaultRuleset).total);
  });

  it('lifts the cap once discovery maps the decision', () => {
    const s = scoreLead(intake(contact('Security Analyst')), defaultRuleset, { discovery: discovery() });
    expect(codes(s.reasons)).not.toContain('limited_decision_access');
  });
});

describe('lifecycle: lead → mql → sql', () => {
  it.each<[string, LeadIntake, Parameters<typeof scoreLead>[2], string]>([
    ['a weak lead stays a lead', intake({ industry: 'Mining', employeeCount: 4, timeline: undefined, message: undefined, primaryInterest: 'other' }), {}, 'lead'],
    ['marketing criteria met → mql', intake(), {}, 'mql'],
    ['discovery confirms need and intent with a next meeting → sql', intake(), { discovery: discovery() }, 'sql'],
    ['discovery without need confirmation is not sql', intake(), { discovery: discovery({ needConfirmed: false }) }, 'mql'],
    ['discovery without a next meeting is not sql', intake(), { discovery: discovery({ nextMeeting: undefined }) }, 'mql'],
    ['an unqualified fit is never more than a lead', intake({ region: 'APAC' }), { discovery: discovery() }, 'lead'],
  ])('%s', (_case, lead, ctx, lifecycle) => {
    expect(scoreLead(lead, defaultRuleset, ctx).lifecycle).toBe(lifecycle);
  });
});

describe('scoring rules are data', () => {
  it('raising the MQL threshold in a ruleset copy changes the lifecycle', () => {
    expect(scoreLead(intake(), defaultRuleset).lifecycle).toBe('mql');
    expect(scoreLead(intake(), rulesetWith((r) => { r.lifecycle.mql.minTotal = 95; })).lifecycle).toBe('lead');
  });

  it('a new need keyword changes the need score', () => {
    const lead = intake({ primaryInterest: 'monitoring', message: 'Our XDR console is blind to the OT network' });
    const tuned = rulesetWith((r) => { r.needs.find((n) => n.interest === 'monitoring')?.keywords.push('xdr'); });
    expect(scoreLead(lead, tuned).need).toBeGreaterThan(scoreLead(lead, defaultRuleset).need);
  });
});

describe('engagement tally', () => {
  it('stays bounded under a flood and scores as the events would', () => {
    const types: EngagementEvent['type'][] = ['page_view', 'newsletter_click', 'downloaded', 'replied'];
    const flood: EngagementEvent[] = Array.from({ length: 5_000 }, (_, i) => ({ type: types[i % types.length]!, detail: `Brochure ${i}` }));
    const tally = tallyEngagements(flood);
    expect(tally.downloads).toHaveLength(MAX_DOWNLOAD_TITLES);
    expect(tally.counts).toEqual({ page_view: 1_250, newsletter_click: 1_250, downloaded: 1_250, replied: 1_250 });
    const s = scoreLead(intake({ timeline: undefined }), defaultRuleset, { engagement: tally });
    expect(codes(s.reasons)).toEqual(expect.arrayContaining(['replied', 'light_engagement_capped']));
  });

  it('finds a topical download among generic ones and counts the rest as generic', () => {
    const tally = tallyEngagements([{ type: 'downloaded', detail: 'Company brochure' }, { type: 'downloaded', detail: 'Ransomware readiness checklist' }]);
    const s = scoreLead(intake({ engagement: undefined }), defaultRuleset, { engagement: tally });
    expect(s.reasons.find((r) => r.code === 'topic_download')?.evidence).toBe('ransomware');
    expect(s.reasons.find((r) => r.code === 'light_engagement')?.evidence).toBe('0 page views, 0 newsletter clicks, 1 generic downloads');
  });
});
