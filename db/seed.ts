import type { Pool, PoolClient } from 'pg';
import type { Team } from '../domain';
import { upsertRep } from './reps';
import { inTransaction } from './tx';

/** A small demo sales floor: two reps and a team lead per team, so a fresh install routes leads at once. */
export const DEMO_REPS: Array<{ repId: string; name: string; team: Team; isTeamLead: boolean }> = [
  { repId: 'ir-alex', name: 'Alex Morgan', team: 'incident_response', isTeamLead: false },
  { repId: 'ir-blair', name: 'Blair Chen', team: 'incident_response', isTeamLead: false },
  { repId: 'ir-lead', name: 'Casey Patel', team: 'incident_response', isTeamLead: true },
  { repId: 'rc-dana', name: 'Dana Okafor', team: 'risk_compliance', isTeamLead: false },
  { repId: 'rc-eli', name: 'Eli Novak', team: 'risk_compliance', isTeamLead: false },
  { repId: 'rc-lead', name: 'Farah Haddad', team: 'risk_compliance', isTeamLead: true },
  { repId: 'iam-gus', name: 'Gus Lindqvist', team: 'iam', isTeamLead: false },
  { repId: 'iam-hana', name: 'Hana Sato', team: 'iam', isTeamLead: false },
  { repId: 'iam-lead', name: 'Ivan Petrov', team: 'iam', isTeamLead: true },
  { repId: 'ss-jo', name: 'Jo Alvarez', team: 'solution_specialist', isTeamLead: false },
  { repId: 'ss-kim', name: 'Kim Walsh', team: 'solution_specialist', isTeamLead: false },
  { repId: 'ss-lead', name: 'Lee Dubois', team: 'solution_specialist', isTeamLead: true },
  { repId: 'om-max', name: 'Max Brandt', team: 'outbound_multithread', isTeamLead: false },
  { repId: 'om-nia', name: 'Nia Mensah', team: 'outbound_multithread', isTeamLead: false },
  { repId: 'om-lead', name: 'Oli Reyes', team: 'outbound_multithread', isTeamLead: true },
];

/** Seeds the demo reps on an empty database; returns whether it did. */
export async function seedDemoReps(pool: Pool): Promise<boolean> {
  const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM reps');
  if ((rows[0]?.n ?? 0) > 0) return false;
  for (const rep of DEMO_REPS) {
    await upsertRep(pool, { ...rep, email: `${rep.repId}@leadgate.example`, capacity: 25 });
  }
  return true;
}

/**
 * Runs `create` once per database: in one transaction, under an advisory lock
 * (two processes starting together create one set), and only while `table` is
 * still empty. Null when it already had rows.
 */
export function seedOnce<T>(pool: Pool, lockKey: number, table: 'api_keys' | 'users', create: (client: PoolClient) => Promise<T>): Promise<T | null> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [lockKey]);
    const existing = await client.query(`SELECT 1 FROM ${table} LIMIT 1`);
    if ((existing.rowCount ?? 0) > 0) return null;
    return create(client);
  });
}

/** The demo reps (not their team leads) still active, by rep id. */
export async function activeDemoReps(client: PoolClient): Promise<Array<{ rep_id: string; name: string }>> {
  const demoRepIds = DEMO_REPS.filter((r) => !r.isTeamLead).map((r) => r.repId);
  const { rows } = await client.query<{ rep_id: string; name: string }>('SELECT rep_id, name FROM reps WHERE rep_id = ANY($1) AND active ORDER BY rep_id', [demoRepIds]);
  return rows;
}
