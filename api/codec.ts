/**
 * The Temporal UI / CLI remote codec protocol, so an operator sees decrypted
 * payloads in the Temporal UI (and `temporal workflow show --codec-endpoint`)
 * while the server itself only ever stores ciphertext:
 *
 *   POST /codec/decode, POST /codec/encode
 *   body {"payloads": [{"metadata": {"encoding": "<base64>"}, "data": "<base64>"}]}
 *
 * Manager keys only (prospect data is behind it), presented as
 * `Authorization: Bearer <key>` (CLI, scripts) or, for the browser, as an
 * HttpOnly cookie set once at `/codec/login`: the Temporal UI cannot attach a
 * header of ours, but sends cookies when its codec setting includes
 * credentials. Browsers at the configured Temporal UI origins may call it
 * (CORS, credentials allowed); `X-Namespace` must name the namespace this API
 * serves when it is sent.
 */
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { Pool } from 'pg';
import { z } from 'zod';
import { authenticateKey } from '../db/api-keys';
import { problem } from './problem';
import { jsonBody } from './validate';

export interface CodecDeps {
  codec: PayloadCodec;
  pool: Pool;
  namespace: string;
  allowedOrigins: readonly string[];
}

/** Remote-codec bodies carry whole histories' worth of payloads at times; far below anything abusive still. */
const CODEC_BODY_LIMIT = '4mb';
const MAX_PAYLOADS = 10_000;

const base64 = z.string().max(4 * 1024 * 1024).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'Must be base64');
const PayloadsSchema = z.strictObject({
  payloads: z
    .array(z.object({ metadata: z.record(z.string().max(256), base64).optional(), data: base64.optional() }))
    .max(MAX_PAYLOADS),
});

const fromWire = (p: z.infer<typeof PayloadsSchema>['payloads'][number]): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});

const toWire = (p: Payload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')])),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

function cors(allowedOrigins: readonly string[]) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const origin = req.get('origin');
    res.setHeader('Vary', 'Origin');
    if (origin && allowedOrigins.includes(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, X-Namespace');
      res.setHeader('Access-Control-Max-Age', '600');
      // The UI reads the response from another origin; helmet's same-origin default would hide it.
      res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    }
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  };
}

const COOKIE = 'leadgate_codec';
const COOKIE_MAX_AGE_S = 8 * 3600;

/** The manager key from the Authorization header, else from the codec cookie. */
function presentedKey(req: Request): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '')?.[1];
  if (bearer) return bearer;
  const cookie = (req.get('cookie') ?? '').split(';').map((c) => c.trim()).find((c) => c.startsWith(`${COOKIE}=`));
  return cookie ? decodeURIComponent(cookie.slice(COOKIE.length + 1)) : undefined;
}

function managerOnly(pool: Pool) {
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    if (req.path === '/login') return next();
    const key = presentedKey(req);
    const challenge = { 'WWW-Authenticate': 'Bearer realm="leadgate-codec"' };
    if (!key) throw problem(401, 'The codec needs a manager key: Authorization: Bearer <key>, or sign in at /codec/login.', {}, challenge);
    const principal = await authenticateKey(pool, key);
    if (!principal) throw problem(401, 'The API key is not valid (unknown or revoked).', {}, challenge);
    if (principal.role !== 'manager') throw problem(403, `The codec needs a manager key; this key's role is ${principal.role}.`);
    req.principal = principal;
    req.log = req.log.child({ keyId: principal.keyId, role: principal.role });
    next();
  };
}

const LOGIN_PAGE = `<!doctype html><meta charset="utf-8"><title>LeadGate codec sign-in</title>
<form method="post" action="/codec/login"><p>Manager key, so the Temporal UI can show decrypted lead data:</p>
<input name="key" type="password" autocomplete="off" size="70" required> <button>Sign in</button></form>`;

export function codecRouter(deps: CodecDeps): Router {
  const router = Router();
  router.use('/codec', cors(deps.allowedOrigins));
  router.use('/codec', managerOnly(deps.pool));
  router.use('/codec', (req, _res, next) => {
    // The CLI sends an empty X-Namespace when none was given: only a named other namespace is refused.
    const namespace = req.get('x-namespace');
    if (namespace && namespace !== deps.namespace) {
      throw problem(400, `This codec serves namespace "${deps.namespace}" only.`, { errors: [{ field: 'X-Namespace', message: 'Unknown namespace' }] });
    }
    next();
  });
  router.use('/codec', express.json({ limit: CODEC_BODY_LIMIT, strict: true }));
  router.get('/codec/login', (_req, res) => {
    res.type('html').send(LOGIN_PAGE);
  });
  router.post('/codec/login', express.urlencoded({ extended: false, limit: '2kb' }), async (req, res) => {
    const key = typeof req.body?.key === 'string' ? req.body.key.trim() : '';
    const principal = key ? await authenticateKey(deps.pool, key) : null;
    if (!principal || principal.role !== 'manager') throw problem(401, 'That is not a valid manager key.');
    // HttpOnly: no script reads it; SameSite=Strict: only pages on this site (the UI on another port counts) send it.
    res.cookie(COOKIE, key, { httpOnly: true, sameSite: 'strict', path: '/codec', maxAge: COOKIE_MAX_AGE_S * 1000, secure: req.secure });
    req.log.info({ keyId: principal.keyId }, 'codec sign-in');
    res.type('text').send('Signed in: the Temporal UI on this machine now shows decrypted payloads for 8 hours.\n');
  });

  const handle = (transform: (payloads: Payload[]) => Promise<Payload[]>, failure: string) => async (req: Request, res: Response) => {
    const { payloads } = jsonBody(req, PayloadsSchema);
    let result: Payload[];
    try {
      result = await transform(payloads.map(fromWire));
    } catch {
      // The codec's reason (unknown key id, failed authentication tag) stays out of the answer and the logs.
      throw problem(422, failure);
    }
    res.json({ payloads: result.map(toWire) });
  };
  router.post('/codec/decode', handle((p) => deps.codec.decode(p), 'A payload could not be decrypted: it was written with a key this server does not hold, or it was altered.'));
  router.post('/codec/encode', handle((p) => deps.codec.encode(p), 'The payloads could not be encrypted.'));
  return router;
}
