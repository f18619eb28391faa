/**
 * Where the API learns about one lead: the Postgres read model first (fast, and
 * complete once the lead has closed), the workflow's live query when the lead
 * is still running or not yet written.
 */
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { Stage } from '../domain';
import type { LeadEvent, LeadView } from '../domain/lead-view';
import { findLeadRow, findLeadStage, leadEvents } from '../db/lead-queries';
import { queryLeadState } from './lead-client';
import { leadNotFound } from './problem';
import { isWorkflowNotFound, unavailable } from './temporal-errors';

export interface LeadStoreDeps {
  temporal: Client;
  pool: Pool;
}

/** How long a live read may take before the read model answers alone. */
const LIVE_QUERY_MS = 2_500;

export interface LeadFacts {
  leadId: string;
  stage: Stage;
  owner: string | null;
  /** The read model holds the lead (else the facts came from the live workflow). */
  written: boolean;
}

async function liveView(temporal: Client, leadId: string): Promise<LeadView> {
  return temporal.withDeadline(Date.now() + LIVE_QUERY_MS, () => queryLeadState(temporal, leadId));
}

/** Stage and owner, for the checks before an action: the read model, else the live workflow; 404 when neither knows the lead. */
export async function leadFacts(deps: LeadStoreDeps, leadId: string): Promise<LeadFacts> {
  const row = await findLeadStage(deps.pool, leadId);
  if (row) return { leadId, ...row, written: true };
  try {
    const view = await liveView(deps.temporal, leadId);
    return { leadId, stage: view.stage, owner: view.owner, written: false };
  } catch (error) {
    if (isWorkflowNotFound(error)) throw leadNotFound();
    throw unavailable(error) ?? error;
  }
}

/**
 * The read model is written by the workflow's activities, so for a moment it can
 * trail the workflow (a lead just routed shows no owner yet). Before refusing on
 * its word, ask the live workflow; if it does not answer, the read model stands.
 */
export async function confirmLive(deps: LeadStoreDeps, facts: LeadFacts): Promise<LeadFacts> {
  if (!facts.written) return facts;
  try {
    const view = await liveView(deps.temporal, facts.leadId);
    return { ...facts, stage: view.stage, owner: view.owner };
  } catch {
    return facts;
  }
}

/**
 * The lead as the read model holds it, its whole written trail included (what
 * GET shows of a lead once it has closed); null when it is not written yet.
 */
export async function writtenLead(pool: Pool, leadId: string): Promise<LeadView | null> {
  const [row, events] = await Promise.all([findLeadRow(pool, leadId), leadEvents(pool, leadId)]);
  return row?.view ? { ...row.view, events } : null;
}

export interface LeadDetail {
  view: LeadView;
  source: 'live' | 'read-model';
}

/**
 * The lead for GET /v1/leads/{id}: the live state while the workflow runs (the
 * read model when it does not answer quickly), the read model once it closed;
 * `events` is the whole audit trail from Postgres plus any the workflow has not written yet.
 */
export async function leadDetail(deps: LeadStoreDeps, leadId: string): Promise<LeadDetail> {
  const row = await findLeadRow(deps.pool, leadId);
  let view: LeadView | null = row?.stage === 'outcome' ? row.view : null;
  let source: LeadDetail['source'] = 'read-model';
  if (!view) {
    try {
      view = await liveView(deps.temporal, leadId);
      source = 'live';
    } catch (error) {
      if (isWorkflowNotFound(error) && !row) throw leadNotFound();
      if (!row?.view) {
        if (isWorkflowNotFound(error)) throw leadNotFound();
        throw unavailable(error) ?? error;
      }
      view = row.view;
    }
  }
  const written = row ? await leadEvents(deps.pool, leadId) : [];
  return { view: { ...view, events: mergeEvents(written, view.events) }, source };
}

/** The written trail, then whatever the live view holds beyond it (by sequence number). */
export function mergeEvents(written: LeadEvent[], live: LeadEvent[]): LeadEvent[] {
  const lastWritten = written.length > 0 ? written[written.length - 1]!.seq : -1;
  return [...written, ...live.filter((e) => e.seq > lastWritten)];
}
