import { DiscoverySchema, isCalendarDate } from '../../../domain';

describe('ISO calendar dates', () => {
  it.each([
    ['2027-02-01', true],
    ['2028-02-29', true],
    ['2000-02-29', true],
    ['2027-02-29', false],
    ['1900-02-29', false],
    ['2027-04-31', false],
    ['2027-13-01', false],
    ['2027-1-01', false],
    ['01/02/2027', false],
    ['2027-02-01T00:00:00Z', false],
  ])('%s → %s', (value, valid) => {
    expect(isCalendarDate(value)).toBe(valid);
  });

  it('names the field and says what to send', () => {
    const result = DiscoverySchema.safeParse({ triggeringEvent: 'Ransomware note on a file server', needConfirmed: true, timeline: { targetDate: '2027-02-30' } });
    expect(result.error?.issues).toEqual([expect.objectContaining({ path: ['timeline', 'targetDate'], message: 'Use an ISO date, e.g. 2026-03-31' })]);
  });
});
