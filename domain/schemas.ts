/**
 * The single source of LeadGate's data shapes. Every type is `z.infer` of a
 * schema here, so the API validator, the workflow Update validator and the
 * decisions all agree on one definition. Field names follow the public
 * HTTP contract in DESIGN.md.
 */
import { z } from 'zod';
import { isVagueNote } from './notes';

/** A trimmed string with a person-readable bound, so a 2 MB "note" never reaches history. */
export const text = (max: number, min = 1) =>
  z
    .string()
    .trim()
    .min(min, { message: min === 1 ? 'Must not be empty' : `Must be at least ${min} characters` })
    .max(max, { message: `Must be at most ${max} characters` });

const EMAIL_SHAPE = /^[a-z0-9_'+-]+(?:\.[a-z0-9_'+-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/;

/** True when an (already lowercased) address has the shape of a deliverable email. */
export function isEmailShape(email: string): boolean {
  return EMAIL_SHAPE.test(email);
}

export const EmailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, { message: 'Email must be at most 254 characters' })
  .refine(isEmailShape, { message: 'Enter a valid email address, e.g. jane@acme.com' });

/**
 * Company domains arrive as URLs, with `www.`, paths or a trailing dot; the
 * lead id and the email/company consistency check need one canonical form.
 */
export function normaliseDomain(input: string): string {
  return input
    .trim()
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
    .replace(/[/?#].*$/, '')
    .replace(/:\d+$/, '')
    .replace(/\.+$/, '')
    .replace(/^www\./, '');
}

const DOMAIN_SHAPE = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export const DomainSchema = z
  .string()
  .max(253, { message: 'Domain must be at most 253 characters' })
  .transform(normaliseDomain)
  .refine((d) => DOMAIN_SHAPE.test(d), { message: 'Enter the company website domain, e.g. acme.com' });

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar day (2026-02-30 is refused), checked without `Date`, which the workflow sandbox replaces. */
export function isCalendarDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return daysInMonth !== undefined && day >= 1 && day <= daysInMonth;
}

// Not z.iso.date(): inside the Temporal workflow sandbox it rejects every string as "expected date".
const isoDate = z.string().refine(isCalendarDate, { message: 'Use an ISO date, e.g. 2026-03-31' });
const isoDateTime = z.iso.datetime({ offset: true, message: 'Use an ISO date-time with offset, e.g. 2026-03-31T09:00:00Z' });

export const PrimaryInterestSchema = z.enum(['incident_response', 'monitoring', 'vulnerability_management', 'iam', 'compliance', 'other']);
export type PrimaryInterest = z.infer<typeof PrimaryInterestSchema>;

export const LeadSourceSchema = z.enum(['inbound_form', 'content', 'event', 'outbound_list', 'referral']);
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
  employeeCount: z.int({ message: 'Employee count must be a whole number' }).min(1).max(10_000_000).optional(),
  region: text(100).optional(),
  regulations: z.array(text(100)).max(30).optional(),
  environment: z
    .strictObject({
      cloud: z.array(text(100)).max(20).optional(),
      identityProvider: text(100).optional(),
      endpoints: z.int({ message: 'Endpoints must be a whole number' }).min(0).max(100_000_000).optional(),
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
  logAccess: z.enum(['yes', 'partial', 'no', 'unknown']),
  dataHandlingConstraints: text(2000).optional(),
  integrations: z.array(z.enum(['siem', 'edr', 'iam', 'ticketing', 'cloud'])).max(5).optional(),
  onboardingTeamAvailable: z.enum(['yes', 'no', 'unknown']),
  environments: z.array(text(200)).max(50).optional(),
  notes: text(5000).optional(),
});
export type ScopeFindings = z.infer<typeof ScopeSchema>;

export const CommercialSchema = z.strictObject({
  activePlan: z.enum(['approved_budget', 'budget_cycle', 'pilot', 'none', 'unknown']),
  procurement: z
    .strictObject({ path: text(500).optional(), timeline: text(500).optional(), rfpDate: isoDate.optional() })
    .optional(),
  stakeholders: z.array(PersonSchema).max(50).optional(),
  notes: text(5000).optional(),
});
export type CommercialFindings = z.infer<typeof CommercialSchema>;

export const MeetingTypeSchema = z.enum(['technical_review', 'assessment', 'pilot_outline', 'stakeholder_meeting', 'scoping_workshop']);
export type MeetingType = z.infer<typeof MeetingTypeSchema>;

export const ContactRoleSchema = z.enum(['security_owner', 'technical_gate', 'business_approval', 'procurement', 'executive_sponsor']);

export const DiscoverySchema = z.strictObject({
  triggeringEvent: text(2000),
  currentControls: text(2000).optional(),
  gaps: text(2000).optional(),
  urgentEnvironments: z.array(z.enum(['endpoints', 'cloud', 'identity', 'logs', 'network', 'email', 'other'])).max(7).optional(),
  desiredOutcome: text(1000).optional(),
  needConfirmed: z.boolean({ message: 'needConfirmed must be true or false' }),
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

export const TeamSchema = z.enum(['incident_response', 'risk_compliance', 'iam', 'solution_specialist', 'outbound_multithread']);
export type Team = z.infer<typeof TeamSchema>;

export const StageSchema = z.enum(['captured', 'fit_check', 'routed', 'awaiting_discovery', 'scope_check', 'commercial_check', 'nurture', 'outcome']);
export type Stage = z.infer<typeof StageSchema>;

export const LifecycleSchema = z.enum(['lead', 'mql', 'sql']);
export type Lifecycle = z.infer<typeof LifecycleSchema>;

export const OutcomeStatusSchema = z.enum(['qualified', 'unqualified', 'nurture', 'disqualified_for_now']);
export type OutcomeStatus = z.infer<typeof OutcomeStatusSchema>;

export const UrgencySchema = z.enum(['urgent', 'high', 'standard']);
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
  type: z.enum(['replied', 'booked_meeting', 'attended_meeting', 'requested_technical_call', 'downloaded', 'page_view', 'newsletter_click']),
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
export const SpecificNoteSchema = text(2000).refine((n) => !isVagueNote(n), {
  message: 'Note is too vague: name the security need, the scope and the next step (e.g. "No log access for SIEM; revisit after Q3 migration")',
});

export const OutcomeSchema = z.strictObject({
  status: OutcomeStatusSchema,
  reasons: z.array(ReasonSchema).min(1, { message: 'An outcome needs at least one reason' }),
  note: SpecificNoteSchema,
  nextAction: text(500),
});
export type Outcome = z.infer<typeof OutcomeSchema>;

/** Reason codes a rep or manager can give when ending a lead by hand. */
export const DisqualifyReasonSchema = z.enum([
  'no_budget_path', 'no_decision_access', 'unresponsive', 'timing_later', 'competitor', 'vendor_pitch', 'student_or_job_seeker',
  'out_of_territory', 'scope_mismatch', 'no_relevant_issue', 'no_buying_intent', 'duplicate',
]);
export type DisqualifyReason = z.infer<typeof DisqualifyReasonSchema>;

export const DisqualifySchema = z.strictObject({
  reason: DisqualifyReasonSchema,
  note: SpecificNoteSchema,
});
export type DisqualifyRequest = z.infer<typeof DisqualifySchema>;
