import { temporal } from '@temporalio/proto';
import { recordEngagementSignal, submitDiscoveryUpdate } from '../../workflows/messages';
import { eventually } from '../support/db';
import { unconfirmedNeedDiscovery } from '../support/discovery';
import { asRep, closeHarness, createHarness, routedLead, withWorker, type Harness } from '../support/lead-harness';

/**
 * Signals that reach a lead while it hands over to a new run — after a long
 * history, or when a discovery parks it in nurture — are written exactly once.
 * Temporal refuses a hand-over whose task saw new signals arrive (the task
 * fails with UNHANDLED_COMMAND) and the lead takes the signals in before it
 * hands over again; each test checks that such a refusal really happened, so
 * it exercises that path and not only quiet hand-overs.
 */
let h: Harness;
beforeAll(async () => {
  h = await createHarness([{ repId: 'handover-ss-1', team: 'solution_specialist' }]);
});
afterAll(() => closeHarness(h));

const { WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND: UNHANDLED_COMMAND } = temporal.api.enums.v1.WorkflowTaskFailedCause;

async function written(leadId: string): Promise<{ n: number; distinct: number }> {
  const { rows } = await h.pool.query<{ n: number; distinct: number }>(
    "SELECT count(*)::int AS n, count(DISTINCT data->>'detail')::int AS distinct FROM lead_events WHERE lead_id = $1 AND type = 'engagement_recorded'",
    [leadId],
  );
  return rows[0]!;
}

/** Each run of the lead, and how many of its tasks Temporal refused because signals arrived meanwhile. */
async function refusedHandOvers(leadId: string): Promise<{ runs: number; refused: number }> {
  let runs = 0;
  let refused = 0;
  for await (const run of h.env.client.workflow.list({ query: `WorkflowId = '${leadId}'` })) {
    runs++;
    const history = await h.env.client.workflow.getHandle(leadId, run.runId).fetchHistory();
    refused += (history.events ?? []).filter((e) => e.workflowTaskFailedEventAttributes?.cause === UNHANDLED_COMMAND).length;
  }
  return { runs, refused };
}

/** Sends engagement signals from `width` senders until `done()`, each pausing now and then so hand-overs can happen in between. */
async function stream(handle: Awaited<ReturnType<typeof routedLead>>['handle'], width: number, done: (sent: number) => boolean): Promise<number> {
  let sent = 0;
  const sender = async (k: number) => {
    while (!done(sent)) {
      const i = sent++;
      await handle.signal(recordEngagementSignal, { type: 'page_view', detail: `Asset ${i}` });
      if (i % (7 + k) === 0) await new Promise((resolve) => setTimeout(resolve, 15 + k * 3));
    }
  };
  await Promise.all(Array.from({ length: width }, (_, k) => sender(k)));
  return sent;
}

it('writes every signal of a stream that keeps arriving across many long-history hand-overs, once each', async () => {
  await withWorker(h, 'handover-long', async ({ taskQueue }) => {
    const { leadId, handle } = await routedLead(h, taskQueue, {}, { maxHistoryEvents: 60 });
    const sent = await stream(handle, 4, (n) => n >= 1_500);
    await eventually(() => written(leadId), (w) => w.n === sent, 60_000);
    expect(await written(leadId)).toEqual({ n: sent, distinct: sent });
    const { runs, refused } = await refusedHandOvers(leadId);
    expect(runs).toBeGreaterThan(3);
    expect(refused).toBeGreaterThan(0);
  });
}, 120_000);

it('writes every signal that arrives while a discovery parks the lead in nurture and hands it over, once each', async () => {
  await withWorker(h, 'handover-nurture', async ({ taskQueue }) => {
    let refusals = 0;
    for (let round = 0; round < 5; round++) {
      const { leadId, handle, view } = await routedLead(h, taskQueue);
      let stop = false;
      const sending = stream(handle, 3, () => stop);
      await new Promise((resolve) => setTimeout(resolve, 30 + round * 7));
      const parked = await handle.executeUpdate(submitDiscoveryUpdate, { args: [{ actor: asRep(view.owner), payload: unconfirmedNeedDiscovery() }] });
      expect(parked.stage).toBe('nurture');
      await new Promise((resolve) => setTimeout(resolve, 20));
      stop = true;
      const sent = await sending;
      await eventually(() => written(leadId), (w) => w.n === sent, 30_000);
      expect(await written(leadId)).toEqual({ n: sent, distinct: sent });
      const { runs, refused } = await refusedHandOvers(leadId);
      expect(runs).toBe(2);
      refusals += refused;
    }
    // The case this test is for happened: a hand-over refused because signals landed during its task.
    expect(refusals).toBeGreaterThan(0);
  });
}, 120_000);
