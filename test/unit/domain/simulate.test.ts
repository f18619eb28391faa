import type { RecordedLead } from '../../../domain';
import { defaultRuleset, leadIdFor, rulesetVersion, scoreLead, simulate } from '../../../domain';
import { commercial, discovery, intake, rulesetWith, scope } from './fixtures';

function recorded(lead = intake(), extra: Partial<RecordedLead> = {}): RecordedLead {
  const s = scoreLead(lead, defaultRuleset);
  return { leadId: leadIdFor(lead.contact.email, lead.domain), intake: lead, decided: { team: 'solution_specialist', lifecycle: s.lifecycle, scoreTotal: s.total }, ...extra };
}

describe('simulate a candidate ruleset over recorded leads', () => {
  it('reports no change when the candidate is the ruleset that decided', () => {
    const report = simulate(defaultRuleset, [recorded()]);
    expect(report.totals).toEqual({ leads: 1, routeChanges: 0, lifecycleChanges: 0, outcomeChanges: 0, scoreBandChanges: 0 });
    expect(report.rulesetVersion).toBe(rulesetVersion(defaultRuleset));
  });

  it.each<[string, Parameters<typeof rulesetWith>[0], string[]]>([
    ['a stricter MQL threshold changes lifecycles', (r) => { r.lifecycle.mql.minTotal = 95; }, ['lifecycle']],
    ['a rerouted topic changes teams', (r) => { r.routing.rules.find((x) => x.id === 'specific_topic')!.team = 'iam'; }, ['team']],
    ['weighting stage alone drops the score band', (r) => { r.weights.total = { fit: 0, need: 0, stage: 1 }; }, ['scoreBand']],
  ])('%s', (_case, edit, changed) => {
    const report = simulate(rulesetWith(edit), [recorded()]);
    expect(report.leads[0]?.changed).toEqual(expect.arrayContaining(changed));
  });

  it('re-decides outcomes from recorded discovery, scope and commercial findings', () => {
    const lead = recorded(intake(), { discovery: discovery(), scope: scope(), commercial: commercial({ activePlan: 'unknown', procurement: undefined }) });
    lead.decided.outcome = 'qualified';
    lead.discovery = discovery({ decisionProcess: undefined });
    const report = simulate(defaultRuleset, [lead]);
    expect(report.leads[0]?.after.outcome).toBe('disqualified_for_now');
    expect(report.totals.outcomeChanges).toBe(1);
  });

  it('a candidate that takes a region out of territory unqualifies its leads', () => {
    const lead = recorded(intake(), { decided: { team: 'solution_specialist', outcome: 'nurture' } });
    const report = simulate(rulesetWith((r) => { r.icp.regions = ['europe']; }), [lead]);
    expect(report.leads[0]).toMatchObject({ after: { outcome: 'unqualified', team: undefined }, changed: ['team', 'outcome'] });
  });
});
