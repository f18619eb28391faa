/**
 * Encrypts every Temporal payload LeadGate writes (workflow inputs, signals,
 * updates, query results, activity arguments and results, failure details)
 * with AES-256-GCM before it leaves the process, so the Temporal server, its
 * database, its UI and `temporal workflow show` only ever hold ciphertext.
 *
 * Several keys may be configured: the newest encrypts, every one decrypts, and
 * the id of the key used travels in the payload's metadata, so adding a key
 * rotates without re-encrypting history. Payloads that are not encrypted (the
 * histories written before encryption was switched on) pass through unchanged,
 * unless `acceptPlain` is off: then only what a LeadGate key sealed is read,
 * so nobody without a key can hand a lead a signal or update.
 *
 * Runs outside the workflow sandbox (client, worker, replay, codec endpoint):
 * it uses Node's crypto, which the sandbox does not have.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, ValueError, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

const CIPHER = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

export interface PayloadKey {
  /** Public name of the key: written into every payload it encrypts. */
  id: string;
  /** 32 random bytes. */
  key: Buffer;
}

const utf8 = (value: string) => Buffer.from(value, 'utf8');
const text = (bytes: Uint8Array | null | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);

export interface CodecOptions {
  /** Read payloads that are not encrypted as they are (default), or refuse them. */
  acceptPlain?: boolean;
}

export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;
  private readonly current: PayloadKey;
  private readonly acceptPlain: boolean;

  /** `keys` oldest first: the last one encrypts. */
  constructor(keys: readonly PayloadKey[], options: CodecOptions = {}) {
    this.acceptPlain = options.acceptPlain ?? true;
    const current = keys[keys.length - 1];
    if (!current) throw new ValueError('The payload codec needs at least one key');
    for (const k of keys) {
      if (k.key.length !== KEY_BYTES) throw new ValueError(`Payload key "${k.id}" must be ${KEY_BYTES} bytes`);
    }
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
    if (this.byId.size !== keys.length) throw new ValueError('Payload key ids must be unique');
    this.current = current;
  }

  /** The id new payloads are encrypted with. */
  get currentKeyId(): string {
    return this.current.id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encrypt(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.decrypt(payload));
  }

  /** The whole payload (metadata included: it names the type) is serialised and sealed; the key id is authenticated too. */
  private encrypt(payload: Payload): Payload {
    const plain = temporal.api.common.v1.Payload.encode(payload).finish();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(CIPHER, this.current.key, iv);
    cipher.setAAD(utf8(this.current.id));
    const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: { [METADATA_ENCODING_KEY]: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8(this.current.id) },
      data: sealed,
    };
  }

  private decrypt(payload: Payload): Payload {
    if (text(payload.metadata?.[METADATA_ENCODING_KEY]) !== ENCRYPTED_ENCODING) {
      if (this.acceptPlain) return payload;
      throw new ValueError('Refusing a payload no LeadGate key sealed (LEADGATE_ACCEPT_PLAIN_PAYLOADS=false)');
    }
    const keyId = text(payload.metadata?.[KEY_ID_METADATA]);
    const key = keyId === undefined ? undefined : this.byId.get(keyId);
    if (!key || keyId === undefined) throw new ValueError(`Payload encrypted with unknown key "${keyId ?? '(none)'}": add it to LEADGATE_PAYLOAD_KEYS`);
    const data = Buffer.from(payload.data ?? []);
    if (data.length < IV_BYTES + TAG_BYTES) throw new ValueError('Encrypted payload is truncated');
    const decipher = createDecipheriv(CIPHER, key, data.subarray(0, IV_BYTES));
    decipher.setAAD(utf8(keyId));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    return temporal.api.common.v1.Payload.decode(plain);
  }
}
