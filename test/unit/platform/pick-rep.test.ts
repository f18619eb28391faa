import { pickRep } from '../../../db/reps';

const rep = (rep_id: string, open: number, capacity = 2, is_team_lead = false) => ({ rep_id, open, capacity, is_team_lead });

describe('round-robin rep choice', () => {
  it.each([
    ['starts at the first rep when the team has no cursor', [rep('a', 0), rep('b', 0)], null, 'a', false],
    ['continues after the last rep served', [rep('a', 0), rep('b', 0), rep('c', 0)], 'a', 'b', false],
    ['wraps around after the last rep', [rep('a', 0), rep('b', 0)], 'b', 'a', false],
    ['skips a rep at capacity', [rep('a', 0), rep('b', 2), rep('c', 0)], 'a', 'c', false],
    ['keeps team leads out of the rotation while reps exist', [rep('a', 0), rep('lead', 0, 9, true)], 'a', 'a', false],
    ['falls back to the team lead when the team has only a lead', [rep('lead', 0, 9, true)], null, 'lead', false],
    ['gives the least loaded rep when everyone is full, and says so', [rep('a', 5, 2), rep('b', 3, 2)], null, 'b', true],
  ])('%s', (_name, candidates, last, expected, overCapacity) => {
    expect(pickRep(candidates, last)).toEqual({ rep: expect.objectContaining({ rep_id: expected }), overCapacity });
  });

  it('returns nothing for a team without reps', () => {
    expect(pickRep([], null)).toBeNull();
  });
});
