/**
 * Faults on the production topology: a Temporal server on PostgreSQL, two
 * worker processes and the API process (platform/cluster.ts). Each case kills
 * or restarts real processes and then counts rows in LeadGate's database:
 * every lead still there, one outcome per lead and cycle, no event twice.
 * The cases share one cluster and run in order (the second leaves one worker).
 */
import { Client, Connection } from '@temporalio/client';
import { leadDataConverter } from '../../../platform/data-converter';
import { leadHandle } from '../../../api/lead-client';
import { TEST_PAYLOAD_KEYS } from '../../support/payload-keys';
import { getLeadStateQuery } from '../../../workflows/messages';
import type { LeadView } from '../../../domain/lead-view';
import { qualifyingDiscovery, unconfirmedNeedDiscovery } from '../../support/discovery';
import { inboundLead } from '../../support/intake';
import { fastRuleset } from '../../support/rulesets';
import { api, createClusterHarness, eventCounts, outcomes, until, waitForLead, type ClusterHarness } from './cluster-harness';

jest.setTimeout(300_000);

// Clocks short enough to fire within a test, long enough to outlast a whole-cluster restart.
const ruleset = fastRuleset({ sla: { urgent: '45s', high: '45s', standard: '45s' }, nurture: { defaultCadence: '30s', minimumDelay: '1s' } });
let h: ClusterHarness;

beforeAll(async () => {
  h = await createClusterHarness(ruleset);
}, 600_000);

afterAll(() => h?.dispose());

async function submit(): Promise<string> {
  const response = await api<{ leadId: string }>(h, h.keys.intake, 'POST', '/v1/leads', inboundLead());
  expect(response.status).toBe(202);
  return response.body.leadId;
}

const routed = (leadId: string) => waitForLead(h, leadId, (v) => v.stage === 'awaiting_discovery' && v.owner !== null);

/** Discovery until the lead takes it: 200 with the new view, or 202 while its write is still on the way (then the view once it lands). */
async function discover(view: LeadView, payload: unknown): Promise<LeadView> {
  const key = h.keys.rep.get(view.owner!)!;
  const recording = (r: { status: number; body: unknown }) => r.status === 202 && (r.body as { status?: string }).status === 'recording';
  const response = await until(`discovery on ${view.leadId}`, () => api<LeadView>(h, key, 'POST', `/v1/leads/${view.leadId}/discovery`, payload), (r) => r.status === 200 || recording(r));
  return response.status === 200 ? response.body : waitForLead(h, view.leadId, (v) => v.stage === 'outcome');
}

/** Qualifies a routed lead and checks it was captured, routed and decided exactly once. */
async function qualifyAndCount(leadId: string): Promise<void> {
  const done = await discover(await routed(leadId), qualifyingDiscovery());
  expect(done.outcome?.status).toBe('qualified');
  // A 202 answer comes before the outcome row: wait for it, then it must be the only one.
  await until(`outcome row of ${leadId}`, () => outcomes(h, leadId), (rows) => rows.length > 0);
  expect(await outcomes(h, leadId)).toEqual([{ cycle: 0, status: 'qualified' }]);
  expect(await eventCounts(h, leadId)).toMatchObject({ captured: 1, fit_checked: 1, routed: 1, discovery_submitted: 1, outcome_decided: 1 });
  const assignments = await h.pool.query('SELECT cycle FROM rep_assignments WHERE lead_id = $1', [leadId]);
  expect(assignments.rows).toEqual([{ cycle: 0 }]);
}

const firstRowLanded = (leadIds: string[]) =>
  until('a first lead row', () => h.pool.query('SELECT 1 FROM leads WHERE lead_id = ANY($1)', [leadIds]), (r) => (r.rowCount ?? 0) > 0);

it('takes a lead from intake through routing to qualified over HTTP, on a Temporal server that persists to PostgreSQL', async () => {
  const ready = await fetch(`${h.apiUrl}/readyz`);
  expect(ready.status).toBe(200);
  const connection = await Connection.connect({ address: h.temporalAddress });
  const info = await connection.workflowService.getClusterInfo({}).finally(() => connection.close());
  expect(info).toMatchObject({ persistenceStore: 'postgres12', visibilityStore: 'postgres12' });
  await qualifyAndCount(await submit());
});

it('runs its workers without per-promise stacks, as production starts them: the stack trace query says so', async () => {
  const leadId = (await routed(await submit())).leadId;
  const connection = await Connection.connect({ address: h.temporalAddress });
  try {
    const client = new Client({ connection, namespace: 'default', dataConverter: leadDataConverter(TEST_PAYLOAD_KEYS) });
    const handle = leadHandle(client, leadId);
    await expect(handle.query(getLeadStateQuery)).resolves.toMatchObject({ leadId, stage: 'awaiting_discovery' });
    // The worker refuses it ("Workflow stack traces are not enabled on this worker"); its failure converter seals that message like any other.
    await expect(handle.query('__stack_trace')).rejects.toThrow('Encoded failure');
  } finally {
    await connection.close();
  }
});

it('finishes every lead on the other worker when one of the two is killed mid-flight', async () => {
  const leadIds = await Promise.all(Array.from({ length: 6 }, submit));
  await firstRowLanded(leadIds);
  await h.killWorker(0);
  for (const leadId of leadIds) await qualifyAndCount(leadId);
});

it('finishes every lead when the Temporal server is killed and restarted mid-flight', async () => {
  const leadIds = await Promise.all(Array.from({ length: 4 }, submit));
  await firstRowLanded(leadIds);
  await h.restartTemporal('SIGKILL');
  for (const leadId of leadIds) await qualifyAndCount(leadId);
  await until('readyz after the restart', () => fetch(`${h.apiUrl}/readyz`).then((r) => r.status), (s) => s === 200);
});

it('keeps every lead across a whole-cluster restart, and timers parked before it fire after it', async () => {
  const nurturing = (await discover(await routed(await submit()), unconfirmedNeedDiscovery())).leadId;
  const waiting = (await routed(await submit())).leadId;
  // Both timers are still ahead: the nurture date (30 s) and the SLA reminder and escalation (22 s, 45 s).
  expect((await waitForLead(h, nurturing, () => true)).stage).toBe('nurture');
  expect((await waitForLead(h, waiting, () => true)).sla).toMatchObject({ reminderSentAt: null, escalatedAt: null });

  const leadCount = async () => (await h.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM leads')).rows[0]!.n;
  const before = await leadCount();
  await h.stop();
  const restartedAt = Date.now();
  await h.start();
  expect(await leadCount()).toBe(before);

  const woken = await waitForLead(h, nurturing, (v) => v.stage === 'awaiting_discovery' && v.cycle === 1 && v.owner !== null);
  expect(Date.parse(woken.events.find((e) => e.type === 'reengaged')!.at)).toBeGreaterThan(restartedAt);
  expect(await outcomes(h, nurturing)).toEqual([{ cycle: 0, status: 'nurture' }]);
  expect(await eventCounts(h, nurturing)).toMatchObject({ captured: 1, routed: 2, nurture_scheduled: 1, reengaged: 1, outcome_decided: 1 });

  const escalated = await waitForLead(h, waiting, (v) => v.sla?.escalatedAt != null);
  expect(Date.parse(escalated.sla!.escalatedAt!)).toBeGreaterThan(restartedAt);
  expect(await eventCounts(h, waiting)).toMatchObject({ captured: 1, routed: 1, sla_reminder_sent: 1, sla_escalated: 1 });
  await qualifyAndCount(waiting);

  // Every lead decided before the restart still has exactly its outcome, once.
  const perCycle = await h.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM lead_outcomes GROUP BY lead_id, cycle HAVING count(*) > 1');
  expect(perCycle.rows).toEqual([]);
  const decided = await h.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM lead_outcomes WHERE status = 'qualified'");
  expect(decided.rows[0]!.n).toBe(1 + 6 + 4 + 1);
});
