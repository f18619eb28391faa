/**
 * Test-only payload keys, fixed so that histories recorded by
 * `npm run histories:record` stay decryptable by the replay test. Never used
 * outside test/ (production keys come from LEADGATE_PAYLOAD_KEYS).
 */
import { createHash } from 'node:crypto';
import type { PayloadKey } from '../../platform/payload-codec';

const testKey = (id: string): PayloadKey => ({ id, key: createHash('sha256').update(`leadgate test payload key ${id}`).digest() });

/** The key every test client and worker encrypts with. */
export const TEST_PAYLOAD_KEYS: readonly PayloadKey[] = [testKey('test-2026a')];

/** A later key, for rotation tests: added after the first one, it encrypts new runs. */
export const ROTATED_TEST_PAYLOAD_KEYS: readonly PayloadKey[] = [...TEST_PAYLOAD_KEYS, testKey('test-2026b')];
