import type { Pool } from 'pg';
import type { LeadIntake } from '../domain';

/** The submission as the read model keeps it (latest resubmission), with the owner for the access check; null when unknown. */
export async function leadIntake(pool: Pool, leadId: string): Promise<{ intake: LeadIntake; owner: string | null } | null> {
  const { rows } = await pool.query<{ intake: LeadIntake; owner_rep_id: string | null }>('SELECT intake, owner_rep_id FROM leads WHERE lead_id = $1', [leadId]);
  const row = rows[0];
  return row ? { intake: row.intake, owner: row.owner_rep_id } : null;
}
