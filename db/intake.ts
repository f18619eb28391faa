/**
 * Durable intake: each submission is written to the intake outbox before
 * Temporal is asked to take it, so a submission Temporal cannot take right now
 * is handed over later by the relay. Also what a closed lead needs to be opened
 * again (its last cycle and event sequence) and the record of a resubmission
 * that does not reopen it.
 */
import type { Pool, PoolClient } from 'pg';
import type { LeadIntake, Outcome, Stage } from '../domain';
import { leadEventKey } from './keys';
import { inTransaction } from './tx';

/** The wire shape of a submission (workflows/messages.ts InboundSubmission), repeated so db/ imports no workflow code. */
export interface StoredSubmission {
  submissionId: string;
  receivedAt: string;
  intake: LeadIntake;
}

export interface QueuedIntake {
  leadId: string;
  submission: StoredSubmission;
}

/** How long a claimed row is left to whoever claimed it before the relay may take it over. */
const LEASE = "interval '30 seconds'";

/** Claimed: where the lead stood in the read model as its submission was written; null for a lead not yet written. */
export type IntakeClaim = { claimed: true; lead: LeadRecord | null } | { claimed: false; leadId: string; sameRequest: boolean };

/** The submission, claimed by the caller for the lease. */
const QUEUE_SUBMISSION = `INSERT INTO intake_outbox (submission_id, lead_id, submission, claimed_until) SELECT $1::text, $2::text, $3::jsonb, now() + ${LEASE}`;

const LEAD_RECORD_COLUMNS = ['lead_id', 'stage', 'owner_rep_id', 'team', 'company_name', 'outcome', 'nurture_cycle', 'last_event_seq', 'created_at', 'intake'];

/**
 * Writes the submission (when `guard` lets it) and reads its lead in the same
 * statement: one row when written, its lead columns null for a lead the read
 * model does not have yet; no row when not written.
 */
function queueAndReadLead(guard = ''): string {
  return `queued AS (${QUEUE_SUBMISSION} ${guard} RETURNING lead_id)
    SELECT ${LEAD_RECORD_COLUMNS.map((c) => `l.${c}`).join(', ')} FROM queued LEFT JOIN leads l ON l.lead_id = queued.lead_id`;
}

/**
 * Writes the submission, claimed by the caller for the lease, and reads its
 * lead's record for the hand-over; with an idempotency key, in the same
 * statement that claims the key (a replay of the key gets the first lead and
 * writes nothing). One round trip on the way in.
 */
export async function queueIntake(pool: Pool, intake: QueuedIntake, idempotency?: { key: string; requestHash: string }): Promise<IntakeClaim> {
  const row = [intake.submission.submissionId, intake.leadId, JSON.stringify(intake.submission)];
  if (!idempotency) {
    const { rows } = await pool.query<LeadRecordRow>(`WITH ${queueAndReadLead()}`, row);
    return { claimed: true, lead: toLeadRecord(rows[0]) };
  }
  const claimed = await pool.query<LeadRecordRow>(
    `WITH claim AS (
       INSERT INTO intake_idempotency (idempotency_key, lead_id, request_hash) VALUES ($4, $2, $5)
       ON CONFLICT (idempotency_key) DO NOTHING RETURNING 1
     ),
     ${queueAndReadLead('WHERE EXISTS (SELECT 1 FROM claim)')}`,
    [...row, idempotency.key, idempotency.requestHash],
  );
  if (claimed.rows.length > 0) return { claimed: true, lead: toLeadRecord(claimed.rows[0]) };
  const { rows } = await pool.query<{ lead_id: string; request_hash: string | null }>(
    'SELECT lead_id, request_hash FROM intake_idempotency WHERE idempotency_key = $1',
    [idempotency.key],
  );
  const first = rows[0]!;
  return { claimed: false, leadId: first.lead_id, sameRequest: first.request_hash === null || first.request_hash === idempotency.requestHash };
}

/** Temporal took the submission: the row is done. */
export async function markHandedOver(pool: Pool, submissionId: string, result: string): Promise<void> {
  await pool.query(
    `UPDATE intake_outbox SET status = 'handed_over', result = $2, handed_over_at = now(), last_error = NULL WHERE submission_id = $1`,
    [submissionId, result],
  );
}

/** Temporal could not take it: back to the relay, after a back-off that grows with the attempts (at most a minute). */
export async function releaseIntake(pool: Pool, submissionId: string, error: string): Promise<void> {
  await pool.query(
    `UPDATE intake_outbox SET attempts = attempts + 1, last_error = $2,
       claimed_until = now() + least(interval '1 minute', interval '1 second' * (power(2, attempts) - 1))
     WHERE submission_id = $1 AND status = 'pending'`,
    [submissionId, error.slice(0, 500)],
  );
}

/** Claimed but not tried: free for the next relay pass at once, no attempt counted. */
export async function unclaimIntakes(pool: Pool, submissionIds: string[]): Promise<void> {
  if (submissionIds.length === 0) return;
  await pool.query(`UPDATE intake_outbox SET claimed_until = now() WHERE submission_id = ANY($1) AND status = 'pending'`, [submissionIds]);
}

/**
 * Claims up to `limit` queued submissions whose lease ran out, oldest first, in one
 * statement: several API processes never take the same row (SKIP LOCKED) and no
 * transaction stays open while the claimant talks to Temporal.
 */
export async function claimQueuedIntakes(pool: Pool, limit: number): Promise<QueuedIntake[]> {
  const { rows } = await pool.query<{ lead_id: string; submission: StoredSubmission; created_at: Date }>(
    `UPDATE intake_outbox SET claimed_until = now() + ${LEASE}
     WHERE submission_id IN (
       SELECT submission_id FROM intake_outbox WHERE status = 'pending' AND claimed_until <= now()
       ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED)
     RETURNING lead_id, submission, created_at`,
    [limit],
  );
  return rows.sort((a, b) => a.created_at.getTime() - b.created_at.getTime()).map((r) => ({ leadId: r.lead_id, submission: r.submission }));
}

/** Where a lead stands in the read model; for a closed lead, what a new cycle continues from. */
export interface LeadRecord {
  leadId: string;
  stage: Stage;
  owner: string | null;
  team: string | null;
  companyName: string;
  outcome: Outcome | null;
  cycle: number;
  lastEventSeq: number;
  createdAt: string;
  intake: LeadIntake;
}

/** A leads row as LEAD_RECORD_COLUMNS reads it; lead_id null when a left join found no lead. */
interface LeadRecordRow {
  lead_id: string | null;
  stage: Stage;
  owner_rep_id: string | null;
  team: string | null;
  company_name: string;
  outcome: Outcome | null;
  nurture_cycle: number;
  last_event_seq: number;
  created_at: Date;
  intake: LeadIntake;
}

export async function findLeadRecord(pool: Pool, leadId: string): Promise<LeadRecord | null> {
  const { rows } = await pool.query<LeadRecordRow>(`SELECT ${LEAD_RECORD_COLUMNS.join(', ')} FROM leads WHERE lead_id = $1`, [leadId]);
  return toLeadRecord(rows[0]);
}

function toLeadRecord(r: LeadRecordRow | undefined): LeadRecord | null {
  if (!r?.lead_id) return null;
  return {
    leadId: r.lead_id, stage: r.stage, owner: r.owner_rep_id, team: r.team, companyName: r.company_name, outcome: r.outcome,
    cycle: r.nurture_cycle, lastEventSeq: r.last_event_seq, createdAt: r.created_at.toISOString(), intake: r.intake,
  };
}

/**
 * The reopens of later cycles than `cycle` as they stand: each row's version
 * (a row rewritten by a reserve, a take-over or a confirmation gets a new one),
 * or null when there are none. A check made against it holds only while it is
 * unchanged.
 */
const REOPENS_MARK = `(SELECT string_agg(r.cycle || ':' || r.xmin::text, ',' ORDER BY r.cycle) FROM lead_reopens r WHERE r.lead_id = $1 AND r.cycle > $2)`;
/** A reopen of a later cycle than `cycle` is still being started: reserved, its hold live. */
const REOPEN_HELD = `EXISTS (SELECT 1 FROM lead_reopens r WHERE r.lead_id = $1 AND r.cycle > $2 AND NOT r.started AND r.reserved_until > now())`;
/** This submission is recorded on the closed cycle already. */
const RESUBMISSION_SEEN = `EXISTS (SELECT 1 FROM lead_events WHERE lead_id = $1 AND type = 'resubmitted_while_closed' AND data->>'submissionId' = $3)`;

/** Where a closed cycle stands for a submission to be recorded on it, read before Temporal is asked (see recordClosedResubmission). */
export interface ClosedCycleState {
  /** The read model still shows the lead closed at the cycle. */
  closed: boolean;
  /** This submission is recorded on it already. */
  seen: boolean;
  /** A reopen of it is still being started. */
  held: boolean;
  /** The reopens on record (REOPENS_MARK); null when none. */
  reopens: string | null;
}

export async function closedCycleState(pool: Pool, input: { leadId: string; cycle: number; submissionId: string }): Promise<ClosedCycleState> {
  const { rows } = await pool.query<ClosedCycleState>(
    `SELECT EXISTS (SELECT 1 FROM leads WHERE lead_id = $1 AND stage = 'outcome' AND nurture_cycle = $2) AS closed,
            ${RESUBMISSION_SEEN} AS seen, ${REOPEN_HELD} AS held, ${REOPENS_MARK} AS reopens`,
    [input.leadId, input.cycle, input.submissionId],
  );
  return rows[0]!;
}

/** What recordClosedResubmission did; see there. */
export type ClosedCycleRecord = 'recorded' | 'reopened' | 'changed';

/**
 * A submission for a closed lead that does not reopen it: one audit event (the
 * next sequence number, so a later reopen continues after it) and, when the
 * owner should hear of it, one outbox message — both keyed by the submission,
 * so handing the same submission over twice records it once.
 *
 * That number is also the next one of any run of the lead: the closed run while
 * it finishes its last writes, and a reopen's run, whose start may reach
 * Temporal behind its reopener's deadline. The workflow's writes replace an
 * event under their number, so the caller records only after reading the
 * cycle's state (closedCycleState), then seeing Temporal hold no run of the
 * lead; `reopensSeen` is the reopens as that read found them.
 *
 * `reopened`, recording nothing, when the lead is no longer closed at `cycle`
 * or a reopen of it is still being started: a new run owns the sequence from
 * there, and the submission belongs to that run. `changed`, recording nothing,
 * when the reopens are no longer as read: Temporal's answer is stale.
 */
export async function recordClosedResubmission(
  pool: Pool,
  input: { leadId: string; cycle: number; submissionId: string; decision: 'record' | 'stay_closed'; reopensSeen: string | null },
): Promise<ClosedCycleRecord> {
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query<{
      last_event_seq: number; stage: Stage; nurture_cycle: number; owner_rep_id: string | null; team: string | null; company_name: string; outcome_status: string | null;
    }>(
      'SELECT last_event_seq, stage, nurture_cycle, owner_rep_id, team, company_name, outcome_status FROM leads WHERE lead_id = $1 FOR UPDATE',
      [input.leadId],
    );
    const lead = rows[0];
    if (!lead || lead.stage !== 'outcome' || lead.nurture_cycle !== input.cycle) return 'reopened';
    // Its own statement, after the lock: one statement's view of lead_reopens is from before it waited, and a reopen reserved while it waited would be missed.
    const { rows: [after] } = await client.query<{ held: boolean; reopens: string | null; seen: boolean }>(
      `SELECT ${REOPEN_HELD} AS held, ${REOPENS_MARK} AS reopens, ${RESUBMISSION_SEEN} AS seen`,
      [input.leadId, input.cycle, input.submissionId],
    );
    // Recorded already (a repeated hand-over): done, whatever happened since.
    if (after!.seen) return 'recorded';
    if (after!.held) return 'reopened';
    if (after!.reopens !== input.reopensSeen) return 'changed';
    const seq = lead.last_event_seq + 1;
    await client.query(
      `INSERT INTO lead_events (lead_id, event_key, type, stage, data, occurred_at) VALUES ($1, $2, 'resubmitted_while_closed', $3, $4, now())
       ON CONFLICT (event_key) DO NOTHING`,
      [input.leadId, leadEventKey(input.leadId, seq), lead.stage, JSON.stringify({ submissionId: input.submissionId, decision: input.decision })],
    );
    await client.query('UPDATE leads SET last_event_seq = $2 WHERE lead_id = $1 AND last_event_seq < $2', [input.leadId, seq]);
    if (input.decision !== 'record') return 'recorded';
    await client.query(
      `INSERT INTO notification_outbox (message_key, lead_id, kind, recipient_rep_id, recipient_team, payload)
       VALUES ($1, $2, 'closed_lead_resubmitted', $3, $4, $5) ON CONFLICT (message_key) DO NOTHING`,
      [`${input.leadId}:resubmission:${input.submissionId}`, input.leadId, lead.owner_rep_id, lead.team,
        JSON.stringify({ companyName: lead.company_name, outcome: lead.outcome_status })],
    );
    return 'recorded';
  });
}

/** Handed-over submissions are kept this long (to answer questions about an intake), then removed: the outbox stays small. */
export async function purgeHandedOverIntakes(pool: Pool, olderThanDays = 7): Promise<number> {
  const { rowCount } = await pool.query(
    `DELETE FROM intake_outbox WHERE status = 'handed_over' AND handed_over_at < now() - make_interval(days => $1)`,
    [olderThanDays],
  );
  return rowCount ?? 0;
}

/**
 * How long a reopen not yet started holds the closed cycle: far past the API's
 * wait for Temporal and a worker's first write of a run it started, short
 * enough that a reopen that did not start (Temporal away, the closed run still
 * finishing, its reopener gone) delays the closed cycle's records little.
 */
const REOPEN_HOLD = "interval '30 seconds'";

export interface ReopenRequest {
  leadId: string;
  /** The cycle the lead is closed at; the reopen opens the next one. */
  cycle: number;
  reason: 'resubmitted' | 'reopened_by_manager';
  actor: string | null;
  note: string | null;
  submissionId: string;
}

/**
 * Writes a reopen of a lead closed at `cycle` before its run is started, under
 * the lead's row lock, and says where the new run's events start: after every
 * event the closed cycle has, a resubmission recorded a moment ago included
 * (recordClosedResubmission takes the same lock and refuses while this row
 * holds). Null when the lead is no longer closed at `cycle` or a run of the
 * next cycle was confirmed started. A reopen not yet started (its reopener
 * still starting it, or gone) is taken over: Temporal starts one run, and the
 * reopener whose start wins confirms it. A confirmed one is taken over only as
 * `takeOver` names it (unwrittenReopen), unchanged since Temporal was seen to
 * hold no run of the lead.
 */
export async function reserveReopen(db: Pool | PoolClient, input: ReopenRequest, options: { takeOver?: string } = {}): Promise<{ nextSeq: number } | null> {
  const { rows } = await db.query<{ last_event_seq: number }>(
    `WITH lead AS (
       SELECT lead_id, last_event_seq FROM leads WHERE lead_id = $1 AND stage = 'outcome' AND nurture_cycle = $2 FOR UPDATE
     ),
     reserved AS (
       INSERT INTO lead_reopens AS r (lead_id, cycle, reason, actor, note, submission_id, started, reserved_until)
       SELECT lead_id, $2 + 1, $3, $4, $5, $6, false, now() + ${REOPEN_HOLD} FROM lead
       ON CONFLICT (lead_id, cycle) DO UPDATE SET reason = EXCLUDED.reason, actor = EXCLUDED.actor, note = EXCLUDED.note,
         submission_id = EXCLUDED.submission_id, requested_at = now(), started = false, reserved_until = EXCLUDED.reserved_until
       WHERE NOT r.started OR r.xmin::text = $7
       RETURNING 1
     )
     SELECT last_event_seq FROM lead WHERE EXISTS (SELECT 1 FROM reserved)`,
    [input.leadId, input.cycle, input.reason, input.actor, input.note, input.submissionId, options.takeOver ?? null],
  );
  return rows[0] ? { nextSeq: rows[0].last_event_seq + 1 } : null;
}

/**
 * A confirmed reopen of the cycle after `cycle` whose run has not written (the
 * read model still shows the lead closed at `cycle`): its row's version, for
 * reserveReopen's `takeOver` once Temporal holds no run of the lead (the run
 * ended before its first write, and the lead would otherwise stay closed for
 * good); null when there is none.
 */
export async function unwrittenReopen(pool: Pool, input: { leadId: string; cycle: number }): Promise<string | null> {
  const { rows } = await pool.query<{ version: string }>(
    `SELECT r.xmin::text AS version FROM lead_reopens r JOIN leads l ON l.lead_id = r.lead_id
     WHERE r.lead_id = $1 AND r.cycle = $2 + 1 AND r.started AND l.stage = 'outcome' AND l.nurture_cycle = $2`,
    [input.leadId, input.cycle],
  );
  return rows[0]?.version ?? null;
}

/** This reopen's run was started: it holds the closed cycle, with this reopen's reason, actor and note, unless its run ends before its first write (unwrittenReopen). */
export async function confirmReopen(pool: Pool, input: ReopenRequest): Promise<void> {
  await pool.query(
    `UPDATE lead_reopens SET started = true, reserved_until = NULL, reason = $3, actor = $4, note = $5, submission_id = $6
     WHERE lead_id = $1 AND cycle = $2 + 1`,
    [input.leadId, input.cycle, input.reason, input.actor, input.note, input.submissionId],
  );
}
