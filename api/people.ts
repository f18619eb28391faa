/**
 * People (manager): the reps with their load against capacity (`/v1/reps`) and
 * the console logins (`/v1/users`). Adding a login answers with a generated
 * password, shown once; deactivating a login ends its sessions, deactivating a
 * rep takes them out of routing.
 */
import { Router } from 'express';
import { deactivateRep, repExists, teamLoad } from '../db/people';
import { upsertRep } from '../db/reps';
import { sessionKeyId } from '../db/sessions';
import { createUser, deactivateUser, generatePassword, listUsers, UserError } from '../db/users';
import { principalOf, requireRole } from './auth';
import { NewRepSchema, NewUserSchema } from './console-schemas';
import type { RouterDeps } from './leads';
import { invalid, problem } from './problem';
import { jsonBody } from './validate';

export function peopleRouter(deps: RouterDeps): Router {
  const router = Router();
  const manager = requireRole('manager');

  router.get('/v1/reps', manager, async (_req, res) => {
    res.json({ items: await teamLoad(deps.pool) });
  });

  router.post('/v1/reps', manager, async (req, res) => {
    const rep = jsonBody(req, NewRepSchema);
    if (await repExists(deps.pool, rep.repId)) throw invalid('A rep with this id already exists.', [{ field: 'repId', message: 'Already taken' }]);
    await upsertRep(deps.pool, { ...rep, email: rep.email ?? null });
    req.log.info({ repId: rep.repId, team: rep.team }, 'rep added');
    res.status(201).json(rep);
  });

  router.post('/v1/reps/:repId/deactivate', manager, async (req, res) => {
    const repId = String(req.params.repId);
    if (!(await deactivateRep(deps.pool, repId))) throw problem(404, 'No active rep with this id.');
    res.json({ repId, active: false });
  });

  router.get('/v1/users', manager, async (_req, res) => {
    res.json({ items: await listUsers(deps.pool) });
  });

  router.post('/v1/users', manager, async (req, res) => {
    const input = jsonBody(req, NewUserSchema);
    const password = generatePassword();
    try {
      const user = await createUser(deps.pool, { ...input, password, createdBy: principalOf(req).keyId }, deps.config.PASSWORD_HASH_COST);
      req.log.info({ userId: user.userId, role: user.role }, 'login added');
      res.setHeader('Cache-Control', 'no-store');
      res.status(201).json({ user, password });
    } catch (error) {
      if (error instanceof UserError) throw invalid('The login cannot be created.', [{ field: error.field, message: error.message }]);
      throw error;
    }
  });

  router.post('/v1/users/:userId/deactivate', manager, async (req, res) => {
    const userId = String(req.params.userId);
    // A manager locking themselves out would leave nobody to undo it from the console.
    if (principalOf(req).keyId === sessionKeyId(userId)) throw problem(409, 'You cannot deactivate your own login; ask another manager.', { reason: 'own_login' });
    if (!/^u_[0-9a-f]{16}$/.test(userId) || !(await deactivateUser(deps.pool, userId))) throw problem(404, 'No active login with this id.');
    res.json({ userId, active: false });
  });

  return router;
}
