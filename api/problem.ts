import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';
import { isDatabaseUnavailable, isUnstorableText } from '../db/errors';

/** RFC 9457 problem details; `errors` lists each failing field; `requestId` finds the request in the logs. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  requestId?: string;
  [extension: string]: unknown;
}

export interface FieldError {
  field: string;
  message: string;
}

export class HttpProblem extends Error {
  constructor(
    readonly problem: Problem,
    /** Response headers that belong with the problem (`WWW-Authenticate`, `Retry-After`). */
    readonly headers: Record<string, string> = {},
  ) {
    super(problem.detail ?? problem.title);
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not found', 405: 'Method not allowed', 409: 'Conflict',
  413: 'Payload too large', 415: 'Unsupported media type', 422: 'Unprocessable content', 429: 'Too many requests',
  500: 'Internal error', 503: 'Service unavailable', 504: 'Gateway timeout',
};

export function problem(status: number, detail?: string, extra: Partial<Problem> = {}, headers: Record<string, string> = {}): HttpProblem {
  const title = TITLES[status] ?? 'Error';
  const type = `https://leadgate.dev/problems/${title.toLowerCase().replace(/\s+/g, '-')}`;
  return new HttpProblem({ type, title, status, ...(detail ? { detail } : {}), ...extra }, headers);
}

/** One entry per failing field, the path written the way the request spells it (`contact.email`, `contacts.0.role`). */
export function fieldErrors(error: z.ZodError, prefix = ''): FieldError[] {
  return error.issues.flatMap((issue) => {
    const base = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    // An unknown field is reported at the field itself, so a client sees which key to drop.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: [base, key].filter(Boolean).join('.'), message: 'Unknown field' }));
    }
    return [{ field: base || '(body)', message: issue.message }];
  });
}

/**
 * The one answer for a lead the caller cannot see: missing, malformed id, or
 * owned by another rep all read the same, so a rep learns nothing about which
 * leads exist.
 */
export function leadNotFound(): HttpProblem {
  return problem(404, 'No such lead.');
}

/** 422 listing each failing field. */
export function invalid(detail: string, errors: FieldError[]): HttpProblem {
  return problem(422, detail, { errors });
}

export function sendProblem(req: Request, res: Response, p: Problem, headers: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res
    .status(p.status)
    .type('application/problem+json')
    .json({ ...p, instance: p.instance ?? req.originalUrl, ...(req.requestId ? { requestId: req.requestId } : {}) });
}

/** Body-parser errors carry `status` and `type`; map them, never passing their internals on. */
function fromParserError(error: { status?: number; type?: string; message?: string }): HttpProblem | null {
  switch (error.type) {
    case 'entity.parse.failed':
      return problem(400, 'Request body is not valid JSON.');
    case 'entity.too.large':
      return problem(413, 'Request body exceeds the size limit.');
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return problem(415, 'Unsupported body encoding or charset; send UTF-8.');
    case 'request.aborted':
      return problem(400, 'Request body was not received completely.');
    default:
      break;
  }
  if (error.status === 413) return problem(413, 'Request body exceeds the size limit.');
  if (error.status && error.status >= 400 && error.status < 500) return problem(error.status, 'The request could not be read.');
  return null;
}

/** PostgreSQL down or not answering: the caller may retry; nothing was half-written (every write is one transaction). */
const DATABASE_UNAVAILABLE = () => problem(503, 'The database is not reachable right now; retry shortly.', {}, { 'Retry-After': '5' });

/** The last middleware: known problems as they are, body-parser errors and database outages mapped, anything else a 500 without internals. */
export function problemHandler(fallbackLog: { error: (obj: object, msg: string) => void }) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    if (error instanceof HttpProblem) return sendProblem(req, res, error.problem, error.headers);
    const mapped = fromParserError(error as { status?: number; type?: string });
    if (mapped) return sendProblem(req, res, mapped.problem);
    // Checked at the door for every field LeadGate knows; this catches text in any other place (nothing was written).
    if (isUnstorableText(error) && !res.headersSent) {
      return sendProblem(req, res, problem(422, 'The request carries text that cannot be stored (a NUL character or an invalid byte sequence).').problem);
    }
    if (isDatabaseUnavailable(error)) {
      (req.log ?? fallbackLog).error({ err: error }, 'database unavailable');
      if (res.headersSent) return void res.end();
      const unavailable = DATABASE_UNAVAILABLE();
      return sendProblem(req, res, unavailable.problem, unavailable.headers);
    }
    (req.log ?? fallbackLog).error({ err: error }, 'unhandled error');
    if (res.headersSent) return void res.end();
    sendProblem(req, res, problem(500, 'Something went wrong on our side; the request id identifies it in the logs.').problem);
  };
}
