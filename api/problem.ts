import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';

/** RFC 9457 problem details; `errors` lists each failing field. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: Array<{ field: string; message: string }>;
  [extension: string]: unknown;
}

export class HttpProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not found', 409: 'Conflict', 413: 'Payload too large',
  415: 'Unsupported media type', 422: 'Unprocessable content', 429: 'Too many requests', 500: 'Internal error', 503: 'Service unavailable',
};

export function problem(status: number, detail?: string, extra: Partial<Problem> = {}): HttpProblem {
  const title = TITLES[status] ?? 'Error';
  const type = `https://leadgate.dev/problems/${title.toLowerCase().replace(/\s+/g, '-')}`;
  return new HttpProblem({ type, title, status, ...(detail ? { detail } : {}), ...extra });
}

export function fieldErrors(error: z.ZodError, prefix = ''): Array<{ field: string; message: string }> {
  return error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(body)',
    message: issue.message,
  }));
}

export function sendProblem(res: Response, p: Problem): void {
  res.status(p.status).type('application/problem+json').json(p);
}

/** The last middleware: known problems as they are, body-parser errors mapped, anything else a 500 without internals. */
export function problemHandler(log: { error: (obj: object, msg: string) => void }) {
  return (error: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    if (error instanceof HttpProblem) return sendProblem(res, error.problem);
    const status = (error as { status?: number; type?: string }).status;
    if (status === 413) return sendProblem(res, problem(413, 'Request body exceeds the size limit.').problem);
    if (status === 400 && (error as { type?: string }).type === 'entity.parse.failed') {
      return sendProblem(res, problem(400, 'Request body is not valid JSON.').problem);
    }
    if (status && status >= 400 && status < 500) return sendProblem(res, problem(status, (error as Error).message).problem);
    log.error({ err: error }, 'unhandled error');
    sendProblem(res, problem(500, 'Something went wrong on our side; the request id identifies it in the logs.').problem);
  };
}
