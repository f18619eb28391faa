import { api, qs } from './api';
import type { LeadSummary } from './types';

/** Stages in which a lead is still the rep's work. */
export const OPEN_STAGES = ['awaiting_discovery', 'scope_check', 'commercial_check', 'nurture'] as const;

/** Every page of one listing (the API pages by creation time, 200 at most a page). */
export async function allLeads(filters: Record<string, string>, max = 2000): Promise<LeadSummary[]> {
  const items: LeadSummary[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: LeadSummary[]; nextCursor: string | null } = await api('GET', `/v1/leads${qs({ ...filters, limit: 200, cursor })}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < max);
  return items;
}

/** The signed-in rep's open leads, the soonest SLA first (no SLA last). */
export async function myQueue(): Promise<LeadSummary[]> {
  const pages = await Promise.all(OPEN_STAGES.map((stage) => allLeads({ stage })));
  const due = (l: LeadSummary) => (l.slaDueAt ? Date.parse(l.slaDueAt) : Number.POSITIVE_INFINITY);
  return pages.flat().sort((a, b) => due(a) - due(b) || a.createdAt.localeCompare(b.createdAt));
}
