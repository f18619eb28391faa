/**
 * Leads: intake (`POST /v1/leads`, idempotent), one lead (`GET /v1/leads/{id}`)
 * and pages of leads (`GET /v1/leads`, filters, keyset cursor in created_at,
 * lead id order).
 */
import { createHash } from 'node:crypto';
import { Router, type Request } from 'express';
import { canonicalJson, LeadIntakeSchema } from '../domain';
import { listLeads } from '../db/lead-queries';
import type { AppDeps } from './app';
import { assertCanActOn, principalOf, requireRole } from './auth';
import { submitIntake } from './intake';
import { leadDetail } from './lead-store';
import type { ApiMetrics } from './metrics';
import { leadNotFound, problem } from './problem';
import { intakeLimit } from './rate-limit';
import { decodeCursor, encodeCursor, LeadIdSchema, LeadListQuerySchema, type IntakeStatus } from './schemas';
import { jsonBody, query } from './validate';

export type RouterDeps = AppDeps & { metrics: ApiMetrics };

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** The path parameter as a lead id; anything that cannot be one is a lead that does not exist. */
export function leadIdParam(req: Request): string {
  const parsed = LeadIdSchema.safeParse(req.params.id);
  if (!parsed.success) throw leadNotFound();
  return parsed.data;
}

export function leadsRouter(deps: RouterDeps): Router {
  const router = Router();

  router.post('/v1/leads', requireRole('intake', 'manager'), intakeLimit(deps.pool, deps.config), async (req, res) => {
    const intake = jsonBody(req, LeadIntakeSchema);
    const header = req.get('idempotency-key');
    if (header !== undefined && !IDEMPOTENCY_KEY.test(header)) {
      throw problem(400, 'Idempotency-Key must be 1-255 visible ASCII characters.', { errors: [{ field: 'Idempotency-Key', message: 'Invalid header value' }] });
    }
    const idempotency = header === undefined
      ? undefined
      // Keys are the caller's own namespace: two tools choosing the same key never collide.
      : { key: `${principalOf(req).keyId}:${header}`, requestHash: createHash('sha256').update(canonicalJson(intake)).digest('hex') };
    const outcome = await submitIntake(deps, intake, idempotency);
    if (outcome.replayed && !outcome.sameRequest) {
      deps.metrics.intakeSubmissions.inc({ status: 'invalid' });
      throw problem(422, 'This Idempotency-Key was already used with a different request body.', {
        errors: [{ field: 'Idempotency-Key', message: 'Reused with a different body' }],
      });
    }
    const result: { leadId: string; status: IntakeStatus } = outcome.replayed ? { leadId: outcome.leadId, status: 'duplicate' } : { leadId: outcome.leadId, status: outcome.status };
    deps.metrics.intakeSubmissions.inc({ status: result.status });
    if (result.status === 'accepted') deps.metrics.leadsStarted.inc({ via: 'post' });
    req.log.info({ leadId: result.leadId, status: result.status }, 'lead submitted');
    res.status(202).location(`/v1/leads/${result.leadId}`).json(result);
  });

  router.get('/v1/leads', requireRole('rep', 'manager'), async (req, res) => {
    const principal = principalOf(req);
    const q = query(req, LeadListQuerySchema);
    if (principal.role === 'rep') {
      if (q.owner !== undefined && q.owner !== principal.repId) throw problem(403, 'A rep key lists its own leads only.');
      q.owner = principal.repId ?? undefined;
    }
    const { cursor, limit, ...filters } = q;
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    if (after === null) throw problem(400, 'The cursor is not one this API issued.', { errors: [{ field: 'cursor', message: 'Invalid cursor' }] });
    const page = await listLeads(deps.pool, filters, limit, after);
    res.json({ items: page.items, nextCursor: page.next ? encodeCursor(page.next) : null });
  });

  router.get('/v1/leads/:id', requireRole('rep', 'manager'), async (req, res) => {
    const leadId = leadIdParam(req);
    const { view, source } = await leadDetail(deps, leadId);
    assertCanActOn(principalOf(req), view.owner);
    res.setHeader('X-Lead-State-Source', source);
    res.json(view);
  });

  return router;
}
