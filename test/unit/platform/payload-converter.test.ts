import fc from 'fast-check';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { payloadConverter } from '../../../platform/payload-converter';

/** Any UTF-16 code unit, lone surrogates included: what a caller's string may hold. */
const codeUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)), maxLength: 40 });
/** Text from anywhere in Unicode, emoji and other astral characters included. */
const anyText = fc.oneof(codeUnits, fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 40 }));
const values = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(anyText, fc.oneof(anyText, fc.double(), fc.boolean(), fc.constant(null)), { maxKeys: 6 }),
  fc.array(anyText, { maxLength: 6 }),
  anyText,
);

const bytesOf = (payload: Payload | undefined) => Buffer.from(payload?.data ?? []);
const metadataOf = (payload: Payload | undefined) => Object.fromEntries(Object.entries(payload?.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value ?? []).toString()]));

describe('payload converter with native UTF-8', () => {
  it('writes the bytes and metadata the SDK default converter writes, for any value', () => {
    fc.assert(
      fc.property(values, (value) => {
        const ours = payloadConverter.toPayload(value);
        const sdk = defaultPayloadConverter.toPayload(value);
        expect(bytesOf(ours).equals(bytesOf(sdk))).toBe(true);
        expect(metadataOf(ours)).toEqual(metadataOf(sdk));
      }),
      { numRuns: 3_000 },
    );
  });

  it('reads what either converter wrote as the SDK default converter reads it', () => {
    fc.assert(
      fc.property(values, (value) => {
        const written = defaultPayloadConverter.toPayload(value);
        expect(payloadConverter.fromPayload(written)).toEqual(defaultPayloadConverter.fromPayload(written));
        expect(payloadConverter.fromPayload(payloadConverter.toPayload(value))).toEqual(defaultPayloadConverter.fromPayload(written));
      }),
      { numRuns: 3_000 },
    );
  });

  it('reads a leading byte-order mark as the SDK does: kept, so the JSON does not parse', () => {
    const withBom = { ...defaultPayloadConverter.toPayload({ a: 1 }), data: new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from('{"a":1}')]) };
    expect(() => defaultPayloadConverter.fromPayload(withBom)).toThrow(SyntaxError);
    expect(() => payloadConverter.fromPayload(withBom)).toThrow(SyntaxError);
  });

  it('keeps the SDK converter for what is not JSON: undefined and binary', () => {
    expect(metadataOf(payloadConverter.toPayload(undefined))).toEqual(metadataOf(defaultPayloadConverter.toPayload(undefined)));
    const binary = new Uint8Array([0, 255, 128, 7]);
    const payload = payloadConverter.toPayload(binary);
    expect(metadataOf(payload)).toEqual(metadataOf(defaultPayloadConverter.toPayload(binary)));
    expect(Buffer.from(payloadConverter.fromPayload<Uint8Array>(payload)).equals(Buffer.from(binary))).toBe(true);
  });

  it('refuses a JSON payload without data, as the SDK does', () => {
    const empty = { metadata: payloadConverter.toPayload({}).metadata };
    expect(() => payloadConverter.fromPayload(empty)).toThrow('Got payload with no data');
    expect(() => defaultPayloadConverter.fromPayload(empty)).toThrow('Got payload with no data');
  });
});
