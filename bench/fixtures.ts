/**
 * Bench inputs, the same ones the integration tests use: a well-formed inbound
 * lead (unique per call), discovery that qualifies, discovery that sends a lead to nurture.
 */
import type { CommercialFindings, Discovery, LeadIntake, ScopeFindings } from '../domain';
import { qualifyingDiscovery as testQualifyingDiscovery, unconfirmedNeedDiscovery as testUnconfirmedNeed } from '../test/support/discovery';
import { inboundLead } from '../test/support/intake';

export const benchLead = (overrides: Partial<LeadIntake> = {}): LeadIntake => inboundLead(overrides);

const { scope, commercial, ...discoveryOnly } = testQualifyingDiscovery();
export const scopeFindings: ScopeFindings = scope!;
export const commercialFindings: CommercialFindings = commercial!;

/** Confirms need and stage; with `complete`, carries scope and commercial so one call qualifies the lead. */
export function qualifyingDiscovery(complete: boolean): Discovery {
  return complete ? { ...discoveryOnly, scope: scopeFindings, commercial: commercialFindings } : { ...discoveryOnly };
}

/** Interest without a confirmed need: the lead goes to nurture. */
export const unconfirmedNeedDiscovery: Discovery = testUnconfirmedNeed();
