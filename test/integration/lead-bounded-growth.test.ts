import { submitLead } from '../../api/lead-client';
import { leadWorkflowId } from '../../workflows/ids';
import { getLeadStateQuery, recordEngagementSignal, submitDiscoveryUpdate } from '../../workflows/messages';
import { qualifyingDiscovery } from '../support/discovery';
import { asRep, closeHarness, createHarness, routedLead, withWorker, type Harness } from '../support/lead-harness';

/**
 * A lead flooded with engagement signals and resubmissions keeps a bounded
 * state: every run's history stays under its continue-as-new limit, what one
 * run carries to the next stays small, and the lead still answers its rep.
 */
let h: Harness;
beforeAll(async () => {
  h = await createHarness([{ repId: 'flood-ss-1', team: 'solution_specialist' }]);
});
afterAll(() => closeHarness(h));

const MAX_HISTORY_EVENTS = 2_000;
const CARRIED_INPUT_LIMIT = 64 * 1024;

async function inBatches(count: number, width: number, send: (i: number) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < count; start += width) {
    await Promise.all(Array.from({ length: Math.min(width, count - start) }, (_, k) => send(start + k)));
  }
}

async function runsOf(workflowId: string) {
  const runs = [];
  for await (const run of h.env.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(run);
  return runs;
}

it('stays bounded under 5,000 engagement signals and 500 resubmissions, and still answers an Update', async () => {
  await withWorker(h, 'flood', async ({ taskQueue }) => {
    const { leadId, view, handle, intake } = await routedLead(h, taskQueue);
    const types = ['page_view', 'newsletter_click', 'downloaded', 'replied'] as const;
    await inBatches(5_000, 10, (i) => handle.signal(recordEngagementSignal, { type: types[i % types.length]!, detail: `Asset ${i}` }));
    await inBatches(500, 10, (i) => submitLead(h.env.client, taskQueue, { ...intake, message: `Follow-up ${i}: SOC 2 audit moved up, need log coverage` }));

    const answer = await handle.executeUpdate(submitDiscoveryUpdate, { args: [{ actor: asRep(view.owner), payload: qualifyingDiscovery() }] });
    expect(answer).toMatchObject({ leadId, stage: 'outcome', outcome: 'qualified' });
    const finalView = await handle.query(getLeadStateQuery);
    expect(finalView.events.length).toBeLessThanOrEqual(25);

    // Every signal and resubmission written exactly once, the last of them as the lead closes.
    await handle.result();
    const written = await h.pool.query<{ type: string; n: number; seqs: number }>(
      "SELECT type, count(*)::int AS n, count(DISTINCT event_key)::int AS seqs FROM lead_events WHERE lead_id = $1 AND type IN ('engagement_recorded', 'resubmitted') GROUP BY type ORDER BY type",
      [leadId],
    );
    expect(written.rows).toEqual([{ type: 'engagement_recorded', n: 5_000, seqs: 5_000 }, { type: 'resubmitted', n: 500, seqs: 500 }]);

    const runs = await runsOf(leadWorkflowId(leadId));
    expect(runs.length).toBeGreaterThan(1);
    for (const run of runs) {
      const history = await h.env.client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
      const events = history.events ?? [];
      // A task that lands while the run hands over may add a few events past the limit; never a second limit's worth.
      expect(events.length).toBeLessThan(MAX_HISTORY_EVENTS * 1.5);
      const input = events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
      const bytes = input.reduce((n, p) => n + (p.data?.length ?? 0), 0);
      expect(bytes).toBeLessThan(CARRIED_INPUT_LIMIT);
    }
  });
}, 600_000);
