/**
 * Every side effect of a lead workflow. Each activity is idempotent under retry:
 * writes are keyed (lead + event sequence, lead + cycle, message key), so a
 * retried attempt writes nothing twice.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Pool } from 'pg';
import { RulesetError } from '../domain';
import { insertLead, insertOutcome, updateLead, type RecordLeadInput, type RecordOutcomeInput, type RecordStageInput } from '../db/leads';
import { enqueueNotification, type NotifyInput } from '../db/outbox';
import { assignRep, type AssignRepInput } from '../db/reps';
import { activeRuleset, findRuleset, type StoredRuleset } from '../db/rulesets';

export interface ActivityDeps {
  pool: Pool;
  /** Load this stored ruleset version instead of the active one (a canary worker, or a test). */
  pinnedRulesetVersion?: string;
}

export function createActivities({ pool, pinnedRulesetVersion }: ActivityDeps) {
  return {
    async loadRuleset(_input: { keepVersion?: string | null } = {}): Promise<StoredRuleset> {
      try {
        if (!pinnedRulesetVersion) return await activeRuleset(pool);
        const pinned = await findRuleset(pool, pinnedRulesetVersion);
        if (!pinned) throw ApplicationFailure.nonRetryable(`Ruleset ${pinnedRulesetVersion} is not stored`, 'InvalidRuleset');
        return pinned;
      } catch (error) {
        // A stored ruleset that no longer validates will not fix itself on retry.
        if (error instanceof RulesetError) throw ApplicationFailure.nonRetryable(error.message, 'InvalidRuleset');
        throw error;
      }
    },
    recordLead: (input: RecordLeadInput) => insertLead(pool, input),
    recordStage: (input: RecordStageInput) => updateLead(pool, input),
    assignRep: (input: AssignRepInput) => assignRep(pool, input),
    notify: (input: NotifyInput) => enqueueNotification(pool, input),
    recordOutcome: (input: RecordOutcomeInput) => insertOutcome(pool, input),
  };
}

export type LeadActivities = ReturnType<typeof createActivities>;
