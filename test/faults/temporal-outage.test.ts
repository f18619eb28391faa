/**
 * Temporal faults. An intake Temporal cannot take right now is still accepted
 * (written to PostgreSQL, started later by the relay): one workflow per lead,
 * routed once. And a worker SIGKILLed together with a Temporal restart while
 * leads are in flight, mid-discovery, leaves each with one outcome per cycle.
 */
import { inboundLead } from '../support/intake';
import { qualifyingDiscovery } from '../support/discovery';
import { leadWorkflowId } from '../../workflows/ids';
import { call, postLead, byStatus, type Answer } from './support/http';
import { eventsOf, ledgerProblems, mapLimit, settledLedgers } from './support/ledger';
import { FaultStack } from './support/stack';
import { printSummary, waitFor } from './support/summary';
import { sleep } from './support/child';
import { queryLeadState } from '../../api/lead-client';
import type { LeadView } from '../../domain/lead-view';

jest.setTimeout(240_000);

let stack: FaultStack;

beforeAll(async () => {
  stack = await FaultStack.start({ name: 'temporal' });
});

afterAll(() => stack?.close());

/** The live lead once it sits routed with an owner (bounded). */
function routed(leadId: string, timeoutMs: number): Promise<LeadView> {
  return waitFor(
    `lead ${leadId} routed`,
    () => queryLeadState(stack.temporal, leadId),
    (v) => v.stage === 'awaiting_discovery' && v.owner !== null,
    timeoutMs,
  );
}

async function runsOf(leadId: string): Promise<number> {
  let runs = 0;
  for await (const run of stack.temporal.workflow.list({ query: `WorkflowId = '${leadWorkflowId(leadId)}'` })) {
    if (run.workflowId === leadWorkflowId(leadId)) runs++;
  }
  return runs;
}

it('accepts 20 leads while Temporal is down (202 queued) and routes each exactly once when it is back', async () => {
  await stack.stopTemporal();
  const downAt = Date.now();
  const answers = await mapLimit(Array.from({ length: 20 }), 5, () => postLead(stack.apiUrl, stack.keys.intake, inboundLead()));
  const outageMs = Date.now() - downAt;
  await stack.startTemporal();

  const leadIds = answers.map((a) => a.body?.leadId as string);
  const summary = {
    leads: 20,
    temporalDownMs: outageMs,
    answers: byStatus(answers),
    intakeStatuses: answers.map((a) => a.body?.status),
    maxLatencyMs: Math.max(...answers.map((a) => a.ms)),
  };
  printSummary('Temporal outage: intake while the server is down', summary);
  expect(answers.map((a) => a.status)).toEqual(Array(20).fill(202));
  expect(answers.map((a) => a.body?.status)).toEqual(Array(20).fill('queued'));

  await mapLimit(leadIds, 5, (id) => routed(id, 120_000));
  const ledgers = await settledLedgers(stack.pool, stack.temporal, leadIds, 60_000);
  const runs = await mapLimit(leadIds, 5, (id) => runsOf(id));
  printSummary('Temporal outage: after the restart', {
    routed: leadIds.length,
    runsPerLead: [...new Set(runs)],
    routedEventsPerLead: [...new Set(leadIds.map((id) => eventsOf(ledgers.get(id)!, 'routed').length))],
  });
  expect(runs).toEqual(Array(20).fill(1));
  for (const id of leadIds) expect(eventsOf(ledgers.get(id)!, 'routed')).toHaveLength(1);
  expect(leadIds.flatMap((id) => ledgerProblems(ledgers.get(id)!))).toEqual([]);
});

/** The owner's discovery, retried the way a client would until the lead answers (200) or says it already moved on (409). */
async function discoverUntilAnswered(leadId: string, owner: string, answers: Answer[]): Promise<Answer> {
  const deadline = Date.now() + 150_000;
  for (;;) {
    const a = await call(stack.apiUrl, 'POST', `/v1/leads/${leadId}/discovery`, stack.repKey(owner), qualifyingDiscovery());
    answers.push(a);
    if (a.status === 200 || a.status === 409 || Date.now() > deadline) return a;
    await sleep(1_000);
  }
}

it('keeps one outcome per cycle for 50 leads in flight when the worker is SIGKILLed and Temporal restarts', async () => {
  await stack.apiReady();
  // Half routed and receiving discovery when the crash comes, half just submitted (capture, fit check, routing).
  const early = await mapLimit(Array.from({ length: 25 }), 5, () => postLead(stack.apiUrl, stack.keys.intake, inboundLead()));
  expect(early.map((a) => a.status)).toEqual(Array(25).fill(202));
  const earlyIds = early.map((a) => a.body?.leadId as string);
  const earlyOwners = await mapLimit(earlyIds, 5, async (id) => (await routed(id, 90_000)).owner!);

  const actionAnswers: Answer[] = [];
  const late = await mapLimit(Array.from({ length: 25 }), 5, () => postLead(stack.apiUrl, stack.keys.intake, inboundLead()));
  expect(late.map((a) => a.status)).toEqual(Array(25).fill(202));
  const lateIds = late.map((a) => a.body?.leadId as string);
  // Discovery for the routed half goes out in a stream; the crash lands in the middle of it.
  const discoveries = earlyIds.map(async (id, i) => {
    await sleep(i * 80);
    return discoverUntilAnswered(id, earlyOwners[i]!, actionAnswers);
  });
  await sleep(700);
  const crashAt = Date.now();
  await stack.crashWorker();
  await stack.stopTemporal({ kill: true });
  await stack.startTemporal();
  const temporalBackAt = Date.now();
  await stack.startWorker();
  const workerBackAt = Date.now();

  const earlyFinal = await Promise.all(discoveries);
  const lateOwners = await mapLimit(lateIds, 5, async (id) => (await routed(id, 120_000)).owner!);
  const lateFinal = await mapLimit(lateIds, 5, (id, i) => discoverUntilAnswered(id, lateOwners[i]!, actionAnswers));

  const leadIds = [...earlyIds, ...lateIds];
  await mapLimit(leadIds, 5, (id) => waitFor(`lead ${id} closed`, () => queryLeadState(stack.temporal, id), (v) => v.stage === 'outcome', 60_000));
  const ledgers = await settledLedgers(stack.pool, stack.temporal, leadIds, 60_000);
  const all = [...ledgers.values()];
  printSummary('Worker SIGKILL + Temporal restart with 50 leads in flight', {
    leads: leadIds.length,
    temporalDownMs: temporalBackAt - crashAt,
    workerDownMs: workerBackAt - crashAt,
    discoveryAnswers: byStatus(actionAnswers),
    discoveriesInFlightAtCrash: actionAnswers.filter((a) => a.sentAt <= crashAt && a.sentAt + a.ms > crashAt).length,
    discoveriesSentWhileDown: actionAnswers.filter((a) => a.sentAt > crashAt && a.sentAt < workerBackAt).length,
    finalDiscoveryAnswers: byStatus([...earlyFinal, ...lateFinal]),
    outcomeRows: all.reduce((n, l) => n + l.outcomes.length, 0),
    eventRows: all.reduce((n, l) => n + l.events.length, 0),
    notificationRows: all.reduce((n, l) => n + l.notifications.length, 0),
  });

  expect([...earlyFinal, ...lateFinal].map((a) => a.status).filter((s) => s !== 200 && s !== 409)).toEqual([]);
  expect(leadIds.flatMap((id) => ledgerProblems(ledgers.get(id)!))).toEqual([]);
  for (const l of all) {
    expect(l.outcomes).toEqual([{ cycle: 0, status: 'qualified' }]);
    expect(l.assignments).toEqual([0]);
    for (const type of ['captured', 'fit_checked', 'routed', 'discovery_submitted', 'scope_submitted', 'commercial_submitted', 'outcome_decided']) {
      expect([l.leadId, type, eventsOf(l, type).length]).toEqual([l.leadId, type, 1]);
    }
  }
});
