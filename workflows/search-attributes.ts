import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * LeadGate's custom search attributes, so the Temporal UI and visibility queries
 * can list leads by stage, team, outcome, score, owner and re-engagement date.
 * The dev server registers these at start; a production cluster needs them added
 * once with `temporal operator search-attribute create`.
 */
export const LeadStage = defineSearchAttributeKey('LeadStage', SearchAttributeType.KEYWORD);
export const LeadTeam = defineSearchAttributeKey('LeadTeam', SearchAttributeType.KEYWORD);
export const LeadOutcome = defineSearchAttributeKey('LeadOutcome', SearchAttributeType.KEYWORD);
export const LeadScore = defineSearchAttributeKey('LeadScore', SearchAttributeType.INT);
export const LeadOwner = defineSearchAttributeKey('LeadOwner', SearchAttributeType.KEYWORD);
export const LeadReengageAt = defineSearchAttributeKey('LeadReengageAt', SearchAttributeType.DATETIME);

export const leadSearchAttributes = [LeadStage, LeadTeam, LeadOutcome, LeadScore, LeadOwner, LeadReengageAt];
