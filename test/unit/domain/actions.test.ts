import { LEAD_ACTIONS, LEAD_ACTION_NAMES, actionRefusal, roleRefusal, type ActionActor, type LeadActionName } from '../../../domain/actions';
import type { Stage } from '../../../domain/schemas';

const STAGES: Stage[] = ['captured', 'fit_check', 'routed', 'awaiting_discovery', 'scope_check', 'commercial_check', 'nurture', 'outcome'];
const owner: ActionActor = { role: 'rep', repId: 'rep-1' };
const stranger: ActionActor = { role: 'rep', repId: 'rep-2' };
const manager: ActionActor = { role: 'manager' };
const intake: ActionActor = { role: 'intake' };

describe('the lead action table', () => {
  it.each(LEAD_ACTION_NAMES.flatMap((action) => STAGES.map((stage) => [action, stage] as const)))('%s in stage %s', (action, stage) => {
    const rule = LEAD_ACTIONS[action];
    const allowedStage = (rule.stages as readonly Stage[]).includes(stage);
    const lead = { stage, owner: 'rep-1' };
    for (const actor of [owner, manager, intake]) {
      const refusal = actionRefusal(action, lead, actor);
      const allowedRole = (rule.roles as readonly string[]).includes(actor.role);
      if (!allowedRole) expect(refusal?.reason).toBe('forbidden_role');
      else if (!allowedStage) expect(refusal).toMatchObject({ reason: 'wrong_stage', stage, expected: rule.stages });
      else expect(refusal).toBeNull();
    }
  });

  it.each(LEAD_ACTION_NAMES.filter((a) => LEAD_ACTIONS[a].ownerOnly && (LEAD_ACTIONS[a].roles as readonly string[]).includes('rep')))(
    'a rep who does not own the lead may not %s, whatever its stage',
    (action: LeadActionName) => {
      const stage = LEAD_ACTIONS[action].stages[0];
      expect(actionRefusal(action, { stage, owner: 'rep-1' }, stranger)?.reason).toBe('not_owner');
      expect(actionRefusal(action, { stage: 'outcome', owner: 'rep-1' }, stranger)?.reason).toBe('not_owner');
      expect(actionRefusal(action, { stage, owner: null }, { role: 'rep' })?.reason).toBe('not_owner');
    },
  );

  it.each(LEAD_ACTION_NAMES)('judges %s by role alone while a step is written: the refusal the whole table gives a role that may never act, and no other', (action) => {
    for (const stage of STAGES) {
      for (const actor of [owner, stranger, manager, intake]) {
        const whole = actionRefusal(action, { stage, owner: 'rep-1' }, actor);
        const byRole = roleRefusal(action, { stage, owner: null }, actor);
        if (whole?.reason === 'forbidden_role') expect(byRole).toEqual(whole);
        else expect(byRole).toBeNull();
      }
    }
  });

  it('only a manager reopens, and only a closed lead', () => {
    expect(actionRefusal('reopen', { stage: 'outcome', owner: 'rep-1' }, owner)?.reason).toBe('forbidden_role');
    expect(actionRefusal('reopen', { stage: 'nurture', owner: 'rep-1' }, manager)?.reason).toBe('wrong_stage');
    expect(actionRefusal('reopen', { stage: 'outcome', owner: 'rep-1' }, manager)).toBeNull();
  });

  it('says what was expected in words a person can act on', () => {
    expect(actionRefusal('scope', { stage: 'awaiting_discovery', owner: 'rep-1' }, owner)?.message).toBe(
      'Lead is in stage awaiting_discovery; it must be in scope_check to submit scope findings.',
    );
  });
});
