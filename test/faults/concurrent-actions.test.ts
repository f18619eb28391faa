/**
 * Two decisions arriving together for one lead. A manager's disqualify and the
 * owner's discovery sent at the same moment: exactly one wins, the other is
 * told the lead moved on (409 wrong_stage), and the lead records one outcome.
 * A response window elapsing exactly while a discovery Update lands: never an
 * accepted discovery and a no-engagement outcome in the same cycle.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { leadHandle, queryLeadState } from '../../api/lead-client';
import { parseRuleset } from '../../domain';
import { saveRuleset } from '../../db/rulesets';
import { reengageNowSignal, submitDiscoveryUpdate } from '../../workflows/messages';
import { qualifyingDiscovery } from '../support/discovery';
import { inboundLead } from '../support/intake';
import { eventTypeNames } from '../support/history';
import { fastRuleset } from '../support/rulesets';
import { sleep } from './support/child';
import { byStatus, call, postLead, type Answer } from './support/http';
import { eventsOf, ledgerProblems, mapLimit, settledLedgers } from './support/ledger';
import { FaultStack } from './support/stack';
import { printSummary, tally, waitFor } from './support/summary';

jest.setTimeout(240_000);

const DISQUALIFY = { reason: 'competitor', note: 'Caller works for a competing MDR vendor and asked only about our pricing model' };

let stack: FaultStack;

beforeAll(async () => {
  stack = await FaultStack.start({ name: 'concurrent' });
});

afterAll(() => stack?.close());

async function routedLead(): Promise<{ leadId: string; owner: string }> {
  const posted = await postLead(stack.apiUrl, stack.keys.intake, inboundLead());
  if (posted.status !== 202) throw new Error(`intake answered ${posted.status}`);
  const leadId = posted.body!.leadId as string;
  const view = await waitFor(`lead ${leadId} routed`, () => queryLeadState(stack.temporal, leadId), (v) => v.stage === 'awaiting_discovery' && v.owner !== null, 90_000);
  return { leadId, owner: view.owner! };
}

async function closed(leadId: string, timeoutMs = 60_000) {
  try {
    return await waitFor(`lead ${leadId} closed`, () => queryLeadState(stack.temporal, leadId), (v) => v.stage === 'outcome', timeoutMs);
  } catch (error) {
    if (String(error).includes('Nondeterminism')) await keepHistory(leadId);
    throw error;
  }
}

/**
 * A lead whose replay diverged (seen once, on a query: an Update, signals and a
 * timer in one task): its history kept whole in a file, and its events' order
 * in the test's output, so the run that hits it again leaves the evidence.
 */
async function keepHistory(leadId: string): Promise<void> {
  const history = await leadHandle(stack.temporal, leadId).fetchHistory();
  const file = path.join(tmpdir(), `leadgate-diverged-${leadId}.json`);
  writeFileSync(file, historyToJSON(history));
  const order = eventTypeNames(history).map((type, i) => `${i + 1} ${type.replace('EVENT_TYPE_', '')}`);
  console.log(`[faults] ${leadId}: replay diverged; history in ${file}\n  ${order.join('\n  ')}`);
}

it('lets exactly one of a disqualify and a discovery sent together win, in each of 50 leads', async () => {
  const TRIALS = 50;
  const leads = await mapLimit(Array.from({ length: TRIALS }), 5, () => routedLead());
  const trials = await mapLimit(leads, 5, async ({ leadId, owner }) => {
    const [disqualify, discovery] = await Promise.all([
      call(stack.apiUrl, 'POST', `/v1/leads/${leadId}/disqualify`, stack.keys.manager, DISQUALIFY),
      call(stack.apiUrl, 'POST', `/v1/leads/${leadId}/discovery`, stack.repKey(owner), qualifyingDiscovery()),
    ]);
    return { leadId, disqualify, discovery };
  });
  const ids = leads.map((l) => l.leadId);
  await mapLimit(ids, 5, (id) => closed(id));
  const ledgers = await settledLedgers(stack.pool, stack.temporal, ids, 60_000);

  const bothWon = trials.filter((t) => t.disqualify.status === 200 && t.discovery.status === 200);
  printSummary('Concurrent disqualify + discovery', {
    trials: TRIALS,
    disqualifyAnswers: byStatus(trials.map((t) => t.disqualify)),
    discoveryAnswers: byStatus(trials.map((t) => t.discovery)),
    bothAnswered200: bothWon.length,
    outcomeDecidedEventsPerLead: tally(ids.map((id) => eventsOf(ledgers.get(id)!, 'outcome_decided').length)),
    outcomeRows: ids.reduce((n, id) => n + ledgers.get(id)!.outcomes.length, 0),
  });

  for (const t of trials) {
    const l = ledgers.get(t.leadId)!;
    const winner = t.disqualify.status === 200 ? t.disqualify : t.discovery;
    const loser = winner === t.disqualify ? t.discovery : t.disqualify;
    expect([t.leadId, winner.status, loser.status, loser.body?.reason]).toEqual([t.leadId, 200, 409, 'wrong_stage']);
    expect([t.leadId, eventsOf(l, 'outcome_decided').length]).toEqual([t.leadId, 1]);
    const status = winner === t.disqualify ? 'unqualified' : 'qualified';
    expect([t.leadId, l.outcomes]).toEqual([t.leadId, [{ cycle: 0, status }]]);
  }
  expect(ids.flatMap((id) => ledgerProblems(ledgers.get(id)!))).toEqual([]);
});

/** When the server fires the lead's response-window timer: its TimerStarted time plus its duration, from the history. */
async function windowTimerFiresAt(leadId: string): Promise<number> {
  const toMs = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) => Number(String(t?.seconds ?? 0)) * 1000 + (t?.nanos ?? 0) / 1e6;
  return waitFor(
    `response-window timer of ${leadId}`,
    async () => {
      const { events } = await leadHandle(stack.temporal, leadId).fetchHistory();
      const timer = [...(events ?? [])].reverse().find((e) => e.timerStartedEventAttributes);
      return timer ? toMs(timer.eventTime) + toMs(timer.timerStartedEventAttributes!.startToFireTimeout) : 0;
    },
    (at) => at > 0,
    30_000,
  );
}

/** Accepted; refused by the lead (wrong stage); or failed otherwise (the lead closed, or the task carrying it failed). */
type UpdateResult = 'accepted' | 'refused' | 'failed';

it('never both accepts a discovery and closes the lead for no engagement when the window elapses as the Update lands (20 trials)', async () => {
  const TRIALS = 20;
  const WINDOW = '5s';
  const ruleset = fastRuleset({ sla: { urgent: '1h', high: '1h', standard: '1h' }, engagement: { responseWindow: WINDOW } });
  await saveRuleset(stack.pool, parseRuleset({ ...ruleset, version: `faults-deadline-${randomUUID().slice(0, 8)}` }), { activate: true });

  // Updates go straight to Temporal (no HTTP hop) so they can be aimed at the timer to the millisecond:
  // a burst from 60 ms before the fire time to 40 ms after, shifted a little per trial. Around them, a
  // stream of signals that change nothing in this stage keeps a workflow task in flight, so the timer and
  // an Update that arrive meanwhile reach the workflow together in the next task, as on a busy lead.
  const offsets = Array.from({ length: 11 }, (_, i) => -60 + i * 10);
  const noise = Array.from({ length: 25 }, (_, i) => -60 + i * 4);
  const trials = await mapLimit(Array.from({ length: TRIALS }), 5, async (_, trial) => {
    const { leadId, owner } = await routedLead();
    const fireAt = (await windowTimerFiresAt(leadId)) + (trial % 5) * 3;
    const handle = leadHandle(stack.temporal, leadId);
    const signals = noise.map(async (offset) => {
      await sleep(Math.max(0, fireAt + offset - Date.now()));
      // Re-engaging only means something in nurture; once the lead closes the signal has nowhere to go.
      await handle.signal(reengageNowSignal, { requestedBy: 'manager' }).catch(() => undefined);
    });
    const results = await Promise.all(
      offsets.map(async (offset): Promise<UpdateResult> => {
        await sleep(Math.max(0, fireAt + offset - Date.now()));
        try {
          await handle.executeUpdate(submitDiscoveryUpdate, { args: [{ actor: { role: 'rep', repId: owner }, payload: qualifyingDiscovery() }] });
          return 'accepted';
        } catch (error) {
          return error instanceof WorkflowUpdateFailedError ? 'refused' : 'failed';
        }
      }),
    );
    await Promise.all(signals);
    return { leadId, results };
  });
  const ids = trials.map((t) => t.leadId);
  await mapLimit(ids, 5, (id) => closed(id));
  const ledgers = await settledLedgers(stack.pool, stack.temporal, ids, 60_000);

  const noEngagement = (id: string) =>
    eventsOf(ledgers.get(id)!, 'outcome_decided').some((e) => e.reasons.some((r) => r.code === 'no_engagement_in_window'));
  const accepted = (t: (typeof trials)[number]) => t.results.filter((r) => r === 'accepted').length;
  printSummary('Response window elapsing as a discovery Update lands', {
    trials: TRIALS,
    updatesPerTrial: offsets.length,
    updateResults: tally(trials.flatMap((t) => t.results)),
    trialsWonByDiscovery: trials.filter((t) => accepted(t) > 0).length,
    trialsClosedForNoEngagement: ids.filter(noEngagement).length,
    trialsWithBoth: trials.filter((t) => accepted(t) > 0 && noEngagement(t.leadId)).length,
    trialsWhereReadModelAndWorkflowDisagree: ids.filter((id) => ledgers.get(id)!.liveLastSeq !== ledgers.get(id)!.lastEventSeq).length,
  });

  for (const t of trials) {
    const l = ledgers.get(t.leadId)!;
    expect([t.leadId, accepted(t) <= 1, eventsOf(l, 'outcome_decided').length, l.outcomes.length]).toEqual([t.leadId, true, 1, 1]);
    expect([t.leadId, accepted(t) > 0 && noEngagement(t.leadId)]).toEqual([t.leadId, false]);
    expect([t.leadId, eventsOf(l, 'discovery_submitted').length]).toEqual([t.leadId, accepted(t)]);
  }
  expect(ids.flatMap((id) => ledgerProblems(ledgers.get(id)!))).toEqual([]);
});

it('keeps the read model and the workflow in agreement when a discovery closes a lead while engagement streams in over the API (20 leads)', async () => {
  const TRIALS = 20;
  // Clocks long enough that only the rep's discovery can decide these leads.
  const ruleset = fastRuleset({ sla: { urgent: '1h', high: '1h', standard: '1h' }, engagement: { responseWindow: '1h' } });
  await saveRuleset(stack.pool, parseRuleset({ ...ruleset, version: `faults-busy-${randomUUID().slice(0, 8)}` }), { activate: true });

  const trials = await mapLimit(Array.from({ length: TRIALS }), 4, async () => {
    const { leadId, owner } = await routedLead();
    const engagements: Answer[] = [];
    let streaming = true;
    // The intake tool reports page views every ~30 ms (under the per-lead engagement limit), as a busy prospect would.
    const stream = (async () => {
      while (streaming && engagements.length < 45) {
        engagements.push(await call(stack.apiUrl, 'POST', `/v1/leads/${leadId}/engagement`, stack.keys.intake, { type: 'page_view', detail: 'Pricing page' }));
        await sleep(30);
      }
    })();
    await sleep(300);
    const discoveries: Answer[] = [];
    // The rep retries a 503 the way the API asks (the action may or may not have been applied).
    for (let attempt = 0; attempt < 10; attempt++) {
      const answer = await call(stack.apiUrl, 'POST', `/v1/leads/${leadId}/discovery`, stack.repKey(owner), qualifyingDiscovery());
      discoveries.push(answer);
      if (answer.status !== 503) break;
      await sleep(500);
    }
    await sleep(300);
    streaming = false;
    await stream;
    return { leadId, discoveries, engagements };
  });
  const ids = trials.map((t) => t.leadId);
  // A lead the workflow never closed is reported below with the rest, not waited for without end.
  const closedByWorkflow = await mapLimit(ids, 5, (id) => closed(id, 20_000).then(() => true, () => false));
  const ledgers = await settledLedgers(stack.pool, stack.temporal, ids, 60_000);

  printSummary('Discovery closing a lead while engagement streams in', {
    trials: TRIALS,
    discoveryAnswers: byStatus(trials.flatMap((t) => t.discoveries)),
    engagementAnswers: byStatus(trials.flatMap((t) => t.engagements)),
    engagementEventRows: ids.reduce((n, id) => n + eventsOf(ledgers.get(id)!, 'engagement_recorded').length, 0),
    leadsTheWorkflowLeftOpen: closedByWorkflow.filter((c) => !c).length,
    trialsWhereReadModelAndWorkflowDisagree: ids.filter((id) => ledgers.get(id)!.liveLastSeq !== ledgers.get(id)!.lastEventSeq).length,
  });

  for (const t of trials) {
    const l = ledgers.get(t.leadId)!;
    // Every engagement the API accepted is on the trail, including those that landed as the lead closed.
    expect([t.leadId, eventsOf(l, 'engagement_recorded').length]).toEqual([t.leadId, t.engagements.filter((a) => a.status === 202).length]);
    expect([t.leadId, t.discoveries.map((a) => a.status).filter((s) => s !== 503)]).toEqual([t.leadId, [200]]);
    expect([t.leadId, l.outcomes, eventsOf(l, 'discovery_submitted').length]).toEqual([t.leadId, [{ cycle: 0, status: 'qualified' }], 1]);
  }
  expect(ids.flatMap((id) => ledgerProblems(ledgers.get(id)!))).toEqual([]);
});
