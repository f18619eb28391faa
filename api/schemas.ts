/**
 * The API's own shapes (queries, responses, the simulate request), in zod like
 * the domain's: the routers parse with them and /openapi.json is generated from
 * them together with the domain schemas.
 */
import { z } from 'zod';
import { LEAD_ID_PATTERN } from '../domain/hash';
import {
  LeadSourceSchema,
  LifecycleSchema,
  OutcomeStatusSchema,
  PrimaryInterestSchema,
  RulesetSchema,
  StageSchema,
  TeamSchema,
  UrgencySchema,
} from '../domain';

const isoDateTime = z.iso.datetime({ offset: true, message: 'Use an ISO date-time with offset, e.g. 2026-03-31T09:00:00Z' });

export const LeadIdSchema = z.string().regex(LEAD_ID_PATTERN, { message: 'Not a lead id (lead_ and 20 hex digits)' });

export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  requestId: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

export const IntakeStatusSchema = z.enum(['accepted', 'duplicate', 'reopened', 'recorded', 'queued']);
export type IntakeStatus = z.infer<typeof IntakeStatusSchema>;

export const LeadAcceptedSchema = z.object({
  leadId: z.string(),
  /**
   * accepted: a new lead started; duplicate: the running lead got the submission, or a replayed Idempotency-Key;
   * reopened: a closed lead was opened as a new cycle; recorded: a closed lead that does not reopen (the
   * submission is on its audit trail, and a won lead's owner is told); queued: kept, and handed to the
   * lead as soon as the workflow service answers.
   */
  status: IntakeStatusSchema,
});

/** A manager's reopen: the note is kept with the new cycle. */
export const ReopenSchema = z.strictObject({ note: z.string().trim().min(1).max(2000).optional() });

export const LeadListQuerySchema = z.strictObject({
  stage: StageSchema.optional(),
  team: TeamSchema.optional(),
  outcome: OutcomeStatusSchema.optional(),
  owner: z.string().min(1).max(64).optional(),
  lifecycle: LifecycleSchema.optional(),
  source: LeadSourceSchema.optional(),
  rulesetVersion: z.string().min(1).max(100).optional(),
  createdFrom: isoDateTime.optional(),
  createdTo: isoDateTime.optional(),
  /** true: leads escalated for a missed first response, or awaiting discovery past their SLA now. */
  slaBreached: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(500).optional(),
});

export const LeadSummarySchema = z.object({
  leadId: z.string(),
  companyName: z.string(),
  domain: z.string(),
  source: LeadSourceSchema,
  primaryInterest: PrimaryInterestSchema,
  stage: StageSchema,
  lifecycle: LifecycleSchema,
  team: TeamSchema.nullable(),
  owner: z.string().nullable(),
  escalated: z.boolean(),
  /** How fast the first response is due (from the route); null before routing. */
  urgency: UrgencySchema.nullable(),
  slaDueAt: isoDateTime.nullable(),
  scoreTotal: z.number().nullable(),
  outcome: OutcomeStatusSchema.nullable(),
  rulesetVersion: z.string().nullable(),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});

export const LeadPageSchema = z.object({
  items: z.array(LeadSummarySchema),
  /** Pass as `cursor` for the next page; null on the last page. Order: created_at, then lead id. */
  nextCursor: z.string().nullable(),
});

export const SignalAcceptedSchema = z.object({ leadId: z.string(), status: z.enum(['recorded', 'reengaging']) });
/** A rep action the lead has taken whose write is still waiting on the database: it will be recorded once, GET shows when. */
export const ActionRecordingSchema = z.object({ leadId: z.string(), status: z.literal('recording') });

export const ReengageSchema = z.strictObject({});

export const ImportRowSchema = z.object({
  /** The row's line number in the file (the header is line 1). */
  row: z.int(),
  status: z.enum(['accepted', 'duplicate', 'invalid', 'failed']),
  leadId: z.string().optional(),
  reason: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

export const ImportReportSchema = z.object({
  total: z.int(),
  accepted: z.int(),
  duplicate: z.int(),
  invalid: z.int(),
  failed: z.int(),
  rows: z.array(ImportRowSchema),
});

export const FunnelQuerySchema = z.strictObject({
  from: isoDateTime.optional(),
  to: isoDateTime.optional(),
  team: TeamSchema.optional(),
  source: LeadSourceSchema.optional(),
  rulesetVersion: z.string().min(1).max(100).optional(),
});

const Counts = <K extends z.ZodType<string>>(key: K) => z.array(z.object({ key, count: z.int() }));

export const FunnelReportSchema = z.object({
  range: z.object({ from: isoDateTime, to: isoDateTime }),
  filters: z.object({ team: TeamSchema.optional(), source: LeadSourceSchema.optional(), rulesetVersion: z.string().optional() }),
  leads: z.int(),
  byStage: Counts(StageSchema),
  byLifecycle: Counts(LifecycleSchema),
  byOutcome: Counts(OutcomeStatusSchema),
  byTeam: z.array(z.object({ team: TeamSchema, leads: z.int(), qualified: z.int() })),
  /** Reason codes of recorded outcomes (every cycle), most frequent first. */
  byReason: z.array(z.object({ status: OutcomeStatusSchema, code: z.string(), count: z.int() })),
  conversion: z.object({
    mql: z.int(),
    sql: z.int(),
    qualified: z.int(),
    /** Share of MQL-or-better leads that became SQL; null when there are none. */
    mqlToSql: z.number().nullable(),
    /** Share of SQL leads that ended qualified; null when there are none. */
    sqlToQualified: z.number().nullable(),
  }),
  /** Median seconds a lead spent in each stage, over stays that have ended. */
  medianTimeInStage: z.array(z.object({ stage: StageSchema, medianSeconds: z.number(), stays: z.int() })),
  sla: z.object({
    routed: z.int(),
    /** Leads escalated for a missed first-response SLA. */
    breaches: z.int(),
    /** Leads still awaiting discovery past their SLA right now. */
    openBreaches: z.int(),
    breachRate: z.number().nullable(),
  }),
});
export type FunnelReport = z.infer<typeof FunnelReportSchema>;

export const MAX_SIMULATION_IDS = 500;
export const MAX_SIMULATION_LEADS = 1_000;
export const MAX_SIMULATION_RANGE_DAYS = 92;

export const LeadSelectionSchema = z
  .strictObject({
    ids: z.array(LeadIdSchema).min(1).max(MAX_SIMULATION_IDS).optional(),
    from: isoDateTime.optional(),
    to: isoDateTime.optional(),
    limit: z.int().min(1).max(MAX_SIMULATION_LEADS).optional(),
  })
  .superRefine((s, ctx) => {
    const byRange = s.from !== undefined || s.to !== undefined || s.limit !== undefined;
    if (s.ids && byRange) ctx.addIssue({ code: 'custom', path: ['ids'], message: 'Select leads by ids or by from/to, not both' });
    if (s.ids) return;
    if (!s.from) ctx.addIssue({ code: 'custom', path: ['from'], message: 'Give ids, or from and to' });
    if (!s.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'Give ids, or from and to' });
    if (!s.from || !s.to) return;
    const days = (Date.parse(s.to) - Date.parse(s.from)) / 86_400_000;
    if (days <= 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must be after from' });
    if (days > MAX_SIMULATION_RANGE_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `A range covers at most ${MAX_SIMULATION_RANGE_DAYS} days` });
  });

/** The documented request; at run time the ruleset is checked by `parseRuleset` so its errors name ruleset paths. */
export const SimulateRequestSchema = z.strictObject({ ruleset: RulesetSchema, leads: LeadSelectionSchema });
export const SimulateRequestEnvelopeSchema = z.strictObject({ ruleset: z.unknown(), leads: LeadSelectionSchema });

const DecidedSchema = z.object({
  team: TeamSchema.optional(),
  lifecycle: LifecycleSchema.optional(),
  outcome: OutcomeStatusSchema.optional(),
  scoreTotal: z.number().optional(),
  scoreBand: z.string().optional(),
});

export const SimulationResponseSchema = z.object({
  rulesetVersion: z.string(),
  /** The version of the active ruleset, for comparison. */
  activeRulesetVersion: z.string(),
  selection: z.object({ requested: z.int(), found: z.int(), missing: z.array(z.string()), truncated: z.boolean() }),
  totals: z.object({ leads: z.int(), routeChanges: z.int(), lifecycleChanges: z.int(), outcomeChanges: z.int(), scoreBandChanges: z.int() }),
  leads: z.array(
    z.object({
      leadId: z.string(),
      before: DecidedSchema,
      after: DecidedSchema,
      changed: z.array(z.enum(['team', 'lifecycle', 'outcome', 'scoreBand'])),
      /** Findings were on record for this lead, so its outcome could be re-decided past the fit check. */
      hadFindings: z.boolean(),
    }),
  ),
});

export const ActiveRulesetSchema = z.object({ version: z.string(), ruleset: RulesetSchema });

// ---- cursors ------------------------------------------------------------------

export function encodeCursor(cursor: { createdAt: string; leadId: string }): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.leadId]), 'utf8').toString('base64url');
}

const CursorTuple = z.tuple([z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/), LeadIdSchema]);

export function decodeCursor(raw: string): { createdAt: string; leadId: string } | null {
  try {
    const parsed = CursorTuple.safeParse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
    return parsed.success ? { createdAt: parsed.data[0], leadId: parsed.data[1] } : null;
  } catch {
    return null;
  }
}
