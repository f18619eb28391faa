/**
 * Browser tests get services of their own (a Temporal dev server and a fresh
 * PostgreSQL database), so routing is decided by this project's reps only, and
 * the console built from the current sources.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { startTestServices } from '../support/global-setup';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');

export default async function browserGlobalSetup(): Promise<void> {
  const [services] = await Promise.all([
    startTestServices('leadgate_browser'),
    // jest sets NODE_ENV=test, which would make Vite bundle React's development build: test what ships.
    run(path.join(root, 'node_modules/.bin/vite'), ['build', 'web', '--logLevel', 'warn'], { cwd: root, env: { ...process.env, NODE_ENV: 'production' } }),
  ]);
  process.env.LEADGATE_BROWSER_TEMPORAL_ADDRESS = services.temporalAddress;
  process.env.LEADGATE_BROWSER_DATABASE_URL = services.databaseUrl;
}
