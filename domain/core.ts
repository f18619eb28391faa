/**
 * The domain as the lead workflow needs it: the pure decisions, the action
 * table, the payload guards and the vocabulary — and, at runtime, nothing else.
 * The workflow bundle is evaluated afresh for every lead it creates or replays,
 * so nothing reachable from here may load zod, schemas.ts, ruleset.ts or JSON
 * (types from them are free). ESLint and test/unit/domain/core.test.ts hold
 * this line; the API and tests keep using the full `domain/index.ts`.
 */
export * from './actions';
export * from './assignment';
export { sharedRuleset } from './compiled';
export * from './duration';
export * from './engagement';
export * from './evaluate';
export * from './fit';
export * from './guards';
export * from './handoff';
export * from './nurture';
export * from './outcome';
export * from './route';
export * from './score';
export * from './vocabulary';

export type {
  CommercialFindings,
  Contact,
  Discovery,
  DisqualifyReason,
  DisqualifyRequest,
  EngagementEvent,
  HandoffChecklist,
  LeadIntake,
  LeadSource,
  Lifecycle,
  MeetingType,
  Outcome,
  OutcomeStatus,
  Person,
  PrimaryInterest,
  Reason,
  ScopeFindings,
  Stage,
  Team,
  Urgency,
} from './schemas';
export type { FitFlagCode, Ruleset } from './ruleset';
export type { LeadEvent, LeadView } from './lead-view';
