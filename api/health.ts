import { Router } from 'express';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { pendingMigrations } from '../db/migrate';
import type { Logger } from '../platform/logger';

export interface HealthDeps {
  temporal: Client;
  namespace: string;
  pool: Pool;
  log: Logger;
}

type Check = { ok: boolean; detail?: string };

/**
 * A failed check says which part failed and how (unreachable, slow), never the
 * raw error: those name hosts, users and databases to anyone who can reach the
 * probe. The error itself goes to the log.
 */
async function timed(part: string, log: Logger, check: () => Promise<Check>, timeoutMs = 3_000): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Check>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
  });
  const failed = (error: unknown): Check => {
    log.warn({ err: error, part }, 'readiness check failed');
    return { ok: false, detail: 'unavailable' };
  };
  try {
    return await Promise.race([check().catch(failed), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** `/healthz`: the process answers. `/readyz`: Temporal, its namespace, Postgres and the schema are all usable. */
export function healthRouter(deps: HealthDeps): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const [temporal, postgres, migrations] = await Promise.all([
      timed('temporal', deps.log, async () => {
        await deps.temporal.workflowService.describeNamespace({ namespace: deps.namespace });
        return { ok: true, detail: `namespace ${deps.namespace}` };
      }),
      timed('postgres', deps.log, async () => {
        await deps.pool.query('SELECT 1');
        return { ok: true };
      }),
      timed('migrations', deps.log, async () => {
        const pending = await pendingMigrations(deps.pool);
        return pending.length === 0 ? { ok: true } : { ok: false, detail: `pending: ${pending.join(', ')}` };
      }),
    ]);
    const checks = { temporal, postgres, migrations };
    const ready = Object.values(checks).every((c) => c.ok);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
  });
  return router;
}
