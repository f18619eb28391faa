// Placeholder on main until the zod-free guards land: same signatures, backed by zod.
import type { z } from 'zod';
import { CommercialSchema, DiscoverySchema, DisqualifySchema, EngagementEventSchema, LeadIntakeSchema, ScopeSchema } from './schemas';
import type { CommercialFindings, Discovery, DisqualifyRequest, EngagementEvent, LeadIntake, ScopeFindings } from './schemas';

export type GuardResult<T> = { ok: true; value: T } | { ok: false; issues: Array<{ path: string; message: string }> };

function guard<T>(schema: z.ZodType<T>) {
  return (value: unknown): GuardResult<T> => {
    const parsed = schema.safeParse(value);
    if (parsed.success) return { ok: true, value: parsed.data };
    return { ok: false, issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })) };
  };
}

export const parseDiscovery = guard<Discovery>(DiscoverySchema);
export const parseScope = guard<ScopeFindings>(ScopeSchema);
export const parseCommercial = guard<CommercialFindings>(CommercialSchema);
export const parseDisqualify = guard<DisqualifyRequest>(DisqualifySchema);
export const parseEngagementEvent = guard<EngagementEvent>(EngagementEventSchema);
export const parseLeadIntake = guard<LeadIntake>(LeadIntakeSchema);
