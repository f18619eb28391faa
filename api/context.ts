/**
 * Per-request context: a request id (the caller's `X-Request-Id` when it is a
 * sane token, else a new UUID) echoed on every response and bound to every log
 * line of the request, one access-log line per request, and its latency in the
 * route/status histogram.
 */
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Principal } from '../db/api-keys';
import type { Logger } from '../platform/logger';
import type { ApiMetrics } from './metrics';

declare module 'express-serve-static-core' {
  interface Request {
    requestId: string;
    log: Logger;
    /** Set by the auth middleware on /v1 routes. */
    principal?: Principal;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The matched route template (`/v1/leads/:id`), never the raw path, so metrics stay low-cardinality. */
export function routeLabel(req: Request): string {
  const route = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof route === 'string') return `${req.baseUrl}${route}`;
  return 'unmatched';
}

export function requestContext(deps: { log: Logger; metrics: ApiMetrics }) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const incoming = req.get('x-request-id');
    req.requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    req.log = deps.log.child({ requestId: req.requestId });
    res.setHeader('X-Request-Id', req.requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeLabel(req);
      deps.metrics.httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      const entry = {
        method: req.method,
        route,
        status: res.statusCode,
        durationMs: Math.round(seconds * 10_000) / 10,
        keyId: req.principal?.keyId,
      };
      if (res.statusCode >= 500) req.log.error(entry, 'request failed');
      else req.log.info(entry, 'request');
    });
    next();
  };
}
