/**
 * `npx tsx bench/codec-cost.ts [iterations]`: what the payload codec adds per
 * payload, encrypting and decrypting a lead's intake (the largest routine
 * payload) and a small one, one payload per call as the SDK mostly sends them.
 */
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { AesGcmPayloadCodec } from '../platform/payload-codec';
import { generatePayloadKey } from '../platform/payload-keys';
import { qualifyingDiscovery } from '../test/support/discovery';
import { inboundLead } from '../test/support/intake';

async function timePerPayload(label: string, payload: Payload, codec: AesGcmPayloadCodec, iterations: number): Promise<void> {
  const [sealed] = await codec.encode([payload]);
  for (let i = 0; i < 1_000; i++) await codec.decode(await codec.encode([payload]));
  let started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await codec.encode([payload]);
  const encodeUs = Number(process.hrtime.bigint() - started) / 1e3 / iterations;
  started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await codec.decode([sealed!]);
  const decodeUs = Number(process.hrtime.bigint() - started) / 1e3 / iterations;
  const bytes = payload.data?.length ?? 0;
  console.log(`${label.padEnd(22)} ${String(bytes).padStart(6)} B  encode ${encodeUs.toFixed(1).padStart(6)} µs  decode ${decodeUs.toFixed(1).padStart(6)} µs  (+${(sealed!.data!.length - bytes)} B)`);
}

async function main(): Promise<void> {
  const iterations = Number(process.argv[2] ?? 20_000);
  const codec = new AesGcmPayloadCodec([generatePayloadKey(), generatePayloadKey()]);
  const intake = { submissionId: 'c0ffee', receivedAt: new Date().toISOString(), intake: inboundLead() };
  await timePerPayload('intake submission', defaultPayloadConverter.toPayload(intake), codec, iterations);
  await timePerPayload('discovery update', defaultPayloadConverter.toPayload({ actor: { role: 'rep', repId: 'ss-jo' }, payload: qualifyingDiscovery() }), codec, iterations);
  await timePerPayload('small (activity ack)', defaultPayloadConverter.toPayload({ ok: true }), codec, iterations);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
