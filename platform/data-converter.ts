/**
 * The one data converter every Temporal client, worker and replayer in LeadGate
 * uses: payloads encrypted by the AES-GCM codec (outside the sandbox), failure
 * messages and stacks encoded so the codec covers them too.
 */
import type { DataConverter } from '@temporalio/common';
import { AesGcmPayloadCodec, type CodecOptions, type PayloadKey } from './payload-codec';

/** Resolved at run time, so it names the .ts source under tsx/jest and the .js file under dist/. */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

export function leadDataConverter(keys: readonly PayloadKey[], options: CodecOptions = {}): DataConverter {
  return { failureConverterPath: FAILURE_CONVERTER_PATH, payloadCodecs: [new AesGcmPayloadCodec(keys, options)] };
}
