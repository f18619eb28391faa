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
    run(path.join(root, 'node_modules/.bin/vite'), ['build', 'web', '--logLevel', 'warn'], { cwd: root }),
  ]);
  process.env.LEADGATE_BROWSER_TEMPORAL_ADDRESS = services.temporalAddress;
  process.env.LEADGATE_BROWSER_DATABASE_URL = services.databaseUrl;
}
