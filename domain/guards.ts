/**
 * The payload shapes of domain/schemas.ts as zod-free guards, for the lead
 * workflow: it re-checks every Update payload, and evaluating zod there would
 * cost every lead ~100 ms of CPU and megabytes of heap. Limits, value lists,
 * shape checks and messages come from the same modules the zod schemas use;
 * test/unit/domain/guards.test.ts proves each guard equal to its schema.
 */
import type { Guard, GuardResult, StringRules } from './guard-kit';
import { array, bool, int, oneOf, optional, pipe, run, strictObject, string } from './guard-kit';
import { DOMAIN_MAX, EMAIL_MAX, MESSAGES } from './messages';
import { isVagueNote } from './notes';
import type { CommercialFindings, Discovery, DisqualifyRequest, EngagementEvent, LeadIntake, ScopeFindings } from './schemas';
import { hasNoNul, isCalendarDate, isDomainShape, isEmailShape, isIsoDateTimeWithOffset, normaliseDomain } from './text-shapes';
import {
  ACTIVE_PLANS, CONTACT_ROLES, DISQUALIFY_REASONS, ENGAGEMENT_EVENT_TYPES, INTEGRATIONS, LEAD_SOURCES, LOG_ACCESS, MEETING_TYPES,
  ONBOARDING_TEAM_AVAILABILITY, PRIMARY_INTERESTS, URGENT_ENVIRONMENTS,
} from './vocabulary';

export type { GuardResult, Issue } from './guard-kit';

/** Mirrors `text(max, min)` in schemas.ts, plus any refinements chained onto it there. */
const text = (max: number, min = 1, refine: StringRules['refine'] = []) =>
  string({ trim: true, min: [min, min === 1 ? MESSAGES.empty : MESSAGES.tooShort(min)], max: [max, MESSAGES.tooLong(max)], refine: [[hasNoNul, MESSAGES.nul], ...(refine ?? [])] });

const email = string({ trim: true, lower: true, max: [EMAIL_MAX, MESSAGES.emailTooLong], refine: [[isEmailShape, MESSAGES.email]] });
const domain = pipe(string({ max: [DOMAIN_MAX, MESSAGES.domainTooLong] }), normaliseDomain, isDomainShape, MESSAGES.domain);
const isoDate = string({ refine: [[isCalendarDate, MESSAGES.isoDate]] });
const isoDateTime = string({ message: MESSAGES.isoDateTime, refine: [[isIsoDateTimeWithOffset, MESSAGES.isoDateTime]] });
const specificNote = text(2000, 1, [[(n) => !isVagueNote(n), MESSAGES.vagueNote]]);
const person = strictObject({ name: text(200), title: text(200) });

const contact = strictObject({ name: text(200), email, phone: optional(text(40)), title: text(200) });

const leadIntake: Guard<LeadIntake> = strictObject({
  companyName: text(200),
  domain,
  contact,
  primaryInterest: oneOf(PRIMARY_INTERESTS),
  message: optional(text(5000)),
  industry: optional(text(100)),
  employeeCount: optional(int(1, 10_000_000, MESSAGES.employeeCount)),
  region: optional(text(100)),
  regulations: optional(array(text(100), 30)),
  environment: optional(
    strictObject({
      cloud: optional(array(text(100), 20)),
      identityProvider: optional(text(100)),
      endpoints: optional(int(0, 100_000_000, MESSAGES.endpoints)),
      notes: optional(text(2000)),
    }),
  ),
  source: oneOf(LEAD_SOURCES),
  timeline: optional(
    strictObject({ activeIncident: optional(bool()), auditDate: optional(isoDate), migrationDate: optional(isoDate), targetDate: optional(isoDate) }),
  ),
  engagement: optional(
    strictObject({
      requestedTechnicalCall: optional(bool()),
      pageViews: optional(int(0, 1_000_000)),
      downloads: optional(array(text(300), 100)),
      newsletterClicks: optional(int(0, 1_000_000)),
    }),
  ),
  bestTime: optional(text(200)),
});

const scope: Guard<ScopeFindings> = strictObject({
  logAccess: oneOf(LOG_ACCESS),
  dataHandlingConstraints: optional(text(2000)),
  integrations: optional(array(oneOf(INTEGRATIONS), 5)),
  onboardingTeamAvailable: oneOf(ONBOARDING_TEAM_AVAILABILITY),
  environments: optional(array(text(200), 50)),
  notes: optional(text(5000)),
});

const commercial: Guard<CommercialFindings> = strictObject({
  activePlan: oneOf(ACTIVE_PLANS),
  procurement: optional(strictObject({ path: optional(text(500)), timeline: optional(text(500)), rfpDate: optional(isoDate) })),
  stakeholders: optional(array(person, 50)),
  notes: optional(text(5000)),
});

const discovery: Guard<Discovery> = strictObject({
  triggeringEvent: text(2000),
  currentControls: optional(text(2000)),
  gaps: optional(text(2000)),
  urgentEnvironments: optional(array(oneOf(URGENT_ENVIRONMENTS), 7)),
  desiredOutcome: optional(text(1000)),
  needConfirmed: bool(MESSAGES.needConfirmed),
  painIdentified: optional(text(2000)),
  economicBuyer: optional(person),
  decisionCriteria: optional(array(text(300), 30)),
  decisionProcess: optional(text(2000)),
  approvers: optional(array(person, 30)),
  timeline: optional(strictObject({ targetDate: optional(isoDate), description: optional(text(500)) })),
  nextMeeting: optional(strictObject({ at: isoDateTime, type: oneOf(MEETING_TYPES) })),
  contacts: optional(array(strictObject({ name: text(200), title: text(200), email: optional(email), role: oneOf(CONTACT_ROLES) }), 50)),
  notes: optional(text(5000)),
  scope: optional(scope),
  commercial: optional(commercial),
});

const engagementEvent: Guard<EngagementEvent> = strictObject({
  type: oneOf(ENGAGEMENT_EVENT_TYPES),
  at: optional(isoDateTime),
  detail: optional(text(500)),
});

const disqualify: Guard<DisqualifyRequest> = strictObject({ reason: oneOf(DISQUALIFY_REASONS), note: specificNote });

export const parseLeadIntake = (value: unknown): GuardResult<LeadIntake> => run(leadIntake, value);
export const parseDiscovery = (value: unknown): GuardResult<Discovery> => run(discovery, value);
export const parseScope = (value: unknown): GuardResult<ScopeFindings> => run(scope, value);
export const parseCommercial = (value: unknown): GuardResult<CommercialFindings> => run(commercial, value);
export const parseDisqualify = (value: unknown): GuardResult<DisqualifyRequest> => run(disqualify, value);
export const parseEngagementEvent = (value: unknown): GuardResult<EngagementEvent> => run(engagementEvent, value);
