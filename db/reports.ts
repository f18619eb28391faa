/**
 * The funnel report over leads created in a time range (optionally one team,
 * source or ruleset version): counts by stage, lifecycle, outcome, team and
 * reason; MQL→SQL and SQL→qualified conversion; median time in each stage from
 * the audit trail's stage changes; SLA breaches.
 */
import type { Pool } from 'pg';
import type { Lifecycle, OutcomeStatus, Stage, Team } from '../domain';

export interface FunnelFilters {
  from: string;
  to: string;
  team?: Team;
  source?: string;
  rulesetVersion?: string;
}

export interface Funnel {
  leads: number;
  byStage: Array<{ key: Stage; count: number }>;
  byLifecycle: Array<{ key: Lifecycle; count: number }>;
  byOutcome: Array<{ key: OutcomeStatus; count: number }>;
  byTeam: Array<{ team: Team; leads: number; qualified: number }>;
  byReason: Array<{ status: OutcomeStatus; code: string; count: number }>;
  conversion: { mql: number; sql: number; qualified: number; mqlToSql: number | null; sqlToQualified: number | null };
  medianTimeInStage: Array<{ stage: Stage; medianSeconds: number; stays: number }>;
  sla: { routed: number; breaches: number; openBreaches: number; breachRate: number | null };
}

/** The leads a report covers, as a CTE; its parameters are $1..$5. */
const SCOPE = `scope AS (
  SELECT * FROM leads
  WHERE created_at >= $1::timestamptz AND created_at < $2::timestamptz
    AND ($3::text IS NULL OR team = $3) AND ($4::text IS NULL OR source = $4) AND ($5::text IS NULL OR ruleset_version = $5)
)`;

const ratio = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000);

export async function funnelReport(pool: Pool, f: FunnelFilters): Promise<Funnel> {
  const params = [f.from, f.to, f.team ?? null, f.source ?? null, f.rulesetVersion ?? null];
  const q = <R extends object>(sql: string) => pool.query<R>(`WITH ${SCOPE} ${sql}`, params).then((r) => r.rows);
  const [totals, stages, lifecycles, outcomes, teams, reasons, stays, sla] = await Promise.all([
    q<{ leads: number; mql: number; sql: number; qualified: number; sql_qualified: number }>(
      `SELECT count(*)::int AS leads,
              count(*) FILTER (WHERE lifecycle IN ('mql', 'sql'))::int AS mql,
              count(*) FILTER (WHERE lifecycle = 'sql')::int AS sql,
              count(*) FILTER (WHERE outcome_status = 'qualified')::int AS qualified,
              count(*) FILTER (WHERE lifecycle = 'sql' AND outcome_status = 'qualified')::int AS sql_qualified
       FROM scope`,
    ),
    q<{ key: Stage; count: number }>('SELECT stage AS key, count(*)::int AS count FROM scope GROUP BY stage ORDER BY count DESC, key'),
    q<{ key: Lifecycle; count: number }>('SELECT lifecycle AS key, count(*)::int AS count FROM scope GROUP BY lifecycle ORDER BY count DESC, key'),
    q<{ key: OutcomeStatus; count: number }>(
      'SELECT outcome_status AS key, count(*)::int AS count FROM scope WHERE outcome_status IS NOT NULL GROUP BY outcome_status ORDER BY count DESC, key',
    ),
    q<{ team: Team; leads: number; qualified: number }>(
      `SELECT team, count(*)::int AS leads, count(*) FILTER (WHERE outcome_status = 'qualified')::int AS qualified
       FROM scope WHERE team IS NOT NULL GROUP BY team ORDER BY leads DESC, team`,
    ),
    q<{ status: OutcomeStatus; code: string; count: number }>(
      `SELECT o.status, r->>'code' AS code, count(*)::int AS count
       FROM lead_outcomes o JOIN scope s ON s.lead_id = o.lead_id, jsonb_array_elements(o.reasons) AS r
       GROUP BY o.status, r->>'code' ORDER BY count DESC, o.status, code`,
    ),
    // A stay starts at a stage change into the stage and ends at the next change; open stays are left out.
    q<{ stage: Stage; median_seconds: number; stays: number }>(
      `, changes AS (
         SELECT e.data->>'to' AS stage, e.occurred_at AS entered_at,
                lead(e.occurred_at) OVER (PARTITION BY e.lead_id ORDER BY split_part(e.event_key, ':event:', 2)::int) AS left_at
         FROM lead_events e JOIN scope s ON s.lead_id = e.lead_id
         WHERE e.type = 'stage_changed')
       SELECT stage, percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM left_at - entered_at))::float8 AS median_seconds,
              count(*)::int AS stays
       FROM changes WHERE left_at IS NOT NULL AND stage IS NOT NULL GROUP BY stage ORDER BY stage`,
    ),
    q<{ routed: number; breaches: number; open_breaches: number }>(
      `SELECT (SELECT count(*) FROM scope WHERE team IS NOT NULL)::int AS routed,
              (SELECT count(DISTINCT e.lead_id) FROM lead_events e JOIN scope s ON s.lead_id = e.lead_id WHERE e.type = 'sla_escalated')::int AS breaches,
              (SELECT count(*) FROM scope WHERE stage = 'awaiting_discovery' AND sla_due_at < now())::int AS open_breaches`,
    ),
  ]);
  const t = totals[0]!;
  const s = sla[0]!;
  return {
    leads: t.leads,
    byStage: stages,
    byLifecycle: lifecycles,
    byOutcome: outcomes,
    byTeam: teams,
    byReason: reasons,
    conversion: { mql: t.mql, sql: t.sql, qualified: t.qualified, mqlToSql: ratio(t.sql, t.mql), sqlToQualified: ratio(t.sql_qualified, t.sql) },
    medianTimeInStage: stays.map((r) => ({ stage: r.stage, medianSeconds: Math.round(r.median_seconds * 1000) / 1000, stays: r.stays })),
    sla: { routed: s.routed, breaches: s.breaches, openBreaches: s.open_breaches, breachRate: ratio(s.breaches, s.routed) },
  };
}
