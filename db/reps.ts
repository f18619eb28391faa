import type { Pool, PoolClient } from 'pg';
import type { Assignment, Reason, Team } from '../domain';

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

/**
 * Everything an assignment decides on, as of one snapshot: the team's lead, the
 * rep this lead already has for this cycle (none when it has no row), the
 * team's round-robin cursor (none before the team's first assignment) and its
 * active reps with their open leads.
 */
const READ_ASSIGNMENT = `
  SELECT (SELECT rep_id FROM reps WHERE team = $3 AND active AND is_team_lead ORDER BY rep_id LIMIT 1) AS team_lead,
         (SELECT json_build_object('repId', a.rep_id, 'team', a.team) FROM rep_assignments a WHERE a.lead_id = $1 AND a.cycle = $2) AS existing,
         (SELECT json_build_object('lastRepId', c.last_rep_id, 'turns', c.turns) FROM team_cursors c WHERE c.team = $3) AS cursor,
         (SELECT coalesce(json_agg(c ORDER BY c.rep_id), '[]'::json) FROM (
            SELECT r.rep_id, r.capacity, r.is_team_lead, count(a.lead_id)::int AS open
            FROM reps r LEFT JOIN rep_assignments a ON a.rep_id = r.rep_id AND a.open
            WHERE r.team = $3 AND r.active
            GROUP BY r.rep_id) c) AS candidates`;

/** The rep a (lead, cycle) was given (null: none was available), and the team it was routed to. */
export interface RecordedAssignment {
  repId: string | null;
  team: Team;
}

interface AssignmentFacts {
  team_lead: string | null;
  existing: RecordedAssignment | null;
  cursor: { lastRepId: string | null; turns: number } | null;
  candidates: Candidate[];
}

/**
 * Moves the cursor to the picked rep only if no other assignment moved it since
 * the pick was read (its turn and rep are still $5 and $6; a team's first
 * assignment creates it), closes the lead's earlier cycles and records this
 * one: all or nothing, in one statement. With no rep to give ($3 null: the
 * team has no active one) the cycle is recorded unassigned and the cursor
 * stays. No row back means another assignment in the team landed in between:
 * read again and pick again.
 */
const RECORD_ASSIGNMENT = `
  WITH moved AS (
         INSERT INTO team_cursors AS c (team, last_rep_id) SELECT $4, $3 WHERE $3::text IS NOT NULL
         ON CONFLICT (team) DO UPDATE SET last_rep_id = EXCLUDED.last_rep_id, turns = c.turns + 1
         WHERE c.turns = $5::bigint AND c.last_rep_id IS NOT DISTINCT FROM $6::text
         RETURNING 1),
       landed AS (SELECT 1 WHERE $3::text IS NULL OR EXISTS (SELECT 1 FROM moved)),
       closed AS (UPDATE rep_assignments SET open = false WHERE lead_id = $1 AND cycle < $2 AND EXISTS (SELECT 1 FROM landed))
  INSERT INTO rep_assignments (lead_id, cycle, rep_id, team, open)
  SELECT $1, $2, $3, $4, $3::text IS NOT NULL FROM landed
  RETURNING 1`;

/**
 * An attempt is lost only when another assignment in the team landed in
 * between, so a burst of N assignments at once needs at most N − 1 retries:
 * this covers two workers' full pools (52 connections each) routing into one
 * team together. Past it the activity's own retry takes over. (Twenty did not
 * cover the burst of 30 at once that test/integration/activities-idempotency.test.ts makes.)
 */
const MAX_ASSIGNMENT_ATTEMPTS = 105;

/**
 * Assigns a rep of the team to the lead for this routing cycle: round robin,
 * one read and one conditional write, no transaction or lock held between them.
 * Two assignments in one team at once cannot both move the cursor from the same
 * place: the later one reads the earlier one's pick and picks again. A retried
 * (lead, cycle) gets the rep it already has; two attempts of one (lead, cycle)
 * racing make the second fail on the key and retry into that answer.
 * `check` runs once the read is made, with the cycle's recorded assignment (null
 * before its first) and before anything is written: a caller's last word, which
 * throws to write nothing.
 */
export async function assignRep(pool: Pool | PoolClient, input: AssignRepInput, check?: (recorded: RecordedAssignment | null) => void): Promise<Assignment> {
  for (let attempt = 1; attempt <= MAX_ASSIGNMENT_ATTEMPTS; attempt++) {
    const { rows } = await pool.query<AssignmentFacts>(READ_ASSIGNMENT, [input.leadId, input.cycle, input.team]);
    const facts = rows[0]!;
    const teamLeadId = facts.team_lead;
    check?.(facts.existing);
    if (facts.existing) {
      const existing = facts.existing.repId;
      return { repId: existing, teamLeadId, reasons: [{ code: 'assignment_reused', rule: 'assignment.idempotent', evidence: existing ?? 'unassigned' }] };
    }
    const lastRepId = facts.cursor?.lastRepId ?? null;
    const pick = pickRep(facts.candidates, lastRepId);
    const repId = pick?.rep.rep_id ?? null;
    const recorded = await pool.query(RECORD_ASSIGNMENT, [input.leadId, input.cycle, repId, input.team, facts.cursor?.turns ?? null, lastRepId]);
    if ((recorded.rowCount ?? 0) > 0) return { repId, teamLeadId, reasons: [assignmentReason(input.team, pick)] };
  }
  throw new Error(`Assignment in ${input.team} lost the race ${MAX_ASSIGNMENT_ATTEMPTS} times in a row; retrying`);
}

/**
 * Locks the lead's row until the transaction ends: a second run of the same
 * routing write waits here for the first to end, and its next statement (a new
 * snapshot under READ COMMITTED) sees what the first committed.
 */
export async function lockLead(client: PoolClient, leadId: string): Promise<void> {
  await client.query('SELECT 1 FROM leads WHERE lead_id = $1 FOR UPDATE', [leadId]);
}

function assignmentReason(team: Team, pick: ReturnType<typeof pickRep>): Reason {
  if (!pick) return { code: 'no_rep_available', rule: 'assignment.round_robin', evidence: `no active rep in ${team}` };
  const evidence = `${pick.rep.rep_id} (${pick.rep.open}/${pick.rep.capacity} open)`;
  if (pick.overCapacity) return { code: 'team_over_capacity', rule: 'assignment.least_loaded', evidence };
  return { code: 'assigned_round_robin', rule: 'assignment.round_robin', evidence };
}
