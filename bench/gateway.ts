/**
 * How the bench talks to LeadGate: over the public HTTP API (the default), or
 * straight to the workflow through the Temporal client when the API is not
 * available (then the report says so: no HTTP in those figures).
 */
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { leadHandle, submitLead } from '../api/lead-client';
import { rulesetForStarts } from '../db/rulesets';
import type { CommercialFindings, Discovery, LeadIntake, ScopeFindings } from '../domain';
import { LEAD_TASK_QUEUE } from '../workflows/ids';
import { submitCommercialUpdate, submitDiscoveryUpdate, submitScopeUpdate } from '../workflows/messages';

export interface LeadGateway {
  kind: 'http' | 'direct';
  submitLead(intake: LeadIntake): Promise<string>;
  discovery(leadId: string, repId: string, body: Discovery): Promise<void>;
  scope(leadId: string, repId: string, body: ScopeFindings): Promise<void>;
  commercial(leadId: string, repId: string, body: CommercialFindings): Promise<void>;
}

/** Starts leads as the API's hand-over does, the active ruleset handed over with each. */
export function directGateway(temporal: Client, pool: Pool): LeadGateway {
  const actor = (repId: string) => ({ role: 'rep' as const, repId });
  return {
    kind: 'direct',
    async submitLead(intake) {
      const ruleset = (await rulesetForStarts(pool)) ?? undefined;
      return (await submitLead(temporal, LEAD_TASK_QUEUE, intake, { ruleset })).leadId;
    },
    async discovery(leadId, repId, payload) {
      await leadHandle(temporal, leadId).executeUpdate(submitDiscoveryUpdate, { args: [{ actor: actor(repId), payload }] });
    },
    async scope(leadId, repId, payload) {
      await leadHandle(temporal, leadId).executeUpdate(submitScopeUpdate, { args: [{ actor: actor(repId), payload }] });
    },
    async commercial(leadId, repId, payload) {
      await leadHandle(temporal, leadId).executeUpdate(submitCommercialUpdate, { args: [{ actor: actor(repId), payload }] });
    },
  };
}

export interface ApiKeys {
  intake: string;
  /** A rep-role key bound to each rep id. */
  rep: Map<string, string>;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(`HTTP ${status}: ${body.slice(0, 300)}`);
  }
}

export function httpGateway(baseUrl: string, keys: ApiKeys): LeadGateway {
  const post = async (path: string, key: string, body: unknown, expect: number) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== expect) throw new HttpError(response.status, text);
    return text;
  };
  const repKey = (repId: string) => {
    const key = keys.rep.get(repId);
    if (!key) throw new Error(`no API key for rep ${repId}`);
    return key;
  };
  return {
    kind: 'http',
    async submitLead(intake) {
      const body = JSON.parse(await post('/v1/leads', keys.intake, intake, 202)) as { leadId: string };
      return body.leadId;
    },
    async discovery(leadId, repId, payload) {
      await post(`/v1/leads/${encodeURIComponent(leadId)}/discovery`, repKey(repId), payload, 200);
    },
    async scope(leadId, repId, payload) {
      await post(`/v1/leads/${encodeURIComponent(leadId)}/scope`, repKey(repId), payload, 200);
    },
    async commercial(leadId, repId, payload) {
      await post(`/v1/leads/${encodeURIComponent(leadId)}/commercial`, repKey(repId), payload, 200);
    },
  };
}
