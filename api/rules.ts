/**
 * Rules (manager): the active ruleset, and "what would this candidate ruleset
 * have decided for these past leads, against what was decided?" — the domain's
 * own decisions run over leads from the read model, nothing is written.
 */
import { Router } from 'express';
import { parseRuleset, RulesetError, simulate, type RecordedLead, type Ruleset } from '../domain';
import { pastLeads } from '../db/lead-queries';
import { activeRuleset } from '../db/rulesets';
import { requireRole } from './auth';
import type { RouterDeps } from './leads';
import { invalid } from './problem';
import { MAX_SIMULATION_LEADS, SimulateRequestEnvelopeSchema } from './schemas';
import { jsonBody } from './validate';

export function rulesRouter(deps: RouterDeps): Router {
  const router = Router();

  router.get('/v1/rules/active', requireRole('manager'), async (_req, res) => {
    const active = await activeRuleset(deps.pool);
    res.json({ version: active.version, ruleset: active.ruleset });
  });

  router.post('/v1/rules/simulate', requireRole('manager'), async (req, res) => {
    const body = jsonBody(req, SimulateRequestEnvelopeSchema);
    const candidate = candidateRuleset(body.ruleset);
    const ids = body.leads.ids ? [...new Set(body.leads.ids)] : null;
    const selection = ids ? { ids } : { from: body.leads.from!, to: body.leads.to!, limit: body.leads.limit ?? MAX_SIMULATION_LEADS };
    const [{ leads, truncated }, active] = await Promise.all([pastLeads(deps.pool, selection), activeRuleset(deps.pool)]);
    const recorded: RecordedLead[] = leads.map((l) => ({ ...l }));
    const report = simulate(candidate, recorded);
    const found = new Set(leads.map((l) => l.leadId));
    const withFindings = new Set(leads.filter((l) => l.discovery).map((l) => l.leadId));
    const missing = ids ? ids.filter((id) => !found.has(id)) : [];
    res.json({
      rulesetVersion: report.rulesetVersion,
      activeRulesetVersion: active.version,
      selection: { requested: ids ? ids.length : leads.length, found: leads.length, missing, truncated },
      totals: report.totals,
      leads: report.leads.map((l) => ({ ...l, hadFindings: withFindings.has(l.leadId) })),
    });
  });

  return router;
}

/** The domain's own check of a ruleset sent in a body; its errors name paths under `ruleset`. */
export function candidateRuleset(raw: unknown): Ruleset {
  try {
    return parseRuleset(raw);
  } catch (error) {
    if (!(error instanceof RulesetError)) throw error;
    throw invalid('The candidate ruleset is not valid.', error.issues.map((i) => ({ field: i.path === '(root)' ? 'ruleset' : `ruleset.${i.path}`, message: i.message })));
  }
}
