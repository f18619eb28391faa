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

export function consoleRouter(consoleDir: string): Router {
  const router = Router();
  const root = path.resolve(projectRoot(), consoleDir);
  const index = path.join(root, 'index.html');
  router.get('/', (_req, res) => res.redirect(302, '/app/'));
  router.use('/app/assets', express.static(path.join(root, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: false }));
  const page = (_req: Request, res: Response) => {
    if (!existsSync(index)) throw problem(503, 'The console is not built: run `npm run build`.');
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  };
  // Two routes, not an array: the metrics label a request by its route template.
  router.get('/app', page);
  router.get('/app/{*rest}', page);
  return router;
}
