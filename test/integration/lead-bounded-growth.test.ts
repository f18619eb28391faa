import { submitLead } from '../../api/lead-client';
import { leadWorkflowId } from '../../workflows/ids';
import { eventually } from '../support/db';
import { getLeadStateQuery, recordEngagementSignal, submitDiscoveryUpdate } from '../../workflows/messages';
import { qualifyingDiscovery } from '../support/discovery';
import { asRep, closeHarness, createHarness, routedLead, withWorker, type Harness } from '../support/lead-harness';

/**
 * A lead flooded with engagement signals and resubmissions keeps a bounded
 * state: every run's history stays under its continue-as-new limit, what one
 * run carries to the next stays small, every signal is written exactly once, and
 * the lead still answers its rep.
 *
 * The flood comes in bursts of 100 sent at once, each written before the next
 * is sent. Temporal refuses a hand-over to a new run while signals keep
 * arriving during the task that asks for it (temporalio/temporal#1289), so a
 * stream with no gap at all grows one run until it pauses (the API's per-lead
 * engagement limit keeps real traffic far below that); signals that land
 * during a hand-over are written all the same (lead-handover-signals.test.ts).
 */
let h: Harness;
beforeAll(async () => {
  h = await createHarness([{ repId: 'flood-ss-1', team: 'solution_specialist' }]);
});
afterAll(() => closeHarness(h));

const MAX_HISTORY_EVENTS = 2_000;
const CARRIED_INPUT_LIMIT = 64 * 1024;

const BURST = 100;

/** Sends `count` messages in bursts of BURST, `width` at a time; after each burst, `between` with how many have been sent. */
async function inBursts(count: number, width: number, send: (i: number) => Promise<unknown>, between: (sent: number) => Promise<unknown>): Promise<void> {
  for (let burst = 0; burst < count; burst += BURST) {
    for (let start = burst; start < Math.min(burst + BURST, count); start += width) {
      await Promise.all(Array.from({ length: Math.min(width, count - start, burst + BURST - start) }, (_, k) => send(start + k)));
    }
    await between(Math.min(burst + BURST, count));
  }
}

async function writtenCount(leadId: string, type: string): Promise<number> {
  const { rows } = await h.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM lead_events WHERE lead_id = $1 AND type = $2', [leadId, type]);
  return rows[0]!.n;
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
    // Between bursts: everything sent so far is written, and the task that wrote it (and any hand-over it decided) has completed.
    const settle = (type: string) => async (sent: number) => {
      await eventually(() => writtenCount(leadId, type), (n) => n === sent, 60_000);
      await handle.query(getLeadStateQuery);
    };
    const engage = (i: number) => handle.signal(recordEngagementSignal, { type: types[i % types.length]!, detail: `Asset ${i}` });
    await inBursts(5_000, 20, engage, settle('engagement_recorded'));
    const resubmit = (i: number) => submitLead(h.env.client, taskQueue, { ...intake, message: `Follow-up ${i}: SOC 2 audit moved up, need log coverage` });
    await inBursts(500, 20, resubmit, settle('resubmitted'));

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
      // Signals that land while the run hands over add to it: at most about a burst's worth (each signal and its task).
      expect(events.length).toBeLessThan(MAX_HISTORY_EVENTS + 4 * BURST);
      const input = events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
      const bytes = input.reduce((n, p) => n + (p.data?.length ?? 0), 0);
      expect(bytes).toBeLessThan(CARRIED_INPUT_LIMIT);
    }
  });
}, 600_000);
