import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Pool } from 'pg';
import { upsertRep } from '../../db/reps';
import type { Discovery } from '../../domain';
import { queryLeadState, submitLead, leadHandle } from '../../api/lead-client';
import { submitDiscoveryUpdate } from '../../workflows/messages';
import { eventually, testPool } from '../support/db';
import { inboundLead } from '../support/intake';
import { fastRuleset, storeRuleset } from '../support/rulesets';
import { bundleLeadWorkflows, connectTestEnv, createTestWorker, uniqueTaskQueue } from '../support/temporal';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let pool: Pool;
let rulesetVersion: string;

beforeAll(async () => {
  [env, bundle] = await Promise.all([connectTestEnv(), bundleLeadWorkflows()]);
  pool = testPool();
  rulesetVersion = await storeRuleset(pool, fastRuleset());
  await upsertRep(pool, { repId: 'wf-mon-1', name: 'Ana Silva', email: null, team: 'solution_specialist', capacity: 1000, isTeamLead: false });
  await upsertRep(pool, { repId: 'wf-mon-lead', name: 'Lee Ford', email: null, team: 'solution_specialist', capacity: 1000, isTeamLead: true });
});

afterAll(async () => {
  await pool?.end();
  await env?.teardown();
});

const fullDiscovery = (): Discovery => ({
  triggeringEvent: 'Detection gaps found after a phishing incident last month; SIEM only ingests firewall logs.',
  currentControls: 'Firewall logs in SIEM, EDR on laptops only',
  gaps: 'No cloud audit logs or identity provider logs are collected',
  urgentEnvironments: ['logs', 'cloud'],
  desiredOutcome: 'Detect account takeover within 15 minutes',
  needConfirmed: true,
  painIdentified: 'Phishing incident went unnoticed for three days',
  economicBuyer: { name: 'Sam Ortiz', title: 'CFO' },
  decisionCriteria: ['Okta and AWS log coverage', '24x7 triage'],
  decisionProcess: 'CISO recommends, CFO signs, procurement runs a two-week security review',
  timeline: { targetDate: '2027-02-01', description: 'Live before the SOC 2 audit window' },
  nextMeeting: { at: '2027-01-10T15:00:00Z', type: 'technical_review' },
  contacts: [{ name: 'Priya Raman', title: 'Security Architect', role: 'technical_gate' }],
  scope: { logAccess: 'yes', integrations: ['siem', 'cloud', 'iam'], onboardingTeamAvailable: 'yes', environments: ['AWS prod', 'Okta'] },
  commercial: { activePlan: 'budget_cycle', procurement: { path: 'Security review then MSA', timeline: 'Four weeks' }, stakeholders: [{ name: 'Sam Ortiz', title: 'CFO' }] },
});

it('captures, routes and qualifies an inbound lead, writing the read model and the audit trail', async () => {
  const taskQueue = uniqueTaskQueue('pipeline');
  const worker = await createTestWorker({ env, pool, bundle, taskQueue, pinnedRulesetVersion: rulesetVersion });
  await worker.runUntil(async () => {
    const intake = inboundLead();
    const { leadId } = await submitLead(env.client, taskQueue, intake);
    const routed = await eventually(() => queryLeadState(env.client, leadId), (v) => v.stage === 'awaiting_discovery');
    expect(routed.route?.team).toBe('solution_specialist');
    expect(routed.owner).toBe('wf-mon-1');
    expect(routed.rulesetVersion).toBe(rulesetVersion);

    const row = await eventually(
      () => pool.query('SELECT stage, owner_rep_id, team FROM leads WHERE lead_id = $1', [leadId]),
      (r) => r.rows[0]?.stage === 'awaiting_discovery',
    );
    expect(row.rows[0]).toEqual({ stage: 'awaiting_discovery', owner_rep_id: 'wf-mon-1', team: 'solution_specialist' });

    const qualified = await leadHandle(env.client, leadId).executeUpdate(submitDiscoveryUpdate, {
      args: [{ actor: { role: 'rep', repId: 'wf-mon-1' }, payload: fullDiscovery() }],
    });
    expect(qualified.stage).toBe('outcome');
    expect(qualified.outcome?.status).toBe('qualified');
    expect(qualified.handoff?.environments.length).toBeGreaterThan(0);
    const outcomes = await pool.query('SELECT status FROM lead_outcomes WHERE lead_id = $1', [leadId]);
    expect(outcomes.rows).toEqual([{ status: 'qualified' }]);
  });
});
