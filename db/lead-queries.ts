/**
 * Reads of the lead read model for the API (one lead, its audit trail, pages of
 * leads) and the findings reps submitted.
 */
import type { Pool } from 'pg';
import type { CommercialFindings, Discovery, EngagementEvent, LeadIntake, Lifecycle, OutcomeStatus, ScopeFindings, Stage, Team, Urgency } from '../domain';
import type { LeadEvent, LeadView } from '../domain/lead-view';

export interface LeadRow {
  leadId: string;
  stage: Stage;
  owner: string | null;
  /** The whole view as last written (its recent-events list is empty: events live in lead_events). */
  view: LeadView | null;
  createdAt: Date;
}

/** Just the stage and owner the checks before an action need, without reading the whole view. */
export async function findLeadStage(pool: Pool, leadId: string): Promise<{ stage: Stage; owner: string | null } | null> {
  const { rows } = await pool.query<{ stage: Stage; owner_rep_id: string | null }>('SELECT stage, owner_rep_id FROM leads WHERE lead_id = $1', [leadId]);
  const row = rows[0];
  return row ? { stage: row.stage, owner: row.owner_rep_id } : null;
}

export async function findLeadRow(pool: Pool, leadId: string): Promise<LeadRow | null> {
  const { rows } = await pool.query<{ lead_id: string; stage: Stage; owner_rep_id: string | null; view: LeadView | null; created_at: Date }>(
    'SELECT lead_id, stage, owner_rep_id, view, created_at FROM leads WHERE lead_id = $1',
    [leadId],
  );
  const row = rows[0];
  return row ? { leadId: row.lead_id, stage: row.stage, owner: row.owner_rep_id, view: row.view, createdAt: row.created_at } : null;
}

/** The audit trail in workflow order (the sequence number is the tail of the event key); the newest `limit` events. */
export async function leadEvents(pool: Pool, leadId: string, limit = 1_000): Promise<LeadEvent[]> {
  const { rows } = await pool.query<{ seq: number; type: string; stage: Stage; at: Date; actor: string | null; data: Record<string, unknown>; reasons: LeadEvent['reasons'] }>(
    `SELECT * FROM (
       SELECT split_part(event_key, ':event:', 2)::int AS seq, type, stage, occurred_at AS at, actor, data, reasons
       FROM lead_events WHERE lead_id = $1 ORDER BY seq DESC LIMIT $2
     ) newest ORDER BY seq`,
    [leadId, limit],
  );
  return rows.map((r) => ({
    seq: r.seq,
    type: r.type,
    stage: r.stage,
    at: r.at.toISOString(),
    ...(r.actor ? { actor: r.actor } : {}),
    ...(r.data && Object.keys(r.data).length > 0 ? { data: r.data } : {}),
    ...(r.reasons && r.reasons.length > 0 ? { reasons: r.reasons } : {}),
  }));
}

// ---- lists -----------------------------------------------------------------

export interface LeadFilters {
  stage?: Stage;
  team?: Team;
  outcome?: OutcomeStatus;
  owner?: string;
  lifecycle?: Lifecycle;
  source?: string;
  rulesetVersion?: string;
  createdFrom?: string;
  createdTo?: string;
  slaBreached?: boolean;
}

/** Keyset position: the last lead of the previous page, in (created_at, lead_id) order. */
export interface LeadCursor {
  createdAt: string;
  leadId: string;
}

export interface LeadSummary {
  leadId: string;
  companyName: string;
  domain: string;
  source: string;
  primaryInterest: string;
  stage: Stage;
  lifecycle: Lifecycle;
  team: Team | null;
  owner: string | null;
  escalated: boolean;
  urgency: Urgency | null;
  slaDueAt: string | null;
  scoreTotal: number | null;
  outcome: OutcomeStatus | null;
  rulesetVersion: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Microsecond text, so a cursor never loses precision against the column it is compared with. */
const CREATED_AT_TEXT = `to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export async function listLeads(pool: Pool, filters: LeadFilters, limit: number, after?: LeadCursor): Promise<{ items: LeadSummary[]; next: LeadCursor | null }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filters.stage) add('stage = ?', filters.stage);
  if (filters.team) add('team = ?', filters.team);
  if (filters.outcome) add('outcome_status = ?', filters.outcome);
  if (filters.owner) add('owner_rep_id = ?', filters.owner);
  if (filters.lifecycle) add('lifecycle = ?', filters.lifecycle);
  if (filters.source) add('source = ?', filters.source);
  if (filters.rulesetVersion) add('ruleset_version = ?', filters.rulesetVersion);
  if (filters.createdFrom) add('created_at >= ?::timestamptz', filters.createdFrom);
  if (filters.createdTo) add('created_at < ?::timestamptz', filters.createdTo);
  if (filters.slaBreached !== undefined) add(`(escalated OR (stage = 'awaiting_discovery' AND sla_due_at < now())) = ?`, filters.slaBreached);
  if (after) {
    params.push(after.createdAt, after.leadId);
    where.push(`(created_at, lead_id) > ($${params.length - 1}::timestamptz, $${params.length})`);
  }
  params.push(limit + 1);
  const { rows } = await pool.query(
    `SELECT lead_id, company_name, company_domain, source, primary_interest, stage, lifecycle, team, owner_rep_id, escalated,
            route->>'urgency' AS urgency, sla_due_at, score_total, outcome_status, ruleset_version, created_at, updated_at, ${CREATED_AT_TEXT} AS created_key
     FROM leads ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY created_at, lead_id LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      leadId: r.lead_id,
      companyName: r.company_name,
      domain: r.company_domain,
      source: r.source,
      primaryInterest: r.primary_interest,
      stage: r.stage,
      lifecycle: r.lifecycle,
      team: r.team,
      owner: r.owner_rep_id,
      escalated: r.escalated,
      urgency: r.urgency,
      slaDueAt: r.sla_due_at ? (r.sla_due_at as Date).toISOString() : null,
      scoreTotal: r.score_total,
      outcome: r.outcome_status,
      rulesetVersion: r.ruleset_version,
      createdAt: (r.created_at as Date).toISOString(),
      updatedAt: (r.updated_at as Date).toISOString(),
    })),
    next: rows.length > limit && last ? { createdAt: last.created_key, leadId: last.lead_id } : null,
  };
}

// ---- findings ----------------------------------------------------------------

export type FindingKind = 'discovery' | 'scope' | 'commercial';

/** Keeps what a rep submitted (first write per lead, cycle and kind wins: a retried request changes nothing). */
export async function recordFinding(pool: Pool, input: { leadId: string; cycle: number; kind: FindingKind; payload: unknown; submittedBy: string }): Promise<void> {
  await pool.query(
    `INSERT INTO lead_findings (lead_id, cycle, kind, payload, submitted_by) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (lead_id, cycle, kind) DO NOTHING`,
    [input.leadId, input.cycle, input.kind, JSON.stringify(input.payload), input.submittedBy],
  );
}

// ---- past leads for simulation ------------------------------------------------------

export interface PastLead {
  leadId: string;
  intake: LeadIntake;
  decided: { team?: Team; lifecycle?: Lifecycle; outcome?: OutcomeStatus; scoreTotal?: number };
  engagements: EngagementEvent[];
  discovery?: Discovery;
  scope?: ScopeFindings;
  commercial?: CommercialFindings;
}

export type LeadSelection = { ids: string[] } | { from: string; to: string; limit: number };

/**
 * The leads a simulation replays, each with what was decided for it and the
 * evidence recorded in its latest cycle. For a time range, one more lead than
 * the limit is read so the caller can say the selection was cut.
 */
export async function pastLeads(pool: Pool, selection: LeadSelection): Promise<{ leads: PastLead[]; truncated: boolean }> {
  const byRange = 'from' in selection;
  const { rows } = byRange
    ? await pool.query(
        `SELECT lead_id, intake, team, lifecycle, outcome_status, score_total, nurture_cycle FROM leads
         WHERE created_at >= $1::timestamptz AND created_at < $2::timestamptz ORDER BY created_at, lead_id LIMIT $3`,
        [selection.from, selection.to, selection.limit + 1],
      )
    : await pool.query(
        'SELECT lead_id, intake, team, lifecycle, outcome_status, score_total, nurture_cycle FROM leads WHERE lead_id = ANY($1) ORDER BY created_at, lead_id',
        [selection.ids],
      );
  const truncated = byRange && rows.length > selection.limit;
  const chosen = truncated ? rows.slice(0, selection.limit) : rows;
  const ids = chosen.map((r) => r.lead_id as string);
  const [engagements, findings] = await Promise.all([engagementsOf(pool, ids), findingsOf(pool, ids)]);
  const leads = chosen.map((r): PastLead => {
    const f = findings.get(r.lead_id);
    return {
      leadId: r.lead_id,
      intake: r.intake,
      decided: {
        ...(r.team ? { team: r.team } : {}),
        ...(r.lifecycle ? { lifecycle: r.lifecycle } : {}),
        ...(r.outcome_status ? { outcome: r.outcome_status } : {}),
        ...(r.score_total !== null ? { scoreTotal: r.score_total } : {}),
      },
      engagements: engagements.get(r.lead_id) ?? [],
      ...(f?.discovery ? { discovery: f.discovery as Discovery } : {}),
      ...(f?.scope ? { scope: f.scope as ScopeFindings } : {}),
      ...(f?.commercial ? { commercial: f.commercial as CommercialFindings } : {}),
    };
  });
  return { leads, truncated };
}

async function engagementsOf(pool: Pool, leadIds: string[]): Promise<Map<string, EngagementEvent[]>> {
  const result = new Map<string, EngagementEvent[]>();
  if (leadIds.length === 0) return result;
  const { rows } = await pool.query<{ lead_id: string; data: { type?: string; detail?: string }; occurred_at: Date }>(
    `SELECT lead_id, data, occurred_at FROM lead_events WHERE lead_id = ANY($1) AND type = 'engagement_recorded' ORDER BY lead_id, id`,
    [leadIds],
  );
  for (const row of rows) {
    if (!row.data?.type) continue;
    const list = result.get(row.lead_id) ?? [];
    list.push({ type: row.data.type as EngagementEvent['type'], at: row.occurred_at.toISOString(), ...(row.data.detail ? { detail: row.data.detail } : {}) });
    result.set(row.lead_id, list);
  }
  return result;
}

/** The findings of each lead's latest cycle that has any. */
async function findingsOf(pool: Pool, leadIds: string[]): Promise<Map<string, Partial<Record<FindingKind, unknown>>>> {
  const result = new Map<string, Partial<Record<FindingKind, unknown>>>();
  if (leadIds.length === 0) return result;
  const { rows } = await pool.query<{ lead_id: string; kind: FindingKind; payload: unknown }>(
    `SELECT f.lead_id, f.kind, f.payload FROM lead_findings f
     JOIN (SELECT lead_id, max(cycle) AS cycle FROM lead_findings WHERE lead_id = ANY($1) GROUP BY lead_id) latest
       ON latest.lead_id = f.lead_id AND latest.cycle = f.cycle`,
    [leadIds],
  );
  for (const row of rows) {
    const entry = result.get(row.lead_id) ?? {};
    entry[row.kind] = row.payload;
    result.set(row.lead_id, entry);
  }
  return result;
}
