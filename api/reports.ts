/** `GET /v1/reports/funnel` (manager): the funnel over leads created in a time range (default: the last 30 days). */
import { Router } from 'express';
import { funnelReport } from '../db/reports';
import { requireRole } from './auth';
import type { RouterDeps } from './leads';
import { problem } from './problem';
import { FunnelQuerySchema, type FunnelReport } from './schemas';
import { query } from './validate';

const DEFAULT_RANGE_MS = 30 * 86_400_000;

export function reportsRouter(deps: RouterDeps): Router {
  const router = Router();
  router.get('/v1/reports/funnel', requireRole('manager'), async (req, res) => {
    const q = query(req, FunnelQuerySchema);
    const to = q.to ? new Date(q.to) : new Date();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - DEFAULT_RANGE_MS);
    if (from.getTime() >= to.getTime()) throw problem(400, 'from must be before to.', { errors: [{ field: 'to', message: 'Must be after from' }] });
    const range = { from: from.toISOString(), to: to.toISOString() };
    const filters = { ...(q.team ? { team: q.team } : {}), ...(q.source ? { source: q.source } : {}), ...(q.rulesetVersion ? { rulesetVersion: q.rulesetVersion } : {}) };
    const funnel = await funnelReport(deps.pool, { ...range, ...filters });
    const report: FunnelReport = { range, filters, ...funnel };
    res.json(report);
  });
  return router;
}
