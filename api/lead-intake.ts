/**
 * `GET /v1/leads/{id}/intake`: what the lead submitted — company, contact,
 * message, environment — for the rep who owns the lead (or a manager). The lead
 * view carries decisions; this carries the person and company to call.
 */
import { Router } from 'express';
import { leadIntake } from '../db/lead-intake';
import { assertCanActOn, principalOf, requireRole } from './auth';
import { leadIdParam, type RouterDeps } from './leads';
import { problem } from './problem';

export function leadIntakeRouter(deps: RouterDeps): Router {
  const router = Router();
  router.get('/v1/leads/:id/intake', requireRole('rep', 'manager'), async (req, res) => {
    const found = await leadIntake(deps.pool, leadIdParam(req));
    if (!found) throw problem(404, 'No such lead.');
    assertCanActOn(principalOf(req), found.owner);
    res.json(found.intake);
  });
  return router;
}
