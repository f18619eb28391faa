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

async function existingAssignment(client: PoolClient, input: AssignRepInput): Promise<string | null | undefined> {
  const { rows } = await client.query<{ rep_id: string | null }>(
    'SELECT rep_id FROM rep_assignments WHERE lead_id = $1 AND cycle = $2',
    [input.leadId, input.cycle],
  );
  return rows.length === 0 ? undefined : rows[0]!.rep_id;
}

async function teamLead(client: PoolClient, team: Team): Promise<string | null> {
  const { rows } = await client.query<{ rep_id: string }>(
    'SELECT rep_id FROM reps WHERE team = $1 AND active AND is_team_lead ORDER BY rep_id LIMIT 1',
    [team],
  );
  return rows[0]?.rep_id ?? null;
}

/**
 * Assigns a rep of the team to the lead for this routing cycle, in one
 * transaction that locks the team's round-robin cursor. Keyed by (lead, cycle),
 * so a retry returns the rep chosen the first time.
 */
export function assignRep(pool: Pool, input: AssignRepInput): Promise<Assignment> {
  return inTransaction(pool, async (client) => {
    const lead = await teamLead(client, input.team);
    const existing = await existingAssignment(client, input);
    if (existing !== undefined) {
      return { repId: existing, teamLeadId: lead, reasons: [{ code: 'assignment_reused', rule: 'assignment.idempotent', evidence: existing ?? 'unassigned' }] };
    }
    await client.query('INSERT INTO team_cursors (team) VALUES ($1) ON CONFLICT DO NOTHING', [input.team]);
    const cursor = await client.query<{ last_rep_id: string | null }>('SELECT last_rep_id FROM team_cursors WHERE team = $1 FOR UPDATE', [input.team]);
    const { rows } = await client.query<Candidate>(
      `SELECT r.rep_id, r.capacity, r.is_team_lead, count(a.lead_id)::int AS open
       FROM reps r LEFT JOIN rep_assignments a ON a.rep_id = r.rep_id AND a.open
       WHERE r.team = $1 AND r.active
       GROUP BY r.rep_id ORDER BY r.rep_id`,
      [input.team],
    );
    const pick = pickRep(rows, cursor.rows[0]?.last_rep_id ?? null);
    const repId = pick?.rep.rep_id ?? null;
    await client.query('UPDATE rep_assignments SET open = false WHERE lead_id = $1 AND cycle < $2', [input.leadId, input.cycle]);
    await client.query('INSERT INTO rep_assignments (lead_id, cycle, rep_id, team, open) VALUES ($1, $2, $3, $4, $5)', [
      input.leadId, input.cycle, repId, input.team, repId !== null,
    ]);
    if (repId) await client.query('UPDATE team_cursors SET last_rep_id = $2 WHERE team = $1', [input.team, repId]);
    return { repId, teamLeadId: lead, reasons: [assignmentReason(input.team, pick)] };
  });
}

function assignmentReason(team: Team, pick: ReturnType<typeof pickRep>): Reason {
  if (!pick) return { code: 'no_rep_available', rule: 'assignment.round_robin', evidence: `no active rep in ${team}` };
  const evidence = `${pick.rep.rep_id} (${pick.rep.open}/${pick.rep.capacity} open)`;
  if (pick.overCapacity) return { code: 'team_over_capacity', rule: 'assignment.least_loaded', evidence };
  return { code: 'assigned_round_robin', rule: 'assignment.round_robin', evidence };
}
