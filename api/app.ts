import express, { type Express } from 'express';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { Config } from '../config/config';
import type { Logger } from '../platform/logger';
import { healthRouter } from './health';
import { problem, problemHandler } from './problem';

export interface AppDeps {
  temporal: Client;
  namespace: string;
  taskQueue: string;
  pool: Pool;
  log: Logger;
  config: Config;
}

/** Builds the HTTP app without listening, so tests drive it directly. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(healthRouter(deps));
  app.use((_req, _res, next) => next(problem(404, 'No such resource.')));
  app.use(problemHandler(deps.log));
  return app;
}
