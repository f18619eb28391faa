import type { Pool } from 'pg';
import type { LeadIntake, Outcome, HandoffChecklist } from '../domain';
import type { LeadEvent, LeadView } from '../domain/lead-view';
import { leadEventKey } from '../workflows/ids';
import { queueNotification, type NotifyInput, type Param } from './outbox';

/** The read-model columns a view maps to; one place, so every writer agrees. */
function snapshotParams(view: LeadView, lastSeq: number): unknown[] {
  return [
    view.leadId,
    view.stage,
    view.lifecycle,
    view.route?.team ?? null,
    view.owner,
    view.route?.escalated ?? false,
    view.sla?.dueAt ?? null,
    view.scores ? JSON.stringify(view.scores) : null,
    view.scores ? Math.round(view.scores.total) : null,
    view.route ? JSON.stringify(view.route) : null,
    view.outcome?.status ?? null,
    view.outcome ? JSON.stringify(view.outcome) : null,
    view.nurture?.reengageAt ?? null,
    view.cycle,
    view.rulesetVersion,
    view.updatedAt,
    lastSeq,
    JSON.stringify(view),
  ];
}

/** The lead's snapshot, guarded by event sequence: a late retry of an older write never wins. Parameters $1–$18 (snapshotParams). */
const UPDATE_SNAPSHOT = `
  UPDATE leads SET
    stage_entered_at = CASE WHEN stage <> $2 THEN $16::timestamptz ELSE stage_entered_at END,
    stage = $2, lifecycle = $3, team = $4, owner_rep_id = $5, escalated = $6, sla_due_at = $7,
    scores = $8, score_total = $9, route = $10, outcome_status = $11, outcome = $12,
    nurture_reengage_at = $13, nurture_cycle = $14, ruleset_version = $15, updated_at = $16,
    last_event_seq = $17, view = $18
  WHERE lead_id = $1 AND last_event_seq <= $17`;

/**
 * Audit events by the workflow's sequence number ($1 the lead, $19 the events).
 * A retried write of the same events changes nothing; a write from an attempt
 * Temporal then discarded (a workflow task that failed after its local writes
 * ran, and was retried seeing signals in another order) is overwritten by the
 * attempt that counts, so the trail converges on the lead's recorded history:
 * no event lost, none twice.
 */
const UPSERT_EVENTS = `
  INSERT INTO lead_events (lead_id, event_key, type, stage, data, reasons, occurred_at, actor)
  SELECT $1, e.key, e.type, e.stage, e.data, e.reasons, e.at, e.actor
  FROM jsonb_to_recordset($19::jsonb) AS e(key text, type text, stage text, data jsonb, reasons jsonb, at timestamptz, actor text)
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
  pool: Pool,
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
 * would give it. Parameters $1–$18 as UPDATE_SNAPSHOT's, the intake's own through `p`.
 */
function insertSnapshot(intake: LeadIntake, createdAt: string, p: Param): string {
  const created = `${p(createdAt)}::timestamptz`;
  return `
  INSERT INTO leads AS l (lead_id, stage, lifecycle, team, owner_rep_id, escalated, sla_due_at, scores, score_total, route,
    outcome_status, outcome, nurture_reengage_at, nurture_cycle, ruleset_version, updated_at, last_event_seq, view,
    contact_email, company_domain, company_name, source, primary_interest, intake, created_at, stage_entered_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
    ${p(intake.contact.email)}, ${p(intake.domain)}, ${p(intake.companyName)}, ${p(intake.source)}, ${p(intake.primaryInterest)}, ${p(JSON.stringify(intake))},
    ${created}, ${created})
  ON CONFLICT (lead_id) DO UPDATE SET
    stage_entered_at = CASE WHEN l.stage <> EXCLUDED.stage THEN EXCLUDED.updated_at ELSE l.stage_entered_at END,
    stage = EXCLUDED.stage, lifecycle = EXCLUDED.lifecycle, team = EXCLUDED.team, owner_rep_id = EXCLUDED.owner_rep_id,
    escalated = EXCLUDED.escalated, sla_due_at = EXCLUDED.sla_due_at, scores = EXCLUDED.scores, score_total = EXCLUDED.score_total,
    route = EXCLUDED.route, outcome_status = EXCLUDED.outcome_status, outcome = EXCLUDED.outcome,
    nurture_reengage_at = EXCLUDED.nurture_reengage_at, nurture_cycle = EXCLUDED.nurture_cycle, ruleset_version = EXCLUDED.ruleset_version,
    updated_at = EXCLUDED.updated_at, last_event_seq = EXCLUDED.last_event_seq, view = EXCLUDED.view
  WHERE l.last_event_seq <= EXCLUDED.last_event_seq`;
}

/** A lead's first write (new, or reopened): its row, snapshot and audit events in one statement. */
export async function insertLead(pool: Pool, input: RecordLeadInput): Promise<void> {
  await writeLead(pool, input, undefined, (p) => insertSnapshot(input.intake, input.view.createdAt, p));
}

export async function updateLead(pool: Pool, input: RecordStageInput): Promise<void> {
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
         ${p(handoff ? JSON.stringify(handoff) : null)}, $16)
       ON CONFLICT (lead_id, cycle) DO NOTHING`,
      `UPDATE rep_assignments SET open = false WHERE lead_id = $1 AND cycle <= ${cycleParam}`,
    ];
  });
}
