/**
 * The web console at /app: the files `npm run build` put in CONSOLE_DIR, and
 * index.html for every other /app path (the console routes in the browser).
 * Hashed assets are cached for good; index.html never, so a deploy shows at once.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router, type Request, type Response } from 'express';
import { projectRoot } from '../platform/project-root';
import { problem } from './problem';

/**
 * The page's own policy: scripts, styles, images and calls from this origin only
 * (inline style attributes allowed: the charts set them). Upgrading requests to
 * HTTPS only when the console is served over HTTPS, or a plain-HTTP install
 * (a LAN address) would ask for its own scripts over HTTPS and show nothing.
 */
function contentSecurityPolicy(https: boolean): string {
  return [
    "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:", "connect-src 'self'",
    "font-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'",
    ...(https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

export function consoleRouter(consoleDir: string, options: { https: boolean }): Router {
  const router = Router();
  const root = path.resolve(projectRoot(), consoleDir);
  const index = path.join(root, 'index.html');
  const policy = contentSecurityPolicy(options.https);
  router.get('/', (_req, res) => res.redirect(302, '/app/'));
  router.use('/app/assets', express.static(path.join(root, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: false }));
  const page = (_req: Request, res: Response) => {
    if (!existsSync(index)) throw problem(503, 'The console is not built: run `npm run build`.');
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Content-Security-Policy', policy);
    res.sendFile(index);
  };
  // Two routes, not an array: the metrics label a request by its route template.
  router.get('/app', page);
  router.get('/app/{*rest}', page);
  return router;
}
