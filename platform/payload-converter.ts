/**
 * Loaded by path (DataConverter.payloadConverterPath) into the workflow bundle
 * and by every client and worker: the SDK's default converters, with the JSON
 * converter's UTF-8 step done by the runtime's TextEncoder and TextDecoder.
 * The SDK's own JSON converter encodes and decodes UTF-8 in JavaScript, a
 * character at a time, in every workflow, activity and client call; a lead's
 * payloads (its view in each write, the ruleset in each load) are kilobytes,
 * and that loop was a tenth of the CPU a lead's activations cost. Node's
 * encoder is native, and the SDK puts it in every workflow sandbox as a global.
 *
 * The bytes are the SDK's, byte for byte: JSON.stringify never emits a lone
 * surrogate, and on well-formed text both encoders are UTF-8 itself
 * (test/unit/platform/payload-converter.test.ts). So histories written with
 * either converter replay with the other, and nothing on the wire changes.
 * Reading, the two agree on well-formed UTF-8, which is all a JSON encoder
 * writes (a leading byte-order mark is kept, as the SDK keeps it); they differ
 * only in how many U+FFFD stand for a malformed sequence. Inside the sandbox
 * the encoder is the host's, so `data` is a host-realm Uint8Array; nothing on
 * the way out tests its realm (the replay tests run this path).
 *
 * Imports nothing but @temporalio/common, so it is safe inside the sandbox.
 */
import {
  BinaryPayloadConverter,
  CompositePayloadConverter,
  JsonPayloadConverter,
  METADATA_ENCODING_KEY,
  UndefinedPayloadConverter,
  ValueError,
  encodingKeys,
  type Payload,
} from '@temporalio/common';

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** The SDK's JsonPayloadConverter (same encoding, same metadata, same failures), with native UTF-8. */
export class NativeUtf8JsonPayloadConverter extends JsonPayloadConverter {
  override toPayload(value: unknown): Payload | undefined {
    if (value === undefined) return undefined;
    let json: string;
    try {
      json = JSON.stringify(value);
    } catch {
      return undefined;
    }
    return { metadata: { [METADATA_ENCODING_KEY]: encodingKeys.METADATA_ENCODING_JSON }, data: utf8Encoder.encode(json) };
  }

  override fromPayload<T>(content: Payload): T {
    if (content.data === undefined || content.data === null) throw new ValueError('Got payload with no data');
    return JSON.parse(utf8Decoder.decode(content.data)) as T;
  }
}

export const payloadConverter = new CompositePayloadConverter(
  new UndefinedPayloadConverter(),
  new BinaryPayloadConverter(),
  new NativeUtf8JsonPayloadConverter(),
);
