/** Parsing requests with zod: bodies (415/400/422), queries and headers (400). */
import type { Request } from 'express';
import type { z } from 'zod';
import { fieldErrors, invalid, problem } from './problem';

/** A JSON body parsed by `schema`: 415 when it is not JSON, 400 when it is missing, 422 listing each failing field. */
export function jsonBody<S extends z.ZodType>(req: Request, schema: S): z.output<S> {
  if (!req.is('application/json')) {
    throw problem(415, `Send the body as application/json (got ${req.get('content-type') ?? 'no Content-Type'}).`);
  }
  if (req.body === undefined || isEmptyBody(req)) throw problem(400, 'A JSON body is required.');
  const parsed = schema.safeParse(req.body);
  if (!parsed.success) throw invalid('The request body has invalid fields.', fieldErrors(parsed.error));
  return parsed.data;
}

function isEmptyBody(req: Request): boolean {
  return req.get('content-length') === '0' && req.get('transfer-encoding') === undefined;
}

/** A body is optional here, but when one is sent it must be JSON (an empty object is the same as none). */
export function optionalJsonBody<S extends z.ZodType>(req: Request, schema: S): z.output<S> {
  const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
  if (!hasBody) {
    const parsed = schema.safeParse({});
    if (parsed.success) return parsed.data;
  }
  return jsonBody(req, schema);
}

/** Query parameters parsed by a strict schema: an unknown or repeated parameter is a 400, never ignored. */
export function query<S extends z.ZodType>(req: Request, schema: S): z.output<S> {
  const raw = req.query as Record<string, unknown>;
  const repeated = Object.entries(raw).filter(([, v]) => Array.isArray(v) || (typeof v === 'object' && v !== null));
  if (repeated.length > 0) {
    throw problem(400, 'Each query parameter may appear once.', {
      errors: repeated.map(([k]) => ({ field: k, message: 'Give this parameter once, as a plain value' })),
    });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw problem(400, 'The query has invalid parameters.', { errors: fieldErrors(parsed.error) });
  return parsed.data;
}
