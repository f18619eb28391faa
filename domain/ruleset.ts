/**
 * Rules are data: the ICP, keyword lists, weights, thresholds, SLAs and nurture
 * cadences live in a versioned ruleset validated here, so a manager can tune
 * decisions without a code change and a bad file fails loudly at load.
 */
import { z } from 'zod';
import defaultRulesetJson from './rulesets/default.json';
import { canonicalJson, fnv1a64 } from './hash';
import { DURATION_MESSAGE, isDuration } from './duration';
import type { ReopenRules } from './reopen';
import { LeadSourceSchema, OutcomeStatusSchema, PrimaryInterestSchema, TeamSchema, UrgencySchema } from './schemas';
import { BLOCKER_STATUSES, DISQUALIFYING_INTENTS, FIT_FLAG_CODES, NO_ENGAGEMENT_OUTCOMES } from './vocabulary';

export { parseDuration } from './duration';

const Duration = z.string().refine(isDuration, { message: DURATION_MESSAGE });
const Keywords = z.array(z.string().trim().toLowerCase().min(1)).min(1);
const Points = z.number().min(0).max(100);
const FitFlagCode = z.enum(FIT_FLAG_CODES);
export type FitFlagCode = z.infer<typeof FitFlagCode>;

const RoleGroup = z.strictObject({ id: z.string().min(1), keywords: Keywords, weight: Points });
const SizeBand = z.strictObject({ id: z.string().min(1), min: z.int().min(1), max: z.int().min(1).optional(), weight: Points });
const IntentRule = z.strictObject({ id: z.enum(DISQUALIFYING_INTENTS), keywords: Keywords });

const RoutingRule = z.strictObject({
  id: z.string().min(1),
  team: TeamSchema,
  urgency: UrgencySchema,
  escalate: z.boolean(),
  // Any one of these is enough to match...
  match: z
    .strictObject({
      keywords: Keywords.optional(),
      interests: z.array(PrimaryInterestSchema).min(1).optional(),
      activeIncident: z.literal(true).optional(),
    })
    .optional(),
  // ...and all of these must also hold.
  require: z
    .strictObject({ sources: z.array(LeadSourceSchema).min(1).optional(), minEmployees: z.int().min(1).optional() })
    .optional(),
});

/** Which closed outcomes a resubmission reopens (see domain/reopen.ts); a stored ruleset from before this section gets the shipped file's rules. */
const ReopenRulesSchema = z.strictObject({
  recordStatuses: z.array(OutcomeStatusSchema),
  stayClosedReasons: z.array(z.string().min(1)),
  reopenStatuses: z.array(OutcomeStatusSchema),
  reopenReasons: z.array(z.string().min(1)),
}) satisfies z.ZodType<ReopenRules>;

const BlockerStatus = z.enum(BLOCKER_STATUSES);

export const RulesetSchema = z
  .strictObject({
    version: z.string().trim().min(1).max(50),
    icp: z.strictObject({
      industries: z.array(z.string().trim().toLowerCase().min(1)).min(1),
      industryAliases: z.record(z.string(), z.string()),
      sizeBands: z.array(SizeBand).min(1),
      regions: z.array(z.string().trim().toLowerCase().min(1)).min(1),
      regionAliases: z.record(z.string(), z.string()),
      regulations: Keywords,
      technology: z.strictObject({ cloud: Keywords, identityProviders: Keywords, minEndpoints: z.int().min(0) }),
    }),
    roles: z.strictObject({
      relevance: z.array(RoleGroup).min(1),
      // Titles that rarely sign off or influence procurement (reference: "over-scoring leads that lack decision access").
      limitedAccess: Keywords,
      // A senior title combined with a limited-access one ("CISO intern") is inconsistent.
      seniority: Keywords,
      disqualifying: z.array(IntentRule),
      placeholderTitles: Keywords,
    }),
    competitorDomains: z.array(z.string().trim().toLowerCase()),
    hygiene: z.strictObject({
      freeMailDomains: Keywords,
      disposableDomains: Keywords,
      phone: z.strictObject({ minDigits: z.int().min(1), maxDigits: z.int().min(1) }),
    }),
    fit: z.strictObject({ unqualifyingFlags: z.array(FitFlagCode) }),
    needs: z.array(z.strictObject({ interest: PrimaryInterestSchema, keywords: Keywords })),
    whyNowKeywords: Keywords,
    nextQuarterKeywords: Keywords,
    routing: z.strictObject({
      // Evaluated in order; the first matching rule wins, so the order is the precedence.
      rules: z.array(RoutingRule).min(1),
      fallback: z.strictObject({ team: TeamSchema, urgency: UrgencySchema }),
    }),
    sla: z.strictObject({ urgent: Duration, high: Duration, standard: Duration, reminderFraction: z.number().gt(0).lt(1) }),
    weights: z.strictObject({
      // Role relevance points come from the matching group in `roles.relevance`.
      fit: z.strictObject({ industry: Points, size: Points, region: Points, regulated: Points, technology: Points }),
      penalties: z.partialRecord(FitFlagCode, Points),
      need: z.strictObject({
        useCaseAlignment: Points, topicWording: Points, environmentDetail: Points, regulatedDriver: Points,
        needConfirmed: Points, painIdentified: Points, desiredOutcome: Points, urgentEnvironments: Points,
      }),
      stage: z.strictObject({
        activeIncident: Points, auditDate: Points, migrationDate: Points, targetDate: Points, whyNowWording: Points,
        requestedTechnicalCall: Points, replied: Points, bookedMeeting: Points, attendedMeeting: Points, topicDownload: Points,
        pageView: Points, newsletterClick: Points, genericDownload: Points,
        discoveryTimeline: Points, decisionProcess: Points, economicBuyer: Points, nextMeeting: Points,
      }),
      total: z.strictObject({ fit: z.number().min(0).max(1), need: z.number().min(0).max(1), stage: z.number().min(0).max(1) }),
    }),
    caps: z.strictObject({
      // Page views, newsletter clicks and topic-less downloads together never add more than this.
      unreliableEngagement: Points,
      // Interest without a why-now is not intent.
      stageWithoutWhyNow: Points,
      // A relevant title without decision access, until discovery maps the decision.
      limitedAccessRole: Points,
      limitedAccessTotal: Points,
    }),
    lifecycle: z.strictObject({
      mql: z.strictObject({ minTotal: Points, minFit: Points }),
      sql: z.strictObject({ requireNextMeeting: z.boolean() }),
    }),
    scoreBands: z.array(z.strictObject({ id: z.string().min(1), min: Points })).min(1),
    scope: z.strictObject({ logsRequiredFor: z.array(PrimaryInterestSchema) }),
    outcome: z.strictObject({
      nurtureMinFit: Points,
      blockerStatus: z.record(z.string(), BlockerStatus),
    }),
    engagement: z.strictObject({ responseWindow: Duration, noEngagementOutcome: z.enum(NO_ENGAGEMENT_OUTCOMES) }),
    nurture: z.strictObject({
      defaultCadence: Duration,
      auditLeadTime: Duration,
      migrationLeadTime: Duration,
      minimumDelay: Duration,
      maxCycles: z.int().min(1),
      exhaustedOutcome: OutcomeStatusSchema.exclude(['qualified', 'nurture']),
    }),
    reopen: ReopenRulesSchema.default(() => ReopenRulesSchema.parse(defaultRulesetJson.reopen)),
  })
  .superRefine((r, ctx) => {
    const sum = r.weights.total.fit + r.weights.total.need + r.weights.total.stage;
    if (Math.abs(sum - 1) > 1e-9) {
      ctx.addIssue({ code: 'custom', path: ['weights', 'total'], message: `fit + need + stage must add up to 1 (got ${sum})` });
    }
    if (!r.scoreBands.some((b) => b.min === 0)) {
      ctx.addIssue({ code: 'custom', path: ['scoreBands'], message: 'One band must start at 0 so every score has a band' });
    }
  });
export type Ruleset = z.infer<typeof RulesetSchema>;

/** A ruleset that failed validation; the message lists every offending path. */
export class RulesetError extends Error {
  override readonly name = 'RulesetError';
  constructor(readonly issues: readonly { path: string; message: string }[]) {
    super(`Invalid ruleset: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  }
}

export function parseRuleset(input: unknown): Ruleset {
  const result = RulesetSchema.safeParse(input);
  if (result.success) return result.data;
  throw new RulesetError(
    result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(root)', message: issue.message })),
  );
}

const versions = new WeakMap<Ruleset, string>();

/** `${version}+${contentHash}`: two files with the same label but different content never share a version id. */
export function rulesetVersion(r: Ruleset): string {
  const cached = versions.get(r);
  if (cached) return cached;
  const version = `${r.version}+${fnv1a64(canonicalJson(r))}`;
  versions.set(r, version);
  return version;
}

export const defaultRuleset: Ruleset = parseRuleset(defaultRulesetJson);
