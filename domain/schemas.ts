/**
 * The single source of LeadGate's data shapes. Every type is `z.infer` of a
 * schema here, so the API validator, the workflow Update validator and the
 * decisions all agree on one definition. Field names follow the public
 * HTTP contract in DESIGN.md.
 */
import { z } from 'zod';
import { DOMAIN_MAX, EMAIL_MAX, MESSAGES } from './messages';
import { isVagueNote } from './notes';
import { hasNoNul, isCalendarDate, isDomainShape, isEmailShape, normaliseDomain } from './text-shapes';
import {
  ACTIVE_PLANS, CONTACT_ROLES, DISQUALIFY_REASONS, ENGAGEMENT_EVENT_TYPES, INTEGRATIONS, LEAD_SOURCES, LIFECYCLES, LOG_ACCESS,
  MEETING_TYPES, ONBOARDING_TEAM_AVAILABILITY, OUTCOME_STATUSES, PRIMARY_INTERESTS, STAGES, TEAMS, URGENCIES, URGENT_ENVIRONMENTS,
} from './vocabulary';

export { isCalendarDate, isEmailShape, normaliseDomain } from './text-shapes';

/** A trimmed string with a person-readable bound, so a 2 MB "note" never reaches history. */
export const text = (max: number, min = 1) =>
  z
    .string()
    .trim()
    .min(min, { message: min === 1 ? MESSAGES.empty : MESSAGES.tooShort(min) })
    .max(max, { message: MESSAGES.tooLong(max) })
    .refine(hasNoNul, { message: MESSAGES.nul });

export const EmailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(EMAIL_MAX, { message: MESSAGES.emailTooLong })
  .refine(isEmailShape, { message: MESSAGES.email });

export const DomainSchema = z
  .string()
  .max(DOMAIN_MAX, { message: MESSAGES.domainTooLong })
  .transform(normaliseDomain)
  .refine(isDomainShape, { message: MESSAGES.domain });

// Not z.iso.date(): inside the Temporal workflow sandbox it rejects every string as "expected date".
const isoDate = z.string().refine(isCalendarDate, { message: MESSAGES.isoDate });
const isoDateTime = z.iso.datetime({ offset: true, message: MESSAGES.isoDateTime });

export const PrimaryInterestSchema = z.enum(PRIMARY_INTERESTS);
export type PrimaryInterest = z.infer<typeof PrimaryInterestSchema>;

export const LeadSourceSchema = z.enum(LEAD_SOURCES);
export type LeadSource = z.infer<typeof LeadSourceSchema>;

export const ContactSchema = z.strictObject({
  name: text(200),
  email: EmailSchema,
  phone: text(40).optional(),
  title: text(200),
});
export type Contact = z.infer<typeof ContactSchema>;

export const LeadIntakeSchema = z.strictObject({
  companyName: text(200),
  domain: DomainSchema,
  contact: ContactSchema,
  primaryInterest: PrimaryInterestSchema,
  message: text(5000).optional(),
  industry: text(100).optional(),
  employeeCount: z.int({ message: MESSAGES.employeeCount }).min(1).max(10_000_000).optional(),
  region: text(100).optional(),
  regulations: z.array(text(100)).max(30).optional(),
  environment: z
    .strictObject({
      cloud: z.array(text(100)).max(20).optional(),
      identityProvider: text(100).optional(),
      endpoints: z.int({ message: MESSAGES.endpoints }).min(0).max(100_000_000).optional(),
      notes: text(2000).optional(),
    })
    .optional(),
  source: LeadSourceSchema,
  timeline: z
    .strictObject({
      activeIncident: z.boolean().optional(),
      auditDate: isoDate.optional(),
      migrationDate: isoDate.optional(),
      targetDate: isoDate.optional(),
    })
    .optional(),
  engagement: z
    .strictObject({
      requestedTechnicalCall: z.boolean().optional(),
      pageViews: z.int().min(0).max(1_000_000).optional(),
      downloads: z.array(text(300)).max(100).optional(),
      newsletterClicks: z.int().min(0).max(1_000_000).optional(),
    })
    .optional(),
  bestTime: text(200).optional(),
});
export type LeadIntake = z.infer<typeof LeadIntakeSchema>;

const PersonSchema = z.strictObject({ name: text(200), title: text(200) });
export type Person = z.infer<typeof PersonSchema>;

export const ScopeSchema = z.strictObject({
  logAccess: z.enum(LOG_ACCESS),
  dataHandlingConstraints: text(2000).optional(),
  integrations: z.array(z.enum(INTEGRATIONS)).max(5).optional(),
  onboardingTeamAvailable: z.enum(ONBOARDING_TEAM_AVAILABILITY),
  environments: z.array(text(200)).max(50).optional(),
  notes: text(5000).optional(),
});
export type ScopeFindings = z.infer<typeof ScopeSchema>;

export const CommercialSchema = z.strictObject({
  activePlan: z.enum(ACTIVE_PLANS),
  procurement: z
    .strictObject({ path: text(500).optional(), timeline: text(500).optional(), rfpDate: isoDate.optional() })
    .optional(),
  stakeholders: z.array(PersonSchema).max(50).optional(),
  notes: text(5000).optional(),
});
export type CommercialFindings = z.infer<typeof CommercialSchema>;

export const MeetingTypeSchema = z.enum(MEETING_TYPES);
export type MeetingType = z.infer<typeof MeetingTypeSchema>;

export const ContactRoleSchema = z.enum(CONTACT_ROLES);

export const DiscoverySchema = z.strictObject({
  triggeringEvent: text(2000),
  currentControls: text(2000).optional(),
  gaps: text(2000).optional(),
  urgentEnvironments: z.array(z.enum(URGENT_ENVIRONMENTS)).max(7).optional(),
  desiredOutcome: text(1000).optional(),
  needConfirmed: z.boolean({ message: MESSAGES.needConfirmed }),
  painIdentified: text(2000).optional(),
  economicBuyer: PersonSchema.optional(),
  decisionCriteria: z.array(text(300)).max(30).optional(),
  decisionProcess: text(2000).optional(),
  approvers: z.array(PersonSchema).max(30).optional(),
  timeline: z.strictObject({ targetDate: isoDate.optional(), description: text(500).optional() }).optional(),
  nextMeeting: z.strictObject({ at: isoDateTime, type: MeetingTypeSchema }).optional(),
  contacts: z
    .array(z.strictObject({ name: text(200), title: text(200), email: EmailSchema.optional(), role: ContactRoleSchema }))
    .max(50)
    .optional(),
  notes: text(5000).optional(),
  scope: ScopeSchema.optional(),
  commercial: CommercialSchema.optional(),
});
export type Discovery = z.infer<typeof DiscoverySchema>;

export const TeamSchema = z.enum(TEAMS);
export type Team = z.infer<typeof TeamSchema>;

export const StageSchema = z.enum(STAGES);
export type Stage = z.infer<typeof StageSchema>;

export const LifecycleSchema = z.enum(LIFECYCLES);
export type Lifecycle = z.infer<typeof LifecycleSchema>;

export const OutcomeStatusSchema = z.enum(OUTCOME_STATUSES);
export type OutcomeStatus = z.infer<typeof OutcomeStatusSchema>;

export const UrgencySchema = z.enum(URGENCIES);
export type Urgency = z.infer<typeof UrgencySchema>;

/** Why a decision came out the way it did: the rule that fired, what it matched, what it added. */
export const ReasonSchema = z.strictObject({
  code: z.string().min(1),
  rule: z.string().min(1),
  evidence: z.string().optional(),
  weight: z.number().optional(),
});
export type Reason = z.infer<typeof ReasonSchema>;

export const EngagementEventSchema = z.strictObject({
  type: z.enum(ENGAGEMENT_EVENT_TYPES),
  at: isoDateTime.optional(),
  detail: text(500).optional(),
});
export type EngagementEvent = z.infer<typeof EngagementEventSchema>;

export const HandoffChecklistSchema = z.strictObject({
  scope: z.array(z.string()),
  environments: z.array(z.string()),
  accessNeeds: z.array(z.string()),
  stakeholders: z.array(z.strictObject({ name: z.string(), title: z.string(), role: z.string() })),
  timeline: z.string(),
});
export type HandoffChecklist = z.infer<typeof HandoffChecklistSchema>;

/** A note that passes `isVagueNote`, bounded like every other free text. */
export const SpecificNoteSchema = text(2000).refine((n) => !isVagueNote(n), { message: MESSAGES.vagueNote });

export const OutcomeSchema = z.strictObject({
  status: OutcomeStatusSchema,
  reasons: z.array(ReasonSchema).min(1, { message: 'An outcome needs at least one reason' }),
  note: SpecificNoteSchema,
  nextAction: text(500),
});
export type Outcome = z.infer<typeof OutcomeSchema>;

/** Reason codes a rep or manager can give when ending a lead by hand. */
export const DisqualifyReasonSchema = z.enum(DISQUALIFY_REASONS);
export type DisqualifyReason = z.infer<typeof DisqualifyReasonSchema>;

export const DisqualifySchema = z.strictObject({
  reason: DisqualifyReasonSchema,
  note: SpecificNoteSchema,
});
export type DisqualifyRequest = z.infer<typeof DisqualifySchema>;
