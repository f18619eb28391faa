/**
 * Publishing rules (manager): `POST /v1/rules` validates a ruleset with the
 * domain's parser and makes it the active one; `GET /v1/rules/publications`
 * says who published which version when. New qualification cycles load the
 * active ruleset; a lead keeps the version that decided it.
 */
import { Router } from 'express';
import { listPublications, publishRuleset } from '../db/rulesets';
import { principalOf, requireRole } from './auth';
import { PublishRequestSchema } from './console-schemas';
import type { RouterDeps } from './leads';
import { candidateRuleset } from './rules';
import { jsonBody } from './validate';

export function rulesPublishRouter(deps: RouterDeps): Router {
  const router = Router();

  router.post('/v1/rules', requireRole('manager'), async (req, res) => {
    const ruleset = candidateRuleset(jsonBody(req, PublishRequestSchema).ruleset);
    const publication = await publishRuleset(deps.pool, ruleset, principalOf(req).keyId);
    req.log.info({ rulesetVersion: publication.version }, 'ruleset published');
    res.status(201).location('/v1/rules/active').json(publication);
  });

  router.get('/v1/rules/publications', requireRole('manager'), async (_req, res) => {
    res.json({ items: await listPublications(deps.pool) });
  });

  return router;
}
