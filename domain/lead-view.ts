/**
 * The lead as LeadGate shows it: the workflow's `getLeadState` query, the
 * Update results, the read model row and the API's `GET /v1/leads/{id}` all
 * have this one shape.
 */
import { z } from 'zod';
import {
  HandoffChecklistSchema,
  LifecycleSchema,
  OutcomeSchema,
  ReasonSchema,
  StageSchema,
  TeamSchema,
  UrgencySchema,
} from './schemas';

const isoDateTime = z.iso.datetime({ offset: true });

export const LeadEventSchema = z.object({
  seq: z.int().min(0),
  type: z.string(),
  stage: StageSchema,
  at: isoDateTime,
  actor: z.string().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
  reasons: z.array(ReasonSchema).optional(),
});
export type LeadEvent = z.infer<typeof LeadEventSchema>;

export const ScoresViewSchema = z.object({
  fit: z.number(),
  need: z.number(),
  stage: z.number(),
  total: z.number(),
  reasons: z.array(ReasonSchema),
});

export const RouteViewSchema = z.object({
  team: TeamSchema,
  urgency: UrgencySchema,
  escalated: z.boolean(),
  slaDueAt: isoDateTime,
  reminderAt: isoDateTime,
  reasons: z.array(ReasonSchema),
});

export const SlaViewSchema = z.object({
  dueAt: isoDateTime,
  reminderSentAt: isoDateTime.nullable(),
  escalatedAt: isoDateTime.nullable(),
  breached: z.boolean(),
});

export const LeadViewSchema = z.object({
  leadId: z.string(),
  companyName: z.string(),
  domain: z.string(),
  stage: StageSchema,
  lifecycle: LifecycleSchema,
  cycle: z.int().min(0),
  scores: ScoresViewSchema.nullable(),
  fitFlags: z.array(ReasonSchema),
  route: RouteViewSchema.nullable(),
  owner: z.string().nullable(),
  sla: SlaViewSchema.nullable(),
  outcome: OutcomeSchema.nullable(),
  handoff: HandoffChecklistSchema.nullable(),
  nurture: z.object({ reengageAt: isoDateTime, cycle: z.int().min(0) }).nullable(),
  rulesetVersion: z.string().nullable(),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
  events: z.array(LeadEventSchema),
});
export type LeadView = z.infer<typeof LeadViewSchema>;
