/**
 * The one data converter every Temporal client, worker and replayer in LeadGate
 * uses: JSON payloads with native UTF-8 (./payload-converter), encrypted by the
 * AES-GCM codec (outside the sandbox), failure messages and stacks encoded so
 * the codec covers them too.
 */
import type { DataConverter } from '@temporalio/common';
import { AesGcmPayloadCodec, type CodecOptions, type PayloadKey } from './payload-codec';

/** Resolved at run time, so they name the .ts source under tsx/jest and the .js file under dist/. */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');
export const PAYLOAD_CONVERTER_PATH = require.resolve('./payload-converter');

export function leadDataConverter(keys: readonly PayloadKey[], options: CodecOptions = {}): DataConverter {
  return { payloadConverterPath: PAYLOAD_CONVERTER_PATH, failureConverterPath: FAILURE_CONVERTER_PATH, payloadCodecs: [new AesGcmPayloadCodec(keys, options)] };
}
