import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { Pool } from 'pg';
import type { Config } from '../config/config';
import type { Logger } from '../platform/logger';
import { authenticate, requireRole } from './auth';
import { codecRouter } from './codec';
import { requestContext } from './context';
import { healthRouter } from './health';
import { leadActionsRouter } from './lead-actions';
import { importRouter } from './lead-import';
import { leadsRouter } from './leads';
import { createMetrics, metricsRouter, type ApiMetrics } from './metrics';
import { openApiRouter } from './openapi';
import { problem, problemHandler } from './problem';
import { authenticateWithinBudgets, perIpLimit } from './rate-limit';
import { reportsRouter } from './reports';
import { rulesRouter } from './rules';
import { consoleRouter } from './console';
import { leadIntakeRouter } from './lead-intake';
import { peopleRouter } from './people';
import { rulesPublishRouter } from './rules-publish';
import { sessionRouter } from './session';

export interface AppDeps {
  temporal: Client;
  namespace: string;
  taskQueue: string;
  pool: Pool;
  log: Logger;
  config: Config;
  /** One registry per app; production passes one with the process's default metrics. */
  metrics?: ApiMetrics;
  /** Serves the remote codec (/codec/*) for operators when given: the same codec the Temporal client encrypts with. */
  payloadCodec?: PayloadCodec;
}

/** JSON bodies: generous for a discovery call with many contacts, far below anything abusive. */
export const JSON_BODY_LIMIT = '256kb';

/** Builds the HTTP app without listening, so tests drive it directly. */
export function createApp(deps: AppDeps): Express {
  const metrics = deps.metrics ?? createMetrics({ pool: deps.pool });
  const routerDeps = { ...deps, metrics };
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(requestContext({ log: deps.log, metrics }));
  app.use(helmet());
  app.use(healthRouter(deps));
  // Metrics name routes and volumes: on the API port they need a manager key; METRICS_PORT moves them to a listener of their own.
  if (deps.config.METRICS_PORT === undefined) app.use(metricsRouter(metrics, [authenticate(deps.pool), requireRole('manager')]));
  app.use(openApiRouter());
  // Each client address has a budget on everything that touches the database or Temporal, whatever the key (/v1's below).
  app.use('/codec', perIpLimit(deps.pool, deps.config));
  if (deps.payloadCodec) {
    app.use(codecRouter({ codec: deps.payloadCodec, pool: deps.pool, namespace: deps.namespace, allowedOrigins: deps.config.CODEC_CORS_ORIGINS }));
  }
  app.use(consoleRouter(deps.config.CONSOLE_DIR, { https: deps.config.SESSION_COOKIE_SECURE }));
  // Signing in is the one /v1 call made without credentials.
  app.use(sessionRouter(routerDeps));

  // Every /v1 route: a valid key and the budgets of its address and key (before any body is read), then JSON bodies within the limit.
  app.use('/v1', authenticateWithinBudgets(deps.pool, deps.config));
  app.use('/v1', express.json({ limit: JSON_BODY_LIMIT, strict: true, type: ['application/json', 'application/*+json'] }));
  app.use(importRouter(routerDeps));
  app.use(leadsRouter(routerDeps));
  app.use(leadActionsRouter(routerDeps));
  app.use(reportsRouter(routerDeps));
  app.use(rulesRouter(routerDeps));
  app.use(rulesPublishRouter(routerDeps));
  app.use(peopleRouter(routerDeps));
  app.use(leadIntakeRouter(routerDeps));

  app.use((req, _res, next) => next(problem(404, `No resource at ${req.method} ${req.path}.`)));
  app.use(problemHandler(deps.log));
  return app;
}
