/** The manager's view of the sales floor: open leads per rep against capacity, and taking a rep off routing. */
import type { Pool } from 'pg';
import type { Team } from '../domain';

export interface RepLoad {
  repId: string;
  name: string;
  team: Team;
  capacity: number;
  isTeamLead: boolean;
  active: boolean;
  /** Leads assigned to the rep in a cycle still open (what round robin counts against capacity). */
  openLeads: number;
}

export async function teamLoad(pool: Pool): Promise<RepLoad[]> {
  const { rows } = await pool.query(
    `SELECT r.rep_id, r.name, r.team, r.capacity, r.is_team_lead, r.active, count(a.lead_id)::int AS open
     FROM reps r LEFT JOIN rep_assignments a ON a.rep_id = r.rep_id AND a.open
     GROUP BY r.rep_id ORDER BY r.team, r.rep_id`,
  );
  return rows.map((r) => ({
    repId: r.rep_id, name: r.name, team: r.team, capacity: r.capacity, isTeamLead: r.is_team_lead, active: r.active, openLeads: r.open,
  }));
}

export async function repExists(pool: Pool, repId: string): Promise<boolean> {
  const { rowCount } = await pool.query('SELECT 1 FROM reps WHERE rep_id = $1', [repId]);
  return (rowCount ?? 0) > 0;
}

/** Takes the rep out of round robin (their open leads stay theirs); false when no active rep matched. */
export async function deactivateRep(pool: Pool, repId: string): Promise<boolean> {
  const { rowCount } = await pool.query('UPDATE reps SET active = false WHERE rep_id = $1 AND active', [repId]);
  return (rowCount ?? 0) > 0;
}
