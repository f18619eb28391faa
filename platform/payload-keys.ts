/**
 * Where the payload encryption keys come from. Production: LEADGATE_PAYLOAD_KEYS,
 * `id:base64key` pairs separated by commas, oldest first (the last encrypts).
 * The embedded stack (`npm start`, not production): a key generated on first
 * start into DATA_DIR/payload-keys (mode 0600), reused on every later start.
 * Key material is never logged and never echoed in an error.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KEY_BYTES, type PayloadKey } from './payload-codec';

export const PAYLOAD_KEYS_VARIABLE = 'LEADGATE_PAYLOAD_KEYS';
export const LOCAL_KEYS_FILE = 'payload-keys';

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

export class PayloadKeyError extends Error {
  override readonly name = 'PayloadKeyError';
}

/** Parses `id:base64,id:base64`; the error says which entry (by position or id) is wrong and why, never its key. */
export function parsePayloadKeys(value: string): PayloadKey[] {
  const entries = value.split(',').map((e) => e.trim()).filter((e) => e.length > 0);
  if (entries.length === 0) throw new PayloadKeyError('needs at least one id:base64key entry');
  const keys = entries.map((entry, index) => {
    const colon = entry.indexOf(':');
    const id = colon > 0 ? entry.slice(0, colon) : '';
    const encoded = colon > 0 ? entry.slice(colon + 1) : '';
    if (!KEY_ID.test(id)) throw new PayloadKeyError(`entry ${index + 1} must read id:base64key (id: letters, digits, . _ -)`);
    const key = BASE64.test(encoded) ? Buffer.from(encoded, encoded.includes('-') || encoded.includes('_') ? 'base64url' : 'base64') : Buffer.alloc(0);
    if (key.length !== KEY_BYTES) throw new PayloadKeyError(`key "${id}" must be ${KEY_BYTES} bytes, base64-encoded (openssl rand -base64 32)`);
    return { id, key };
  });
  if (new Set(keys.map((k) => k.id)).size !== keys.length) throw new PayloadKeyError('key ids must be unique');
  return keys;
}

export function formatPayloadKeys(keys: readonly PayloadKey[]): string {
  return keys.map((k) => `${k.id}:${k.key.toString('base64')}`).join(',');
}

/** A new key named after the day it was made, so an operator can tell keys apart by age. */
export function generatePayloadKey(now = new Date()): PayloadKey {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '');
  return { id: `k${day}-${randomBytes(3).toString('hex')}`, key: randomBytes(KEY_BYTES) };
}

/** The embedded stack's keys: read from DATA_DIR, or generated there once (owner-only file). */
export function localPayloadKeys(dataDir: string): PayloadKey[] {
  const file = path.resolve(dataDir, LOCAL_KEYS_FILE);
  if (existsSync(file)) {
    chmodSync(file, 0o600);
    return parsePayloadKeys(readFileSync(file, 'utf8'));
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const keys = [generatePayloadKey()];
  writeFileSync(file, `${formatPayloadKeys(keys)}\n`, { mode: 0o600, flag: 'wx' });
  return keys;
}

/**
 * Explicit keys always win. Without them only the embedded stack outside
 * production may fall back to its generated local key; everything else stops
 * at start-up naming the variable.
 */
export function resolvePayloadKeys(
  config: { LEADGATE_PAYLOAD_KEYS?: PayloadKey[]; NODE_ENV: string; DATA_DIR: string },
  mode: 'embedded' | 'standalone',
): PayloadKey[] {
  if (config.LEADGATE_PAYLOAD_KEYS) return config.LEADGATE_PAYLOAD_KEYS;
  if (mode === 'embedded' && config.NODE_ENV !== 'production') return localPayloadKeys(config.DATA_DIR);
  throw new PayloadKeyError(
    `${PAYLOAD_KEYS_VARIABLE} is required (id:base64key pairs, oldest first; make one with \`openssl rand -base64 32\`): ` +
      'without it Temporal would store prospect data in the clear.',
  );
}
