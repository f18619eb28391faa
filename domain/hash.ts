/**
 * Pure-JS hashing: the domain runs inside the workflow bundle, where Node's
 * `crypto` is not available, and ids/versions must be identical on replay.
 */
import { normaliseDomain } from './text-shapes';

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK_64 = 0xffffffffffffffffn;

/** FNV-1a 64-bit over the UTF-8 bytes of `input`, as 16 hex characters. */
export function fnv1a64(input: string): string {
  let hash = FNV_OFFSET;
  for (const byte of new TextEncoder().encode(input)) {
    hash ^= BigInt(byte);
    hash = (hash * FNV_PRIME) & MASK_64;
  }
  return hash.toString(16).padStart(16, '0');
}

/** JSON with object keys sorted, so equal content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The same person from the same company submitting twice must land on the
 * same workflow, so the id derives from the normalised email and domain only.
 * Two independent 64-bit hashes give 20 hex characters without collisions in practice.
 */
export function leadIdFor(email: string, domain: string): string {
  const key = `${email.trim().toLowerCase()}|${normaliseDomain(domain)}`;
  return `lead_${(fnv1a64(key) + fnv1a64(`leadgate:${key}`)).slice(0, 20)}`;
}

/** The only shape `leadIdFor` produces: anything else is not a lead id, whatever it looks like. */
export const LEAD_ID_PATTERN = /^lead_[0-9a-f]{20}$/;
