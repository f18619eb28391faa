/** Domain micro-benchmark: one lead scored and routed, in this process, with the shipped ruleset. */
import { defaultRuleset, routeLead, scoreLead } from '../../domain';
import { benchLead } from '../fixtures';
import { summarize, type Summary } from '../stats';

export function domainScenario(samples: number): { scoreAndRouteUs: Summary } {
  const interests = ['incident_response', 'monitoring', 'vulnerability_management', 'iam', 'compliance', 'other'] as const;
  const leads = Array.from({ length: 64 }, (_, i) => benchLead({ primaryInterest: interests[i % interests.length]! }));
  const at = new Date();
  let sink = 0;
  for (let i = 0; i < 5_000; i++) {
    const lead = leads[i % leads.length]!;
    sink += scoreLead(lead, defaultRuleset).total + routeLead(lead, defaultRuleset, at).team.length;
  }
  const us: number[] = [];
  for (let i = 0; i < samples; i++) {
    const lead = leads[i % leads.length]!;
    const t0 = process.hrtime.bigint();
    sink += scoreLead(lead, defaultRuleset).total + routeLead(lead, defaultRuleset, at).team.length;
    us.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  if (sink === -1) console.log(sink);
  return { scoreAndRouteUs: summarize(us, 2) };
}
