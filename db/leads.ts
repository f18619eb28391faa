import type { Pool, PoolClient } from 'pg';
import type { LeadIntake, Outcome, HandoffChecklist } from '../domain';
import type { LeadEvent, LeadView } from '../domain/lead-view';
import { leadEventKey } from './keys';
import { queueNotification, type NotifyInput, type Param } from './outbox';

/**
 * The read-model columns a view maps to, each with its value: one place, so
 * every writer agrees. Their parameters are $2 on, in this order ($1 is the lead).
 */
const SNAPSHOT: ReadonlyArray<readonly [column: string, value: (view: LeadView, lastSeq: number) => unknown]> = [
  ['stage', (v) => v.stage],
  ['lifecycle', (v) => v.lifecycle],
  ['team', (v) => v.route?.team ?? null],
  ['owner_rep_id', (v) => v.owner],
  ['escalated', (v) => v.route?.escalated ?? false],
  ['sla_due_at', (v) => v.sla?.dueAt ?? null],
  ['scores', (v) => (v.scores ? JSON.stringify(v.scores) : null)],
  ['score_total', (v) => (v.scores ? Math.round(v.scores.total) : null)],
  ['route', (v) => (v.route ? JSON.stringify(v.route) : null)],
  ['outcome_status', (v) => v.outcome?.status ?? null],
  ['outcome', (v) => (v.outcome ? JSON.stringify(v.outcome) : null)],
  ['nurture_reengage_at', (v) => v.nurture?.reengageAt ?? null],
  ['nurture_cycle', (v) => v.cycle],
  ['ruleset_version', (v) => v.rulesetVersion],
  ['updated_at', (v) => v.updatedAt],
  ['last_event_seq', (_, lastSeq) => lastSeq],
  ['view', (v) => JSON.stringify(v)],
];
const SNAPSHOT_COLUMNS = SNAPSHOT.map(([column]) => column);

function snapshotParams(view: LeadView, lastSeq: number): unknown[] {
  return [view.leadId, ...SNAPSHOT.map(([, value]) => value(view, lastSeq))];
}

/** The placeholder of a snapshot column's value. */
const snap = (column: string) => `$${SNAPSHOT_COLUMNS.indexOf(column) + 2}`;
/** The audit events' parameter, after the snapshot's. */
const EVENTS_PARAM = `$${SNAPSHOT.length + 2}`;

/** The lead's snapshot, guarded by event sequence: a late retry of an older write never wins. */
const UPDATE_SNAPSHOT = `
  UPDATE leads SET
    stage_entered_at = CASE WHEN stage <> ${snap('stage')} THEN ${snap('updated_at')}::timestamptz ELSE stage_entered_at END,
    ${SNAPSHOT_COLUMNS.map((column) => `${column} = ${snap(column)}`).join(', ')}
  WHERE lead_id = $1 AND last_event_seq <= ${snap('last_event_seq')}`;

/**
 * Audit events by the workflow's sequence number ($1 the lead, EVENTS_PARAM the events).
 * A retried write of the same events changes nothing; a write from an attempt
 * Temporal then discarded (a workflow task that failed after its local writes
 * ran, and was retried seeing signals in another order) is overwritten by the
 * attempt that counts, so the trail converges on the lead's recorded history:
 * no event lost, none twice.
 */
const UPSERT_EVENTS = `
  INSERT INTO lead_events (lead_id, event_key, type, stage, data, reasons, occurred_at, actor)
  SELECT $1, e.key, e.type, e.stage, e.data, e.reasons, e.at, e.actor
  FROM jsonb_to_recordset(${EVENTS_PARAM}::jsonb) AS e(key text, type text, stage text, data jsonb, reasons jsonb, at timestamptz, actor text)
  ON CONFLICT (event_key) DO UPDATE SET
    type = EXCLUDED.type, stage = EXCLUDED.stage, data = EXCLUDED.data, reasons = EXCLUDED.reasons,
    occurred_at = EXCLUDED.occurred_at, actor = EXCLUDED.actor
  WHERE (lead_events.type, lead_events.stage, lead_events.data, lead_events.reasons, lead_events.occurred_at, lead_events.actor)
    IS DISTINCT FROM (EXCLUDED.type, EXCLUDED.stage, EXCLUDED.data, EXCLUDED.reasons, EXCLUDED.occurred_at, EXCLUDED.actor)`;

/**
 * A lead's write — its snapshot and its new audit events, and whatever the step
 * adds (an outcome, a notification) — as one statement: atomic without a
 * transaction, one round trip from the worker's local activities, which run
 * inside the lead's workflow task. `steps` add their writes with parameters of
 * their own.
 */
function writeLead(
  pool: Pool | PoolClient,
  input: RecordStageInput,
  steps: (p: Param) => string[] = () => [],
  snapshot: (p: Param) => string = () => UPDATE_SNAPSHOT,
): Promise<unknown> {
  const params = [...snapshotParams(input.view, input.lastEventSeq), eventRows(input.leadId, input.events)];
  const p: Param = (value) => `$${params.push(value)}`;
  const extra = [...steps(p), ...(input.notify ? [queueNotification(input.notify, p)] : [])];
  const ctes = [...extra, snapshot(p)].map((sql, i) => `step${i} AS (${sql})`);
  return pool.query(`WITH ${ctes.join(',\n')}\n${UPSERT_EVENTS}`, params);
}

export interface RecordStageInput {
  leadId: string;
  /** The lead as the workflow sees it; its recent-events list is not stored here (see `events`). */
  view: LeadView;
  /** Audit events not yet written. */
  events: LeadEvent[];
  /** The workflow's last event sequence number: orders writes so a late retry never wins. */
  lastEventSeq: number;
  /** The step's message, queued with its write: it goes out exactly when the step is recorded. */
  notify?: NotifyInput;
}

function eventRows(leadId: string, events: LeadEvent[]): string {
  return JSON.stringify(
    events.map((e) => ({
      key: leadEventKey(leadId, e.seq),
      type: e.type,
      stage: e.stage,
      data: e.data ?? {},
      reasons: e.reasons ?? [],
      at: e.at,
      actor: e.actor ?? null,
    })),
  );
}

export interface RecordLeadInput extends RecordStageInput {
  intake: LeadIntake;
}

/**
 * A new lead's row with its first snapshot; a lead already stored (reopened, or
 * this write retried) keeps who it is and takes the snapshot as UPDATE_SNAPSHOT
 * would give it. The intake's own parameters come through `p`.
 */
function insertSnapshot(intake: LeadIntake, createdAt: string, p: Param): string {
  const created = `${p(createdAt)}::timestamptz`;
  return `
  INSERT INTO leads AS l (lead_id, ${SNAPSHOT_COLUMNS.join(', ')},
    contact_email, company_domain, company_name, source, primary_interest, intake, created_at, stage_entered_at)
  VALUES ($1, ${SNAPSHOT_COLUMNS.map(snap).join(', ')},
    ${p(intake.contact.email)}, ${p(intake.domain)}, ${p(intake.companyName)}, ${p(intake.source)}, ${p(intake.primaryInterest)}, ${p(JSON.stringify(intake))},
    ${created}, ${created})
  ON CONFLICT (lead_id) DO UPDATE SET
    stage_entered_at = CASE WHEN l.stage <> EXCLUDED.stage THEN EXCLUDED.updated_at ELSE l.stage_entered_at END,
    ${SNAPSHOT_COLUMNS.map((column) => `${column} = EXCLUDED.${column}`).join(', ')}
  WHERE l.last_event_seq <= EXCLUDED.last_event_seq`;
}

/** A lead's first write (new, or reopened): its row, snapshot and audit events in one statement (in a transaction when given its client). */
export async function insertLead(pool: Pool | PoolClient, input: RecordLeadInput): Promise<void> {
  await writeLead(pool, input, undefined, (p) => insertSnapshot(input.intake, input.view.createdAt, p));
}

export async function updateLead(pool: Pool | PoolClient, input: RecordStageInput): Promise<void> {
  await writeLead(pool, input);
}

export interface RecordOutcomeInput extends RecordStageInput {
  cycle: number;
  outcome: Outcome;
  handoff: HandoffChecklist | null;
}

/**
 * Exactly one outcome row per lead and cycle, however often the activity is
 * retried, and the lead leaves its owner's open count — with the snapshot and
 * events, in one statement.
 */
export async function insertOutcome(pool: Pool, input: RecordOutcomeInput): Promise<void> {
  const { cycle, outcome, handoff } = input;
  await writeLead(pool, input, (p) => {
    const cycleParam = p(cycle);
    return [
      `INSERT INTO lead_outcomes (lead_id, cycle, status, reasons, note, next_action, handoff, decided_at)
       VALUES ($1, ${cycleParam}, ${p(outcome.status)}, ${p(JSON.stringify(outcome.reasons))}, ${p(outcome.note)}, ${p(outcome.nextAction)},
         ${p(handoff ? JSON.stringify(handoff) : null)}, ${snap('updated_at')})
       ON CONFLICT (lead_id, cycle) DO NOTHING`,
      `UPDATE rep_assignments SET open = false WHERE lead_id = $1 AND cycle <= ${cycleParam}`,
    ];
  });
}
