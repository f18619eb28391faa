/**
 * The embedded cluster's password, kept apart from the cluster code so
 * anything (tools, tests) can read it without loading the server package.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** What clusters initialised before passwords were generated use, and what throwaway clusters may use. */
export const FIXED_LOCAL_PASSWORD = 'leadgate-local';
const PASSWORD_FILE = 'postgres-password';

/**
 * The password of the cluster kept under `dataDir`: it listens on loopback,
 * but every local user can reach loopback, so a new cluster gets a random
 * password, written beside its data folder (owner-only) and never logged. A
 * cluster initialised before keeps the fixed password it was created with.
 */
export function embeddedPostgresPassword(dataDir: string): string {
  const file = path.join(path.dirname(path.resolve(dataDir)), PASSWORD_FILE);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  if (existsSync(path.join(dataDir, 'PG_VERSION'))) return FIXED_LOCAL_PASSWORD;
  mkdirSync(path.dirname(file), { recursive: true });
  const password = randomBytes(24).toString('base64url');
  writeFileSync(file, `${password}\n`, { mode: 0o600, flag: 'wx' });
  return password;
}

