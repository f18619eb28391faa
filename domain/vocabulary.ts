/**
 * Every closed list of values LeadGate knows, defined once as plain arrays.
 * The zod schemas (`z.enum(STAGES)`), the ruleset schema and the workflow's
 * zod-free payload guards all read these, so a new value is added in one place.
 */

export const PRIMARY_INTERESTS = ['incident_response', 'monitoring', 'vulnerability_management', 'iam', 'compliance', 'other'] as const;
export const LEAD_SOURCES = ['inbound_form', 'content', 'event', 'outbound_list', 'referral'] as const;

export const LOG_ACCESS = ['yes', 'partial', 'no', 'unknown'] as const;
export const INTEGRATIONS = ['siem', 'edr', 'iam', 'ticketing', 'cloud'] as const;
export const ONBOARDING_TEAM_AVAILABILITY = ['yes', 'no', 'unknown'] as const;
export const ACTIVE_PLANS = ['approved_budget', 'budget_cycle', 'pilot', 'none', 'unknown'] as const;

export const MEETING_TYPES = ['technical_review', 'assessment', 'pilot_outline', 'stakeholder_meeting', 'scoping_workshop'] as const;
export const CONTACT_ROLES = ['security_owner', 'technical_gate', 'business_approval', 'procurement', 'executive_sponsor'] as const;
export const URGENT_ENVIRONMENTS = ['endpoints', 'cloud', 'identity', 'logs', 'network', 'email', 'other'] as const;

export const TEAMS = ['incident_response', 'risk_compliance', 'iam', 'solution_specialist', 'outbound_multithread'] as const;
export const STAGES = ['captured', 'fit_check', 'routed', 'awaiting_discovery', 'scope_check', 'commercial_check', 'nurture', 'outcome'] as const;
export const LIFECYCLES = ['lead', 'mql', 'sql'] as const;
export const OUTCOME_STATUSES = ['qualified', 'unqualified', 'nurture', 'disqualified_for_now'] as const;
export const URGENCIES = ['urgent', 'high', 'standard'] as const;

export const ENGAGEMENT_EVENT_TYPES = [
  'replied', 'booked_meeting', 'attended_meeting', 'requested_technical_call', 'downloaded', 'page_view', 'newsletter_click',
] as const;

/** Reason codes a rep or manager can give when ending a lead by hand. */
export const DISQUALIFY_REASONS = [
  'no_budget_path', 'no_decision_access', 'unresponsive', 'timing_later', 'competitor', 'vendor_pitch', 'student_or_job_seeker',
  'out_of_territory', 'scope_mismatch', 'no_relevant_issue', 'no_buying_intent', 'duplicate',
] as const;

// Ruleset vocabulary.
export const FIT_FLAG_CODES = [
  'invalid_email', 'free_mail', 'disposable_email', 'email_domain_mismatch', 'invalid_phone', 'title_inconsistent',
  'student', 'job_seeker', 'vendor_pitch', 'competitor', 'out_of_territory', 'industry_outside_icp', 'size_outside_bands',
  'no_role_relevance', 'no_decision_access',
] as const;
export const DISQUALIFYING_INTENTS = ['student', 'job_seeker', 'vendor_pitch'] as const;
export const BLOCKER_STATUSES = ['unqualified', 'nurture', 'disqualified_for_now'] as const;
export const NO_ENGAGEMENT_OUTCOMES = ['disqualified_for_now', 'nurture'] as const;
