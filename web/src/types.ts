/**
 * The API's shapes, taken from the server's own zod schemas (type-only imports:
 * nothing of the server is bundled), so the console and the API never drift.
 */
import type { z } from 'zod';
import type { LeadView } from '../../domain/lead-view';
import type { FunnelReportSchema, LeadSummarySchema, SimulationResponseSchema } from '../../api/schemas';

export type { LeadView };
export type LeadSummary = z.infer<typeof LeadSummarySchema>;
export type FunnelReport = z.infer<typeof FunnelReportSchema>;
export type SimulationReport = z.infer<typeof SimulationResponseSchema>;
export type { Discovery, DisqualifyReason, Team, Stage } from '../../domain/schemas';

export interface SessionUser {
  userId: string;
  email: string;
  name: string;
  role: 'rep' | 'manager';
  repId: string | null;
}

export interface RepLoad {
  repId: string;
  name: string;
  team: string;
  capacity: number;
  isTeamLead: boolean;
  active: boolean;
  openLeads: number;
}

export interface Login extends SessionUser {
  active: boolean;
  createdAt: string;
}
