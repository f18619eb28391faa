import type { CommercialFindings, Discovery, LeadIntake, OutcomeInput, ScopeFindings } from '../../../domain';
import {
  checkFit, decideOutcome, defaultRuleset, evaluateCommercial, evaluateDiscovery, evaluateScope, handoffChecklist, isVagueNote, outcomeForDisqualify,
} from '../../../domain';
import { commercial, discovery, intake, scope } from './fixtures';

/** Runs the whole evaluation path the workflow runs, and decides. */
function decide(lead: LeadIntake, d: Discovery, s?: ScopeFindings, c?: CommercialFindings) {
  const r = defaultRuleset;
  const input: OutcomeInput = {
    trigger: 'evaluation', intake: lead, ruleset: r, discovery: d, discoveryEval: evaluateDiscovery(d, lead, r),
    scope: s, scopeEval: s && evaluateScope(s, r, { intake: lead, discovery: d }),
    commercial: c, commercialEval: c && evaluateCommercial(c, d, r),
  };
  return decideOutcome(input);
}

describe('the reference\'s three example paths', () => {
  it.each<[string, LeadIntake, Discovery, ScopeFindings, RegExp]>([
    [
      'vulnerability management → technical assessment',
      intake(),
      discovery({ triggeringEvent: 'Active remediation program needs accurate scanning', nextMeeting: { at: '2027-01-12T15:00:00Z', type: 'assessment' } }),
      scope(),
      /technical assessment on 2027-01-12/,
    ],
    [
      'incident response readiness → scoping workshop',
      intake({ primaryInterest: 'incident_response', message: 'Alert flood last month; we need a tabletop and IR readiness review' }),
      discovery({ triggeringEvent: 'Suspected compromise after an alert flood', urgentEnvironments: ['endpoints', 'email'], nextMeeting: { at: '2027-01-05T10:00:00Z', type: 'scoping_workshop' } }),
      scope({ dataHandlingConstraints: 'Forensic evidence must stay in the EU' }),
      /scoping workshop on 2027-01-05/,
    ],
    [
      'monitoring and log coverage → proof-of-value',
      intake({ primaryInterest: 'monitoring', message: 'Better detection, but limited log sources in our SIEM' }),
      discovery({ triggeringEvent: 'Missed detection on cloud workloads', urgentEnvironments: ['logs', 'cloud'], nextMeeting: { at: '2027-02-02T14:00:00Z', type: 'pilot_outline' } }),
      scope({ logAccess: 'yes', integrations: ['siem', 'cloud'] }),
      /proof-of-value pilot outline on 2027-02-02/,
    ],
  ])('%s', (_case, lead, d, s, nextStep) => {
    const outcome = decide(lead, d, s, commercial());
    expect(outcome.status).toBe('qualified');
    expect(outcome.reasons.map((r) => r.code)).toEqual(['need_confirmed', 'stage_confirmed', 'next_meeting_scheduled']);
    expect(outcome.note).toMatch(nextStep);
    expect(outcome.note).toContain(d.triggeringEvent);
    expect(isVagueNote(outcome.note)).toBe(false);
  });

  it('monitoring without access to the required logs is a scope mismatch', () => {
    const lead = intake({ primaryInterest: 'monitoring' });
    const outcome = decide(lead, discovery(), scope({ logAccess: 'no' }), commercial());
    expect(outcome).toMatchObject({ status: 'unqualified', reasons: [{ code: 'logs_unavailable' }] });
  });

  it('vulnerability management does not need log access', () => {
    expect(decide(intake(), discovery(), scope({ logAccess: 'no' }), commercial()).status).toBe('qualified');
  });
});

describe('partial fit is captured, not lost', () => {
  it('right environment, wrong stage → nurture with the missing why-now named', () => {
    const d = discovery({ timeline: undefined, decisionProcess: undefined, economicBuyer: undefined });
    const outcome = decide(intake({ timeline: undefined }), d, scope(), commercial());
    expect(outcome.status).toBe('nurture');
    expect(outcome.reasons.map((r) => r.code)).toContain('no_why_now');
  });

  it('right stage, other priority → nurture: need not confirmed but fit is good', () => {
    const d = discovery({ needConfirmed: false, triggeringEvent: 'Priority this year is physical badge access, not our scope' });
    const outcome = decide(intake(), d, scope(), commercial());
    expect(outcome.status).toBe('nurture');
    expect(outcome.note).toContain('physical badge access');
  });

  it('no relevant issue and poor fit → unqualified', () => {
    const lead = intake({ industry: 'Mining', employeeCount: 4, region: undefined, regulations: undefined, environment: undefined, contact: { ...intake().contact, title: 'Office Manager' } });
    const outcome = decide(lead, discovery({ needConfirmed: false }), scope(), commercial());
    expect(outcome.status).toBe('unqualified');
  });
});

describe('commercial readiness (reference step 6)', () => {
  it.each<[string, CommercialFindings, Partial<Discovery>, string]>([
    ['unknown budget proceeds when timeline and decision process are defined', commercial({ activePlan: 'unknown' }), {}, 'qualified'],
    ['unknown budget without a decision process → disqualified for now', commercial({ activePlan: 'unknown', procurement: undefined }), { decisionProcess: undefined }, 'disqualified_for_now'],
    ['no plan, pilot or budget cycle → nurture', commercial({ activePlan: 'none' }), {}, 'nurture'],
    ['a pilot counts as a funding motion', commercial({ activePlan: 'pilot' }), {}, 'qualified'],
  ])('%s', (_case, c, d, status) => {
    expect(decide(intake(), discovery(d), scope(), c).status).toBe(status);
  });

  it('records why unknown budget was allowed through', () => {
    const e = evaluateCommercial(commercial({ activePlan: 'unknown' }), discovery(), defaultRuleset);
    expect(e).toMatchObject({ verdict: 'continue', missing: ['funding_motion'] });
    expect(e.reasons.map((r) => r.code)).toContain('budget_unknown_proceeds');
  });
});

describe('common mistake: skipping technical scope checks', () => {
  it('never qualifies a lead whose scope was not checked', () => {
    const outcome = decide(intake(), discovery(), undefined, commercial());
    expect(outcome.status).not.toBe('qualified');
    expect(outcome.reasons.map((r) => r.code)).toContain('scope_not_checked');
    expect(outcome.nextAction).toMatch(/scope check/);
  });

  it.each<[string, ScopeFindings, string[], string[]]>([
    ['a complete scope', scope(), ['log_access', 'integrations', 'onboarding_team', 'environments'], ['data_handling']],
    ['an unknown scope', { logAccess: 'unknown', onboardingTeamAvailable: 'unknown' }, [], ['log_access', 'data_handling', 'integrations', 'onboarding_team', 'environments']],
  ])('evaluateScope lists what is confirmed and missing for %s', (_case, s, confirmed, missing) => {
    const e = evaluateScope(s, defaultRuleset);
    expect(e.confirmed).toEqual(confirmed);
    expect(e.missing).toEqual(missing);
    expect(e.reasons.length).toBeGreaterThan(0);
  });

  it('no onboarding team blocks the scope check', () => {
    expect(evaluateScope(scope({ onboardingTeamAvailable: 'no' }), defaultRuleset)).toMatchObject({ verdict: 'stop', blockers: [{ code: 'no_onboarding_team' }] });
  });
});

describe('discovery evaluation (reference step 4 and MEDDIC-lite)', () => {
  it.each<[string, Partial<Discovery>, string[]]>([
    ['complete discovery', {}, []],
    ['need not confirmed', { needConfirmed: false }, ['need_not_confirmed']],
    ['no timeline and no decision process', { timeline: undefined, decisionProcess: undefined }, ['no_why_now']],
    ['no next meeting', { nextMeeting: undefined }, ['no_next_meeting']],
  ])('%s', (_case, patch, blockers) => {
    const e = evaluateDiscovery(discovery(patch), intake({ timeline: undefined }), defaultRuleset);
    expect(e.blockers.map((b) => b.code)).toEqual(blockers);
    expect(e.verdict).toBe(blockers.length ? 'stop' : 'continue');
  });

  it('a stated audit date on the form counts as a timeline', () => {
    const e = evaluateDiscovery(discovery({ timeline: undefined, decisionProcess: undefined }), intake({ timeline: { auditDate: '2027-04-01' } }), defaultRuleset);
    expect(e.confirmed).toContain('timeline');
  });
});

describe('other outcome triggers', () => {
  it('fit check: unqualified with the mismatch as reason', () => {
    const lead = intake({ message: 'I am a student writing my thesis' });
    const outcome = decideOutcome({ trigger: 'fit_check', intake: lead, ruleset: defaultRuleset, fit: checkFit(lead, defaultRuleset) });
    expect(outcome).toMatchObject({ status: 'unqualified', reasons: [{ code: 'student' }] });
    expect(isVagueNote(outcome.note)).toBe(false);
  });

  it('no engagement in the response window → the ruleset\'s outcome', () => {
    expect(decideOutcome({ trigger: 'no_engagement', intake: intake(), ruleset: defaultRuleset })).toMatchObject({ status: 'disqualified_for_now', reasons: [{ code: 'no_engagement_in_window', evidence: '14d' }] });
  });

  it('max nurture cycles ends nurture', () => {
    expect(decideOutcome({ trigger: 'max_nurture_cycles', intake: intake(), ruleset: defaultRuleset })).toMatchObject({ status: 'disqualified_for_now', reasons: [{ code: 'max_nurture_cycles' }] });
  });
});

describe('a rep\'s disqualify reason maps to a status', () => {
  it.each([
    ['no_budget_path', 'disqualified_for_now'],
    ['unresponsive', 'disqualified_for_now'],
    ['competitor', 'unqualified'],
    ['scope_mismatch', 'unqualified'],
    ['timing_later', 'nurture'],
  ] as const)('%s → %s', (reason, status) => {
    const outcome = outcomeForDisqualify({ reason, note: 'Budget frozen until the merger closes next fiscal year' });
    expect(outcome).toMatchObject({ status, reasons: [{ code: reason }], note: 'Budget frozen until the merger closes next fiscal year' });
  });

  it('tells the rep that a "not now" closes the lead with no automatic re-engagement (the workflow sets no timer for it)', () => {
    const outcome = outcomeForDisqualify({ reason: 'timing_later', note: 'Budget frozen until the merger closes next fiscal year' });
    expect(outcome.nextAction).toMatch(/no automatic re-engagement/);
    expect(outcome.nextAction).toMatch(/new inbound request reopens/);
  });
});

describe('handoff checklist for a qualified lead', () => {
  it('lists scope, environments, access needs, stakeholders and timeline', () => {
    const d = discovery({ contacts: [{ name: 'Ana Lima', title: 'Security Architect', role: 'technical_gate' }] });
    const checklist = handoffChecklist(intake(), d, scope({ dataHandlingConstraints: 'No data leaves the US' }), commercial());
    expect(checklist.scope[0]).toBe(`Need: ${d.triggeringEvent}`);
    expect(checklist.environments).toEqual(expect.arrayContaining(['AWS production', 'endpoints', 'cloud: AWS', 'identity provider: Okta']));
    expect(checklist.accessNeeds).toEqual(expect.arrayContaining(['Log and telemetry access confirmed', 'Data handling: No data leaves the US', 'Integration: edr']));
    expect(checklist.stakeholders.map((s) => s.role)).toEqual(['first_contact', 'economic_buyer', 'technical_gate', 'commercial_review']);
    expect(checklist.timeline).toContain('2027-03-31');
    expect(checklist.timeline).toContain('assessment at 2027-01-12T15:00:00Z');
  });
});

describe('notes read as sentences', () => {
  it.each([
    ['qualified', discovery({ triggeringEvent: 'Alert flood after a phishing wave.' }), scope(), commercial()],
    ['held back', discovery({ triggeringEvent: 'Board asked about ransomware readiness.', needConfirmed: false }), undefined, undefined],
  ])('%s: a triggering event ending in a full stop is not doubled', (_name, d, s, c) => {
    const outcome = decide(intake(), d, s, c);
    expect(outcome.note).toContain(d.triggeringEvent.replace(/\.$/, ''));
    expect(outcome.note).not.toMatch(/\.\./);
  });
});
