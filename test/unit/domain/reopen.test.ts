import { defaultRuleset, outcomeForDisqualify, parseRuleset, type DisqualifyReason, type OutcomeStatus } from '../../../domain';
import { decideResubmission, type ResubmissionDecision } from '../../../domain/reopen';

const outcome = (status: OutcomeStatus, ...codes: string[]) => ({ status, reasons: codes.map((code) => ({ code })) });
const note = 'Contact came back after the budget freeze; SIEM coverage gap for the EU region still open';

describe('what a resubmission does to a closed lead (shipped rules)', () => {
  it.each<[string, ReturnType<typeof outcome>, ResubmissionDecision]>([
    ['qualified: recorded for the owner', outcome('qualified', 'need_confirmed', 'next_meeting_scheduled'), 'record'],
    ['disqualified for now (no budget path)', outcome('disqualified_for_now', 'no_budget_path'), 'reopen'],
    ['disqualified for now (no engagement in the window)', outcome('disqualified_for_now', 'no_engagement_in_window'), 'reopen'],
    ['exhausted nurture', outcome('disqualified_for_now', 'max_nurture_cycles'), 'reopen'],
    ['exhausted nurture closed as unqualified', outcome('unqualified', 'max_nurture_cycles'), 'reopen'],
    ['unqualified for timing', outcome('unqualified', 'no_why_now'), 'reopen'],
    ['closed in nurture for timing', outcome('nurture', 'timing_later'), 'reopen'],
    ['vendor pitch at fit check', outcome('unqualified', 'vendor_pitch'), 'stay_closed'],
    ['competitor at fit check', outcome('unqualified', 'competitor', 'free_mail'), 'stay_closed'],
    ['student at fit check', outcome('unqualified', 'student'), 'stay_closed'],
    ['job seeker at fit check', outcome('unqualified', 'job_seeker'), 'stay_closed'],
    ['a permanent reason wins over a timing one', outcome('disqualified_for_now', 'no_why_now', 'vendor_pitch'), 'stay_closed'],
    ['unqualified for a lasting mismatch', outcome('unqualified', 'out_of_territory'), 'stay_closed'],
    ['unqualified: logs unavailable', outcome('unqualified', 'logs_unavailable'), 'stay_closed'],
  ])('%s', (_name, last, expected) => {
    expect(decideResubmission(last, defaultRuleset)).toBe(expected);
  });

  it.each<[DisqualifyReason, ResubmissionDecision]>([
    ['no_budget_path', 'reopen'],
    ['no_decision_access', 'reopen'],
    ['unresponsive', 'reopen'],
    ['timing_later', 'reopen'],
    ['vendor_pitch', 'stay_closed'],
    ['competitor', 'stay_closed'],
    ['student_or_job_seeker', 'stay_closed'],
    ['out_of_territory', 'stay_closed'],
    ['duplicate', 'stay_closed'],
  ])('a lead disqualified by hand for %s: %s', (reason, expected) => {
    expect(decideResubmission(outcomeForDisqualify({ reason, note }), defaultRuleset)).toBe(expected);
  });

  it('a closed lead without a stored outcome stays closed', () => {
    expect(decideResubmission(null, defaultRuleset)).toBe('stay_closed');
  });

  it('reads the rules from the ruleset, not from code', () => {
    const strict = parseRuleset({ ...defaultRuleset, reopen: { ...defaultRuleset.reopen, reopenStatuses: [], reopenReasons: [] } });
    expect(decideResubmission(outcome('disqualified_for_now', 'no_budget_path'), strict)).toBe('stay_closed');
    const generous = parseRuleset({ ...defaultRuleset, reopen: { ...defaultRuleset.reopen, recordStatuses: [], reopenStatuses: ['qualified'] } });
    expect(decideResubmission(outcome('qualified', 'need_confirmed'), generous)).toBe('reopen');
  });

  it('a stored ruleset from before the reopen section gets the shipped rules', () => {
    const older: Partial<typeof defaultRuleset> = { ...defaultRuleset };
    delete older.reopen;
    expect(parseRuleset(older).reopen).toEqual(defaultRuleset.reopen);
  });
});
