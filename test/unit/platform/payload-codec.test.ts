import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { ConfigError, loadConfig } from '../../../config/config';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA } from '../../../platform/payload-codec';
import { formatPayloadKeys, generatePayloadKey, localPayloadKeys, parsePayloadKeys, resolvePayloadKeys } from '../../../platform/payload-keys';

const contact = { name: 'Jordan Lee', email: 'jordan.lee@acme.example', phone: '+1 415 555 0100' };
const plain = () => defaultPayloadConverter.toPayload(contact);
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');
const oldKey = generatePayloadKey();
const newKey = { ...generatePayloadKey(), id: 'newer' };

describe('AES-GCM payload codec', () => {
  it('seals the payload, names the key in its metadata and opens it again', async () => {
    const codec = new AesGcmPayloadCodec([oldKey]);
    const [sealed] = await codec.encode([plain()]);
    expect(text(sealed!.metadata![METADATA_ENCODING_KEY])).toBe(ENCRYPTED_ENCODING);
    expect(text(sealed!.metadata![KEY_ID_METADATA])).toBe(oldKey.id);
    for (const value of Object.values(contact)) expect(text(sealed!.data)).not.toContain(value);
    const [opened] = await codec.decode([sealed!]);
    expect(defaultPayloadConverter.fromPayload(opened!)).toEqual(contact);
  });

  it('passes payloads written before encryption through unchanged', async () => {
    const payload = plain();
    const [decoded] = await new AesGcmPayloadCodec([oldKey]).decode([payload]);
    expect(decoded).toBe(payload);
  });

  it('refuses payloads no key sealed when told to, still opening sealed ones', async () => {
    const strict = new AesGcmPayloadCodec([oldKey], { acceptPlain: false });
    await expect(strict.decode([plain()])).rejects.toThrow(/no LeadGate key sealed/);
    const sealed = await strict.encode([plain()]);
    expect(defaultPayloadConverter.fromPayload((await strict.decode(sealed))[0]!)).toEqual(contact);
  });

  it('rotates: the newest key encrypts, payloads under the older key still open', async () => {
    const before = await new AesGcmPayloadCodec([oldKey]).encode([plain()]);
    const rotated = new AesGcmPayloadCodec([oldKey, newKey]);
    const after = await rotated.encode([plain()]);
    expect(text(after[0]!.metadata![KEY_ID_METADATA])).toBe('newer');
    const opened = await rotated.decode([...before, ...after]);
    expect(opened.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([contact, contact]);
  });

  it('refuses a payload under a key it does not hold, naming the key id only', async () => {
    const sealed = await new AesGcmPayloadCodec([newKey]).encode([plain()]);
    await expect(new AesGcmPayloadCodec([oldKey]).decode(sealed)).rejects.toThrow(/unknown key "newer"/);
  });

  it('detects tampering with the ciphertext or the key id', async () => {
    const codec = new AesGcmPayloadCodec([oldKey, newKey]);
    const [sealed] = await codec.encode([plain()]);
    const flipped: Payload = { ...sealed!, data: Buffer.from(sealed!.data!).map((b, i) => (i === 20 ? b ^ 1 : b)) };
    await expect(codec.decode([flipped])).rejects.toThrow();
    const relabelled: Payload = { ...sealed!, metadata: { ...sealed!.metadata, [KEY_ID_METADATA]: Buffer.from(oldKey.id) } };
    await expect(codec.decode([relabelled])).rejects.toThrow();
  });
});

describe('payload keys from configuration', () => {
  it('reads id:base64 pairs oldest first and writes them back the same', () => {
    const value = formatPayloadKeys([oldKey, newKey]);
    const keys = parsePayloadKeys(value);
    expect(keys.map((k) => k.id)).toEqual([oldKey.id, 'newer']);
    expect(loadConfig({ LEADGATE_PAYLOAD_KEYS: value }).LEADGATE_PAYLOAD_KEYS?.[1]?.key.equals(newKey.key)).toBe(true);
  });

  it.each([
    ['no id', `:${oldKey.key.toString('base64')}`],
    ['a short key', 'k1:c2hvcnQ='],
    ['a duplicate id', `k1:${oldKey.key.toString('base64')},k1:${newKey.key.toString('base64')}`],
  ])('refuses %s, naming the variable and never the key', (_case, value) => {
    let message = '';
    try {
      loadConfig({ LEADGATE_PAYLOAD_KEYS: value });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toMatch(/LEADGATE_PAYLOAD_KEYS: /);
    expect(message).not.toContain(oldKey.key.toString('base64'));
  });

  it('stops a production or standalone start without keys, naming the variable', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'leadgate-keys-'));
    try {
      expect(() => resolvePayloadKeys(loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir }), 'embedded')).toThrow(/LEADGATE_PAYLOAD_KEYS is required/);
      expect(() => resolvePayloadKeys(loadConfig({ DATA_DIR: dataDir }), 'standalone')).toThrow(/LEADGATE_PAYLOAD_KEYS is required/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('generates the embedded stack key once, owner-only, and reuses it', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'leadgate-keys-'));
    try {
      const first = resolvePayloadKeys(loadConfig({ DATA_DIR: dataDir }), 'embedded');
      const file = path.join(dataDir, 'payload-keys');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(localPayloadKeys(dataDir)).toEqual(first);
      expect(readFileSync(file, 'utf8').trim()).toBe(formatPayloadKeys(first));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
