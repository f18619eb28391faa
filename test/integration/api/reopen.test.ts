import { WorkflowNotFoundError } from '@temporalio/client';
import request from 'supertest';
import type { LeadView } from '../../../domain/lead-view';
import { randomUUID } from 'node:crypto';
import { reopenLead } from '../../../api/intake';
import { newSubmission, queryLeadState } from '../../../api/lead-client';
import { closedCycleState, confirmReopen, findLeadRecord, recordClosedResubmission, reserveReopen, unwrittenReopen, type ReopenRequest } from '../../../db/intake';
import { leadEvents } from '../../../db/lead-queries';
import { createLogger } from '../../../platform/logger';
import { leadWorkflowId } from '../../../workflows/ids';
import { eventually } from '../../support/db';
import { qualifyingDiscovery } from '../../support/discovery';
import { bearer, createApiHarness, leadUntil, postRoutedLead, type ApiHarness } from './api-harness';

/** Returning prospects: a closed lead opened as a new cycle on the same lead id, or its resubmission recorded. */
let h: ApiHarness;

beforeAll(async () => {
  h = await createApiHarness('reopen', [
    { repId: 'api-reo-ss-1', team: 'solution_specialist' },
    { repId: 'api-reo-ir-1', team: 'incident_response' },
  ]);
});

afterAll(() => h?.close());

const NOTES = {
  no_budget_path: 'CFO froze all new security spend until the FY27 plan; no pilot or budget cycle before then',
  vendor_pitch: 'Sender sells outsourced SOC staffing to us; no security need of their own, reseller pitch only',
};

/** A routed lead closed by its owner with `reason`. */
async function closedLead(reason: keyof typeof NOTES) {
  const lead = await postRoutedLead(h);
  const res = await request(h.app).post(`/v1/leads/${lead.leadId}/disqualify`).set(bearer(lead.ownerKey)).send({ reason, note: NOTES[reason] });
  expect(res.status).toBe(200);
  return { ...lead, closed: res.body as LeadView };
}

async function qualifiedLead() {
  const lead = await postRoutedLead(h);
  const res = await request(h.app).post(`/v1/leads/${lead.leadId}/discovery`).set(bearer(lead.ownerKey)).send(qualifyingDiscovery());
  expect(res.body).toMatchObject({ stage: 'outcome', outcome: { status: 'qualified' } });
  return lead;
}

const resubmit = (intake: object, headers: Record<string, string> = {}) =>
  request(h.app).post('/v1/leads').set(bearer(h.keys.intake)).set(headers).send({ ...intake, message: 'We were hit by ransomware last night; two file servers are encrypted and the attacker may still be inside.' });

const notifications = async (leadId: string) =>
  (await h.pool.query<{ message_key: string; kind: string; recipient_rep_id: string | null }>(
    'SELECT message_key, kind, recipient_rep_id FROM notification_outbox WHERE lead_id = $1 ORDER BY id', [leadId],
  )).rows;

const outcomes = async (leadId: string) =>
  (await h.pool.query<{ cycle: number; status: string }>('SELECT cycle, status FROM lead_outcomes WHERE lead_id = $1 ORDER BY cycle', [leadId])).rows;

const eventKeys = async (leadId: string) =>
  (await h.pool.query<{ event_key: string; type: string }>('SELECT event_key, type FROM lead_events WHERE lead_id = $1 ORDER BY id', [leadId])).rows;

async function runCount(leadId: string): Promise<number> {
  const runs: string[] = [];
  for await (const run of h.env.client.workflow.list({ query: `WorkflowId = '${leadId}'` })) runs.push(run.runId);
  return runs.length;
}

/** The new cycle is routed, written and its owner told exactly once; the earlier cycle's outcome and trail are all still there. */
async function expectNewCycle(leadId: string, before: { events: Array<{ event_key: string }>; outcome: { cycle: number; status: string } }) {
  const view = await leadUntil(h, leadId, (v) => v.cycle === 1 && v.stage === 'awaiting_discovery' && v.owner !== null);
  const row = await eventually(
    async () => (await h.pool.query('SELECT stage, nurture_cycle, owner_rep_id, created_at FROM leads WHERE lead_id = $1', [leadId])).rows[0],
    (r) => r.stage === 'awaiting_discovery' && r.nurture_cycle === 1,
  );
  expect(row.owner_rep_id).toBe(view.owner);
  const assigned = await eventually(() => notifications(leadId), (n) => n.some((m) => m.message_key === `${leadId}:1:${view.route!.escalated ? 'urgent_lead_assigned' : 'lead_assigned'}`));
  // Its owner, once. (An urgent lead also copies the team's lead, whoever other test files made one on the shared database.)
  const toOwner = assigned.filter((m) => m.message_key.startsWith(`${leadId}:1:`) && m.kind.endsWith('lead_assigned') && m.recipient_rep_id === view.owner);
  expect(toOwner).toHaveLength(1);
  expect(await outcomes(leadId)).toEqual([before.outcome]);
  const events = await eventKeys(leadId);
  expect(events.slice(0, before.events.length)).toEqual(before.events);
  expect(events.length).toBeGreaterThan(before.events.length);
  expect(new Set(events.map((e) => e.event_key)).size).toBe(events.length);
  expect(view.events.map((e) => e.seq)).toEqual([...new Set(view.events.map((e) => e.seq))].sort((a, b) => a - b));
  return view;
}

describe('a resubmission for a closed lead', () => {
  it('reopens a lead disqualified for now: a new cycle, routed, the rep told once, the earlier outcome and trail kept', async () => {
    const { leadId, intake } = await closedLead('no_budget_path');
    const before = { events: await eventKeys(leadId), outcome: { cycle: 0, status: 'disqualified_for_now' } };
    const res = await resubmit(intake);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ leadId, status: 'reopened' });
    const view = await expectNewCycle(leadId, before);
    expect(view.route).toMatchObject({ team: 'incident_response' });
  });

  it('keeps a vendor pitch closed: recorded on the lead, nobody told, no new run', async () => {
    const { leadId, intake } = await closedLead('vendor_pitch');
    const told = (await notifications(leadId)).length;
    const res = await resubmit(intake);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ leadId, status: 'recorded' });
    const events = await eventKeys(leadId);
    expect(events.filter((e) => e.type === 'resubmitted_while_closed')).toHaveLength(1);
    expect(await notifications(leadId)).toHaveLength(told);
    expect((await h.pool.query('SELECT stage FROM leads WHERE lead_id = $1', [leadId])).rows[0].stage).toBe('outcome');
    expect(await runCount(leadId)).toBe(1);
    const read = await request(h.app).get(`/v1/leads/${leadId}`).set(bearer(h.keys.manager)).expect(200);
    expect((read.body as LeadView).events.at(-1)).toMatchObject({ type: 'resubmitted_while_closed', stage: 'outcome' });
  });

  it("records a qualified lead's resubmission for its owner, once per submission, without reopening it", async () => {
    const { leadId, intake, view } = await qualifiedLead();
    const key = `resubmit-${leadId}`;
    const first = await resubmit(intake, { 'Idempotency-Key': key });
    expect(first.body).toEqual({ leadId, status: 'recorded' });
    // The same request again is a duplicate of the first: nothing recorded or sent twice.
    expect((await resubmit(intake, { 'Idempotency-Key': key })).body).toEqual({ leadId, status: 'duplicate' });
    const told = (await notifications(leadId)).filter((n) => n.kind === 'closed_lead_resubmitted');
    expect(told).toEqual([expect.objectContaining({ recipient_rep_id: view.owner })]);
    expect((await eventKeys(leadId)).filter((e) => e.type === 'resubmitted_while_closed')).toHaveLength(1);
    expect(await outcomes(leadId)).toEqual([{ cycle: 0, status: 'qualified' }]);
    expect(await runCount(leadId)).toBe(1);
  });
});

describe('POST /v1/leads/{id}/reopen', () => {
  const reopen = (leadId: string, key = h.keys.manager, body?: object) => {
    const req = request(h.app).post(`/v1/leads/${leadId}/reopen`).set(bearer(key));
    return body ? req.send(body) : req;
  };

  it('lets a manager reopen any closed lead, once however many ask at the same moment', async () => {
    const { leadId, ownerKey } = await closedLead('vendor_pitch');
    const before = { events: await eventKeys(leadId), outcome: { cycle: 0, status: 'unqualified' } };
    expect((await reopen(leadId, ownerKey)).status).toBe(403);
    expect((await reopen(leadId, h.keys.intake)).status).toBe(403);
    const [a, b] = await Promise.all([reopen(leadId, h.keys.manager, { note: 'Prospect changed hands; new CISO asked for a call' }), reopen(leadId)]);
    const answers = [a, b].map((r) => (r.status === 202 ? r.body.status : r.status)).sort();
    expect(answers[answers.length - 1]).toBe('reopened');
    expect([['duplicate', 'reopened'], [409, 'reopened']]).toContainEqual(answers);
    await expectNewCycle(leadId, before);
    const kept = await h.pool.query('SELECT cycle, reason, actor, note, started FROM lead_reopens WHERE lead_id = $1', [leadId]);
    // The reopen on record is the one whose run started, with its own note.
    const winnerNote = a.status === 202 && a.body.status === 'reopened' ? 'Prospect changed hands; new CISO asked for a call' : null;
    expect(kept.rows).toEqual([{ cycle: 1, reason: 'reopened_by_manager', actor: 'manager', note: winnerNote, started: true }]);
    // Now running: a second reopen is the wrong stage.
    const again = await reopen(leadId);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ reason: 'wrong_stage' });
  });

  it("keeps a resubmission decided on the closed cycle out of a reopened lead's trail: it goes to the new run", async () => {
    const { leadId, intake } = await qualifiedLead();
    // The resubmission read the lead as closed at cycle 0 just before the manager's reopen landed.
    expect((await reopen(leadId)).body).toEqual({ leadId, status: 'reopened' });
    const recorded = await recordClosedResubmission(h.pool, { leadId, cycle: 0, submissionId: `late-${leadId}`, decision: 'record', reopensSeen: null });
    // Refused outright once the new run has written; before that, the reopen on record is not the none this record was read with.
    expect(['reopened', 'changed']).toContain(recorded);
    const view = await leadUntil(h, leadId, (v) => v.cycle === 1 && v.stage === 'awaiting_discovery');
    expect(view.events.filter((e) => e.type === 'resubmitted_while_closed')).toEqual([]);
    expect((await notifications(leadId)).filter((n) => n.kind === 'closed_lead_resubmitted')).toEqual([]);
    // A resubmission now reaches the running cycle.
    expect((await resubmit(intake)).body).toEqual({ leadId, status: 'duplicate' });
  });

  describe('a reopen and a resubmission recorded on the closed cycle at the same moment', () => {
    const reopenRequest = (leadId: string, submissionId = `reopen-${randomUUID()}`): ReopenRequest => ({
      leadId, cycle: 0, reason: 'reopened_by_manager', actor: 'manager', note: null, submissionId,
    });
    const lastSeq = async (leadId: string) => (await findLeadRecord(h.pool, leadId))!.lastEventSeq;
    const submission = (leadId: string) => ({ leadId, cycle: 0, submissionId: `late-${randomUUID()}`, decision: 'record' as const });
    /** As the API records once Temporal holds no run of the lead: against the reopens as read before it asked. */
    const record = async (leadId: string) => {
      const input = submission(leadId);
      return recordClosedResubmission(h.pool, { ...input, reopensSeen: (await closedCycleState(h.pool, input)).reopens });
    };
    const lapse = (leadId: string) => h.pool.query("UPDATE lead_reopens SET reserved_until = now() - interval '1 second' WHERE lead_id = $1", [leadId]);
    const recordedOnClosedCycle = async (leadId: string) => (await eventKeys(leadId)).filter((e) => e.type === 'resubmitted_while_closed');
    /** A run under the lead's id that no worker takes: a closed run still finishing its writes, or a reopen's run not yet written. */
    const runNobodyWorks = (leadId: string, type: string) => h.env.client.workflow.start(type, { workflowId: leadWorkflowId(leadId), taskQueue: `nobody-${randomUUID()}` });
    const closedRunDone = (leadId: string) => eventually(async () => (await h.env.client.workflow.getHandle(leadId).describe()).status.name, (s) => s === 'COMPLETED');

    it('a resubmission recorded first: the reopen starts its events after it', async () => {
      const { leadId } = await qualifiedLead();
      const closedAt = await lastSeq(leadId);
      expect(await record(leadId)).toBe('recorded');
      expect(await reserveReopen(h.pool, reopenRequest(leadId))).toEqual({ nextSeq: closedAt + 2 });
    });

    it('the reopen written first: the resubmission records nothing; past a lapsed hold, only as the reopens stood when Temporal was asked', async () => {
      const { leadId } = await qualifiedLead();
      const closedAt = await lastSeq(leadId);
      expect(await reserveReopen(h.pool, reopenRequest(leadId))).toEqual({ nextSeq: closedAt + 1 });
      expect(await record(leadId)).toBe('reopened');
      expect(await lastSeq(leadId)).toBe(closedAt);
      await lapse(leadId);
      // Read, then Temporal asked; meanwhile another reopen takes the reservation over and its start wins: that answer is stale.
      const read = await closedCycleState(h.pool, submission(leadId));
      expect(read).toMatchObject({ closed: true, seen: false, held: false });
      expect(read.reopens).not.toBeNull();
      const other = reopenRequest(leadId);
      expect(await reserveReopen(h.pool, other)).toEqual({ nextSeq: closedAt + 1 });
      await confirmReopen(h.pool, other);
      expect(await recordClosedResubmission(h.pool, { ...submission(leadId), reopensSeen: read.reopens })).toBe('changed');
      expect(await lastSeq(leadId)).toBe(closedAt);
    });

    it('past a lapsed hold that no reopen took over, the closed cycle records again and the next reopen starts after that', async () => {
      const { leadId } = await qualifiedLead();
      const closedAt = await lastSeq(leadId);
      await reserveReopen(h.pool, reopenRequest(leadId));
      await lapse(leadId);
      expect(await record(leadId)).toBe('recorded');
      expect(await reserveReopen(h.pool, reopenRequest(leadId))).toEqual({ nextSeq: closedAt + 2 });
    });

    it('a resubmission waiting on the lock while a reopen is written sees the reopen once it gets the lock', async () => {
      const { leadId } = await qualifiedLead();
      const closedAt = await lastSeq(leadId);
      const reopener = await h.pool.connect();
      try {
        await reopener.query('BEGIN');
        expect(await reserveReopen(reopener, reopenRequest(leadId))).toEqual({ nextSeq: closedAt + 1 });
        const recording = record(leadId);
        // The resubmission's statement has started and waits for the lead's row.
        await eventually(
          async () => (await h.pool.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FROM leads WHERE lead_id = $1 FOR UPDATE%'")).rows[0].n,
          (n: number) => n > 0,
        );
        await reopener.query('COMMIT');
        expect(await recording).toBe('reopened');
      } finally {
        reopener.release();
      }
      expect(await lastSeq(leadId)).toBe(closedAt);
    });

    it('a confirmed reopen is never reserved over, and taken over only as it stood when Temporal was seen to hold no run', async () => {
      const { leadId } = await qualifiedLead();
      const won = reopenRequest(leadId);
      await reserveReopen(h.pool, won);
      // Another reopener reserved after it (taking the row over) and then lost the start: only the winner confirms.
      await reserveReopen(h.pool, reopenRequest(leadId, 'the-other-reopener'));
      await confirmReopen(h.pool, won);
      await lapse(leadId);
      expect(await reserveReopen(h.pool, reopenRequest(leadId))).toBeNull();
      const version = await unwrittenReopen(h.pool, { leadId, cycle: 0 });
      expect(version).not.toBeNull();
      // Rewritten since that version was read (as a late confirmation would): the version no longer names it.
      await confirmReopen(h.pool, won);
      expect(await reserveReopen(h.pool, reopenRequest(leadId), { takeOver: version! })).toBeNull();
      const kept = await h.pool.query('SELECT cycle, submission_id, started FROM lead_reopens WHERE lead_id = $1', [leadId]);
      expect(kept.rows).toEqual([{ cycle: 1, submission_id: won.submissionId, started: true }]);
    });

    it('a reopen that finds a run with the lead id still going writes nothing, and the next one opens the cycle', async () => {
      const { leadId } = await qualifiedLead();
      const deps = { temporal: h.env.client, taskQueue: h.taskQueue, pool: h.pool, log: createLogger('silent') };
      const closed = (await findLeadRecord(h.pool, leadId))!;
      await closedRunDone(leadId);
      // The closed run still finishing its last writes: a run with the lead's id that nobody answers for now.
      const finishing = await runNobodyWorks(leadId, 'leadStillFinishing');
      try {
        // A finishing run still takes event numbers: no number is reserved for the new cycle until it has ended.
        expect(await reopenLead(deps, closed, newSubmission(closed.intake), { reason: 'reopened_by_manager', actor: 'manager' })).toBe('running');
        expect((await h.pool.query('SELECT started FROM lead_reopens WHERE lead_id = $1', [leadId])).rows).toEqual([]);
        // The manager hears to retry, not that the lead was reopened.
        const res = await reopen(leadId);
        expect(res.status).toBe(409);
        expect(res.headers['retry-after']).toBe('1');
      } finally {
        await finishing.terminate('the closed run has finished');
      }
      expect(await reopenLead(deps, closed, newSubmission(closed.intake), { reason: 'reopened_by_manager', actor: 'manager' })).toBe('reopened');
      await leadUntil(h, leadId, (v) => v.cycle === 1 && v.stage === 'awaiting_discovery' && v.owner !== null);
      const kept = await h.pool.query('SELECT cycle, started FROM lead_reopens WHERE lead_id = $1', [leadId]);
      expect(kept.rows).toEqual([{ cycle: 1, started: true }]);
    });

    it("a reopen whose run started behind its reopener's deadline: past the lapsed hold, a resubmission waits until that run has written, and is recorded once the run has gone without writing", async () => {
      const { leadId, intake } = await qualifiedLead();
      const closedAt = await lastSeq(leadId);
      await closedRunDone(leadId);
      expect(await reserveReopen(h.pool, reopenRequest(leadId))).toEqual({ nextSeq: closedAt + 1 });
      // The start reached Temporal, its answer did not reach the reopener (no confirmation), and no worker has written the run's first event yet.
      const reopened = await runNobodyWorks(leadId, 'leadReopenedUnwritten');
      await lapse(leadId);
      try {
        // Recorded now, it would take closedAt + 1, the number the run's first event is about to be written under;
        // signalled now, it would be lost with a run that never writes. It waits for the relay.
        const waiting = await resubmit(intake);
        expect(waiting.body).toEqual({ leadId, status: 'queued' });
        expect(await lastSeq(leadId)).toBe(closedAt);
        expect(await recordedOnClosedCycle(leadId)).toEqual([]);
        expect((await h.pool.query('SELECT status FROM intake_outbox WHERE lead_id = $1 AND status = $2', [leadId, 'pending'])).rows).toHaveLength(1);
      } finally {
        await reopened.terminate('the reopened run ended before its first write');
      }
      // The reopen never got going: the closed cycle is the lead's again.
      expect((await resubmit(intake)).body).toEqual({ leadId, status: 'recorded' });
      expect(await lastSeq(leadId)).toBe(closedAt + 1);
      expect(await recordedOnClosedCycle(leadId)).toHaveLength(1);
    });

    it('a confirmed reopen whose run ended before its first write does not leave the lead closed for good: the next reopen opens the cycle', async () => {
      const { leadId } = await qualifiedLead();
      const closedAt = await lastSeq(leadId);
      await closedRunDone(leadId);
      const lost: ReopenRequest = { ...reopenRequest(leadId, 'the-lost-reopen'), reason: 'resubmitted', actor: null };
      await reserveReopen(h.pool, lost);
      const run = await runNobodyWorks(leadId, 'leadReopenedUnwritten');
      await confirmReopen(h.pool, lost);
      // While its run may be going, it holds the cycle; once Temporal holds no run, the reopen is taken over from the same number.
      expect(await reserveReopen(h.pool, reopenRequest(leadId))).toBeNull();
      await run.terminate('ended before its first write');
      expect((await reopen(leadId)).body).toEqual({ leadId, status: 'reopened' });
      const view = await leadUntil(h, leadId, (v) => v.cycle === 1 && v.stage === 'awaiting_discovery' && v.owner !== null);
      expect(Math.min(...view.events.filter((e) => e.seq > closedAt).map((e) => e.seq))).toBe(closedAt + 1);
      const kept = await h.pool.query('SELECT cycle, reason, submission_id, started FROM lead_reopens WHERE lead_id = $1', [leadId]);
      expect(kept.rows).toEqual([{ cycle: 1, reason: 'reopened_by_manager', submission_id: expect.not.stringMatching(/^the-lost-reopen$/), started: true }]);
    });

    it('a resubmission while the closed run is still writing waits for it to close, and is left to the relay past the hand-over deadline', async () => {
      const { leadId, intake } = await qualifiedLead();
      const closedAt = await lastSeq(leadId);
      await closedRunDone(leadId);
      // A closed run still writing its last events (a late engagement) takes numbers after the outcome the read model shows.
      const stillWriting = () => runNobodyWorks(leadId, 'leadStillFinishing');
      const finishing = await stillWriting();
      try {
        expect((await resubmit(intake)).body).toEqual({ leadId, status: 'queued' });
        expect(await lastSeq(leadId)).toBe(closedAt);
        expect(await recordedOnClosedCycle(leadId)).toEqual([]);
      } finally {
        await finishing.terminate('its last writes are done');
      }
      // Closing while the resubmission waits: recorded as soon as it has closed.
      const closing = await stillWriting();
      const answer = resubmit(intake);
      await new Promise((resolve) => setTimeout(resolve, 500));
      await closing.terminate('its last writes are done');
      expect((await answer).body).toEqual({ leadId, status: 'recorded' });
      expect(await lastSeq(leadId)).toBe(closedAt + 1);
      expect(await recordedOnClosedCycle(leadId)).toHaveLength(1);
    });

    it('a reopen that read the lead before the resubmission landed: both are written, each at its own sequence number', async () => {
      const { leadId } = await qualifiedLead();
      const stale = (await findLeadRecord(h.pool, leadId))!;
      expect(await record(leadId)).toBe('recorded');
      const deps = { temporal: h.env.client, taskQueue: h.taskQueue, pool: h.pool, log: createLogger('silent') };
      expect(await reopenLead(deps, stale, newSubmission(stale.intake), { reason: 'reopened_by_manager', actor: 'manager' })).toBe('reopened');
      await leadUntil(h, leadId, (v) => v.cycle === 1 && v.stage === 'awaiting_discovery' && v.owner !== null);
      const live = (await queryLeadState(h.env.client, leadId)).events.filter((e) => e.seq > stale.lastEventSeq);
      expect(Math.min(...live.map((e) => e.seq))).toBe(stale.lastEventSeq + 2);
      // Every event of the new run is written under its own number, and the resubmission under the one before.
      const written = await eventually(
        () => leadEvents(h.pool, leadId),
        (events) => live.every((e) => events.some((w) => w.seq === e.seq && w.type === e.type)),
      );
      expect(written.filter((e) => e.seq > stale.lastEventSeq).map((e) => e.seq)).toEqual([stale.lastEventSeq + 1, ...live.map((e) => e.seq)]);
      expect(written.find((e) => e.seq === stale.lastEventSeq + 1)?.type).toBe('resubmitted_while_closed');
    });
  });

  it('answers 409 for a running lead and 404 for an unknown one', async () => {
    const { leadId } = await postRoutedLead(h);
    expect((await reopen(leadId)).status).toBe(409);
    expect((await reopen('lead_doesnotexist0000000000')).status).toBe(404);
  });
});

/** The dev server deletes a closed run in the background; on a loaded machine that alone can take half a minute. */
const FORGETTING_MS = 150_000;

describe('after Temporal no longer holds the closed run', () => {
  async function closedAndForgotten(reason: keyof typeof NOTES) {
    const lead = await closedLead(reason);
    await eventually(async () => (await h.env.client.workflow.getHandle(lead.leadId).describe()).status.name, (s) => s === 'COMPLETED');
    await h.env.client.workflowService.deleteWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: lead.leadId } });
    const handle = h.env.client.workflow.getHandle(lead.leadId);
    await eventually(() => handle.describe().then(() => 'held', (error: unknown) => (error instanceof WorkflowNotFoundError ? 'gone' : 'held')), (s) => s === 'gone', 60_000);
    return lead;
  }

  it('reopens on a resubmission from the read model: every write lands, one notification', async () => {
    const { leadId, intake } = await closedAndForgotten('no_budget_path');
    const before = { events: await eventKeys(leadId), outcome: { cycle: 0, status: 'disqualified_for_now' } };
    const res = await resubmit(intake);
    expect(res.body).toEqual({ leadId, status: 'reopened' });
    await expectNewCycle(leadId, before);
    expect((await h.pool.query('SELECT created_at FROM leads WHERE lead_id = $1', [leadId])).rows[0].created_at.toISOString()).toBe(
      (await request(h.app).get(`/v1/leads/${leadId}`).set(bearer(h.keys.manager))).body.createdAt,
    );
  }, FORGETTING_MS);

  it('reopens on a manager request the same way; an import of the lead starts nothing', async () => {
    const { leadId, intake } = await closedAndForgotten('vendor_pitch');
    const csv = `companyName,domain,contact.name,contact.email,contact.title,primaryInterest\nReturning Co,${intake.domain},Jordan Lee,${intake.contact.email},CISO,monitoring\n`;
    const imported = await request(h.app).post('/v1/leads/import').set(bearer(h.keys.intake)).set('Content-Type', 'text/csv').send(csv);
    expect(imported.body.rows).toEqual([expect.objectContaining({ status: 'duplicate', leadId })]);
    await expect(h.env.client.workflow.getHandle(leadId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    const before = { events: await eventKeys(leadId), outcome: { cycle: 0, status: 'unqualified' } };
    const res = await request(h.app).post(`/v1/leads/${leadId}/reopen`).set(bearer(h.keys.manager));
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ leadId, status: 'reopened' });
    await expectNewCycle(leadId, before);
  }, FORGETTING_MS);
});
