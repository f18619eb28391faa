import type { Pool, PoolClient } from 'pg';
import type { Reason, Team } from '../domain';
import { inTransaction } from './tx';

export interface Rep {
  repId: string;
  name: string;
  email: string | null;
  team: Team;
  capacity: number;
  isTeamLead: boolean;
  active: boolean;
}

export async function upsertRep(pool: Pool, rep: Omit<Rep, 'active'> & { active?: boolean }): Promise<void> {
  await pool.query(
    `INSERT INTO reps (rep_id, name, email, team, capacity, is_team_lead, active)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (rep_id) DO UPDATE SET name = EXCLUDED.name, email = EXCLUDED.email, team = EXCLUDED.team,
       capacity = EXCLUDED.capacity, is_team_lead = EXCLUDED.is_team_lead, active = EXCLUDED.active`,
    [rep.repId, rep.name, rep.email, rep.team, rep.capacity, rep.isTeamLead, rep.active ?? true],
  );
}

/**
 * Takes a rep off (or back on) the floor: no new leads are routed to an
 * inactive rep, and their API keys stop authenticating (checked at every
 * request), so leaving the team closes their access at once. Returns false for an unknown rep.
 */
export async function setRepActive(pool: Pool, repId: string, active: boolean): Promise<boolean> {
  const { rowCount } = await pool.query('UPDATE reps SET active = $2 WHERE rep_id = $1', [repId, active]);
  return (rowCount ?? 0) > 0;
}

export async function listReps(pool: Pool): Promise<Rep[]> {
  const { rows } = await pool.query(
    'SELECT rep_id, name, email, team, capacity, is_team_lead, active FROM reps ORDER BY team, rep_id',
  );
  return rows.map((r) => ({
    repId: r.rep_id,
    name: r.name,
    email: r.email,
    team: r.team,
    capacity: r.capacity,
    isTeamLead: r.is_team_lead,
    active: r.active,
  }));
}

export interface AssignRepInput {
  leadId: string;
  cycle: number;
  team: Team;
}

export interface Assignment {
  repId: string | null;
  teamLeadId: string | null;
  reasons: Reason[];
}

interface Candidate {
  rep_id: string;
  capacity: number;
  is_team_lead: boolean;
  open: number;
}

/** Round robin after the last rep served; the first with spare capacity wins, else the least loaded. */
export function pickRep(candidates: Candidate[], lastRepId: string | null): { rep: Candidate; overCapacity: boolean } | null {
  const pool = candidates.filter((c) => !c.is_team_lead);
  const eligible = pool.length > 0 ? pool : candidates;
  if (eligible.length === 0) return null;
  const start = lastRepId ? eligible.findIndex((c) => c.rep_id > lastRepId) : 0;
  const order = start <= 0 ? eligible : [...eligible.slice(start), ...eligible.slice(0, start)];
  const withRoom = order.find((c) => c.open < c.capacity);
  if (withRoom) return { rep: withRoom, overCapacity: false };
  const leastLoaded = [...order].sort((a, b) => a.open / Math.max(a.capacity, 1) - b.open / Math.max(b.capacity, 1))[0]!;
  return { rep: leastLoaded, overCapacity: true };
}

/** The team's lead, and the rep this lead already has for this cycle (undefined when none was assigned yet): one round trip. */
async function teamLeadAndExisting(client: PoolClient, input: AssignRepInput): Promise<{ teamLeadId: string | null; existing: string | null | undefined }> {
  const { rows } = await client.query<{ team_lead: string | null; assigned: boolean; rep_id: string | null }>(
    `SELECT (SELECT rep_id FROM reps WHERE team = $3 AND active AND is_team_lead ORDER BY rep_id LIMIT 1) AS team_lead,
            a.lead_id IS NOT NULL AS assigned, a.rep_id
     FROM (SELECT 1) AS one LEFT JOIN rep_assignments a ON a.lead_id = $1 AND a.cycle = $2`,
    [input.leadId, input.cycle, input.team],
  );
  const row = rows[0]!;
  return { teamLeadId: row.team_lead, existing: row.assigned ? row.rep_id : undefined };
}

/** The team's round-robin cursor, created on first use and locked until the transaction ends: one assignment per team at a time. */
async function lockCursor(client: PoolClient, team: Team): Promise<string | null> {
  const { rows } = await client.query<{ last_rep_id: string | null }>(
    'INSERT INTO team_cursors (team) VALUES ($1) ON CONFLICT (team) DO UPDATE SET team = EXCLUDED.team RETURNING last_rep_id',
    [team],
  );
  return rows[0]?.last_rep_id ?? null;
}

/** Closes the lead's earlier cycles, records this cycle's rep (none when the team has no one) and moves the cursor, in one statement. */
const RECORD_ASSIGNMENT = `
  WITH closed AS (UPDATE rep_assignments SET open = false WHERE lead_id = $1 AND cycle < $2),
       cursor AS (UPDATE team_cursors SET last_rep_id = $3 WHERE team = $4 AND $3::text IS NOT NULL)
  INSERT INTO rep_assignments (lead_id, cycle, rep_id, team, open) VALUES ($1, $2, $3, $4, $3::text IS NOT NULL)`;

/**
 * Assigns a rep of the team to the lead for this routing cycle, in one
 * transaction that locks the team's round-robin cursor (the open counts are
 * read after the lock, so two leads never both take a rep's last slot). Keyed
 * by (lead, cycle), so a retry returns the rep chosen the first time.
 */
export function assignRep(pool: Pool, input: AssignRepInput): Promise<Assignment> {
  return inTransaction(pool, async (client) => {
    const { teamLeadId, existing } = await teamLeadAndExisting(client, input);
    if (existing !== undefined) {
      return { repId: existing, teamLeadId, reasons: [{ code: 'assignment_reused', rule: 'assignment.idempotent', evidence: existing ?? 'unassigned' }] };
    }
    const lastRepId = await lockCursor(client, input.team);
    const { rows } = await client.query<Candidate>(
      `SELECT r.rep_id, r.capacity, r.is_team_lead, count(a.lead_id)::int AS open
       FROM reps r LEFT JOIN rep_assignments a ON a.rep_id = r.rep_id AND a.open
       WHERE r.team = $1 AND r.active
       GROUP BY r.rep_id ORDER BY r.rep_id`,
      [input.team],
    );
    const pick = pickRep(rows, lastRepId);
    const repId = pick?.rep.rep_id ?? null;
    await client.query(RECORD_ASSIGNMENT, [input.leadId, input.cycle, repId, input.team]);
    return { repId, teamLeadId, reasons: [assignmentReason(input.team, pick)] };
  });
}

function assignmentReason(team: Team, pick: ReturnType<typeof pickRep>): Reason {
  if (!pick) return { code: 'no_rep_available', rule: 'assignment.round_robin', evidence: `no active rep in ${team}` };
  const evidence = `${pick.rep.rep_id} (${pick.rep.open}/${pick.rep.capacity} open)`;
  if (pick.overCapacity) return { code: 'team_over_capacity', rule: 'assignment.least_loaded', evidence };
  return { code: 'assigned_round_robin', rule: 'assignment.round_robin', evidence };
}
