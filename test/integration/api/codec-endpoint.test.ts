/**
 * The remote codec an operator points the Temporal UI (or CLI) at: manager
 * keys only, the UI's CORS preflight and namespace header, and a decoded
 * payload that really is the lead's input.
 */
import request from 'supertest';
import { leadHandle } from '../../../api/lead-client';
import { bearer, createApiHarness, postRoutedLead, type ApiHarness } from './api-harness';

let h: ApiHarness;

beforeAll(async () => {
  h = await createApiHarness('codec', [{ repId: 'codec-ss-1', team: 'solution_specialist' }]);
});

afterAll(() => h.close());

const UI = 'http://localhost:8233';
const b64 = (text: string) => Buffer.from(text).toString('base64');
const plainPayload = (value: unknown) => ({ metadata: { encoding: b64('json/plain') }, data: b64(JSON.stringify(value)) });

/** The raw (encrypted) input payload of the lead's first history event, as the UI would send it. */
async function startedInput(leadId: string) {
  const history = await leadHandle(h.env.client, leadId).fetchHistory();
  const payload = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    data: Buffer.from(payload.data!).toString('base64'),
  };
}

it('decodes a lead history payload for a manager, showing what the server only holds encrypted', async () => {
  const { leadId, intake } = await postRoutedLead(h);
  const encrypted = await startedInput(leadId);
  expect(Buffer.from(encrypted.metadata.encoding!, 'base64').toString()).toBe('binary/encrypted');
  expect(Buffer.from(encrypted.data, 'base64').toString()).not.toContain(intake.contact.email);

  const res = await request(h.app).post('/codec/decode').set(bearer(h.keys.manager)).set('X-Namespace', 'default').send({ payloads: [encrypted] }).expect(200);
  // `temporal workflow show --codec-endpoint` sends the header empty.
  await request(h.app).post('/codec/decode').set(bearer(h.keys.manager)).set('X-Namespace', '').send({ payloads: [encrypted] }).expect(200);
  const [decoded] = res.body.payloads;
  expect(Buffer.from(decoded.metadata.encoding, 'base64').toString()).toBe('json/plain');
  expect(JSON.parse(Buffer.from(decoded.data, 'base64').toString())).toMatchObject({ leadId, submission: { intake: { contact: { email: intake.contact.email } } } });
});

it('encodes with the newest key and decodes its own output', async () => {
  const value = { note: 'call back after the audit' };
  const encoded = await request(h.app).post('/codec/encode').set(bearer(h.keys.manager)).send({ payloads: [plainPayload(value)] }).expect(200);
  const sealed = encoded.body.payloads[0];
  expect(Buffer.from(sealed.metadata['encryption-key-id'], 'base64').toString()).toBe('test-2026a');
  const decoded = await request(h.app).post('/codec/decode').set(bearer(h.keys.manager)).send(encoded.body).expect(200);
  expect(JSON.parse(Buffer.from(decoded.body.payloads[0].data, 'base64').toString())).toEqual(value);
  // Plain payloads (histories from before encryption) come back unchanged.
  const passthrough = await request(h.app).post('/codec/decode').set(bearer(h.keys.manager)).send({ payloads: [plainPayload(value)] }).expect(200);
  expect(passthrough.body.payloads[0]).toEqual(plainPayload(value));
});

it('answers only managers, with problem+json for everyone else', async () => {
  const body = { payloads: [plainPayload(1)] };
  const anonymous = await request(h.app).post('/codec/decode').send(body).expect(401);
  expect(anonymous.headers['content-type']).toMatch(/application\/problem\+json/);
  await request(h.app).post('/codec/decode').set(bearer(h.keys.intake)).send(body).expect(403);
  await request(h.app).post('/codec/decode').set(bearer(await h.repKey('codec-ss-1'))).send(body).expect(403);
  await request(h.app).post('/codec/decode').set(bearer(h.keys.manager)).set('X-Namespace', 'someone-else').send(body).expect(400);
  await request(h.app).post('/codec/decode').set(bearer(h.keys.manager)).send({ payloads: 'nope' }).expect(422);
});

it('refuses altered ciphertext without saying why', async () => {
  const encoded = await request(h.app).post('/codec/encode').set(bearer(h.keys.manager)).send({ payloads: [plainPayload('x')] }).expect(200);
  const sealed = encoded.body.payloads[0];
  const bytes = Buffer.from(sealed.data, 'base64');
  bytes.writeUInt8(bytes.at(-1)! ^ 1, bytes.length - 1);
  const res = await request(h.app).post('/codec/decode').set(bearer(h.keys.manager)).send({ payloads: [{ ...sealed, data: bytes.toString('base64') }] }).expect(422);
  expect(res.body).toMatchObject({ status: 422, detail: expect.stringMatching(/could not be decrypted/) });
});

it('lets the Temporal UI origin through CORS preflight and no other origin', async () => {
  const preflight = await request(h.app)
    .options('/codec/decode')
    .set('Origin', UI)
    .set('Access-Control-Request-Method', 'POST')
    .set('Access-Control-Request-Headers', 'authorization,content-type,x-namespace')
    .expect(204);
  expect(preflight.headers).toMatchObject({
    'access-control-allow-origin': UI,
    'access-control-allow-credentials': 'true',
    'access-control-allow-headers': expect.stringMatching(/X-Namespace/),
  });
  const foreign = await request(h.app).options('/codec/decode').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST');
  expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
});

it('signs a browser in with a manager key as an HttpOnly cookie the UI then sends along', async () => {
  await request(h.app).post('/codec/login').type('form').send({ key: await h.repKey('codec-ss-1') }).expect(401);
  const login = await request(h.app).post('/codec/login').type('form').send({ key: h.keys.manager }).expect(200);
  const cookie = String(login.headers['set-cookie']?.[0] ?? '');
  expect(cookie).toMatch(/^leadgate_codec=.+; Max-Age=\d+; Path=\/codec; .*HttpOnly; SameSite=Strict/);
  const res = await request(h.app)
    .post('/codec/decode')
    .set('Origin', UI)
    .set('Cookie', cookie.split(';')[0]!)
    .send({ payloads: [plainPayload('ok')] })
    .expect(200);
  expect(res.headers['access-control-allow-origin']).toBe(UI);
});
