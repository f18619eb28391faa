/**
 * Who may do what to a lead, and in which stage: one table read by the
 * workflow's Update validators and their re-check under the lock, the API's
 * pre-checks, the OpenAPI description and the tests. Pure data and a pure
 * check, free of zod, so the workflow bundle stays light.
 */
import type { Stage } from './schemas';

export type Role = 'intake' | 'rep' | 'manager';

/** The caller as the lead sees it: reps carry their rep id. */
export interface ActionActor {
  role: Role;
  repId?: string | null;
}

export interface LeadActionRule {
  /** The URL segment under /v1/leads/{id}/. */
  path: string;
  /** Completes "may not …" and "… needs" in a refusal. */
  verb: string;
  stages: readonly Stage[];
  roles: readonly Role[];
  /** A rep must own the lead; managers act on any, intake keys on none they must own. */
  ownerOnly: boolean;
}

const OPEN_STAGES = ['captured', 'fit_check', 'routed', 'awaiting_discovery', 'scope_check', 'commercial_check', 'nurture'] as const;

export const LEAD_ACTIONS = {
  discovery: { path: 'discovery', verb: 'submit discovery', stages: ['awaiting_discovery'], roles: ['rep', 'manager'], ownerOnly: true },
  scope: { path: 'scope', verb: 'submit scope findings', stages: ['scope_check'], roles: ['rep', 'manager'], ownerOnly: true },
  commercial: { path: 'commercial', verb: 'submit commercial findings', stages: ['commercial_check'], roles: ['rep', 'manager'], ownerOnly: true },
  disqualify: {
    path: 'disqualify',
    verb: 'disqualify it',
    stages: ['awaiting_discovery', 'scope_check', 'commercial_check', 'nurture'],
    roles: ['rep', 'manager'],
    ownerOnly: true,
  },
  engagement: { path: 'engagement', verb: 'record engagement on it', stages: OPEN_STAGES, roles: ['intake', 'rep', 'manager'], ownerOnly: true },
  reengage: { path: 'reengage', verb: 're-engage it', stages: ['nurture'], roles: ['rep', 'manager'], ownerOnly: true },
  reopen: { path: 'reopen', verb: 'reopen it', stages: ['outcome'], roles: ['manager'], ownerOnly: false },
} as const satisfies Record<string, LeadActionRule>;

export type LeadActionName = keyof typeof LEAD_ACTIONS;
export const LEAD_ACTION_NAMES = Object.keys(LEAD_ACTIONS) as LeadActionName[];

export type ActionRefusalReason = 'forbidden_role' | 'not_owner' | 'wrong_stage';

export interface ActionRefusal {
  reason: ActionRefusalReason;
  message: string;
  stage: Stage;
  expected: readonly Stage[];
}

export interface LeadFactsForAction {
  stage: Stage;
  owner: string | null;
}

/**
 * Why `actor` may not take `action` on a lead in this state, or null when it may.
 * Role first, then ownership, then stage: someone who may never act on a lead
 * learns nothing about where it stands.
 */
export function actionRefusal(action: LeadActionName, lead: LeadFactsForAction, actor: ActionActor): ActionRefusal | null {
  const rule: LeadActionRule = LEAD_ACTIONS[action];
  const refuse = (reason: ActionRefusalReason, message: string): ActionRefusal => ({ reason, message, stage: lead.stage, expected: rule.stages });
  const byRole = roleRefusal(action, lead, actor);
  if (byRole) return byRole;
  if (rule.ownerOnly && actor.role === 'rep' && (!actor.repId || actor.repId !== lead.owner)) {
    return refuse('not_owner', `Only the rep who owns this lead (or a manager) may ${rule.verb}.`);
  }
  if (!rule.stages.includes(lead.stage)) {
    return refuse('wrong_stage', `Lead is in stage ${lead.stage}; it must be in ${rule.stages.join(' or ')} to ${rule.verb}.`);
  }
  return null;
}

/**
 * Why `actor` may never take `action`, whatever the lead's owner and stage: the
 * part of the table that holds while a lead's step is still being written and
 * its owner and stage are not yet known (the workflow decides the rest once
 * the step is written).
 */
export function roleRefusal(action: LeadActionName, lead: LeadFactsForAction, actor: ActionActor): ActionRefusal | null {
  const rule: LeadActionRule = LEAD_ACTIONS[action];
  if (rule.roles.includes(actor.role)) return null;
  return { reason: 'forbidden_role', message: `A ${actor.role} may not ${rule.verb}; this needs a ${rule.roles.join(' or ')}.`, stage: lead.stage, expected: rule.stages };
}
