/**
 * The API under hostile or careless use: budgets shared by every API process
 * (through PostgreSQL), imports counted in rows, unauthenticated floods limited
 * per client address, strict lead ids, and a deactivated rep locked out.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createMetrics } from '../../../api/metrics';
import { startApi } from '../../../api/server';
import { loadConfig } from '../../../config/config';
import { createApiKey } from '../../../db/api-keys';
import { takeBudgets } from '../../../db/rate-limits';
import { setRepActive } from '../../../db/reps';
import { bearer, createApiHarness, type ApiHarness } from './api-harness';
import { createLogger } from '../../../platform/logger';
import { testPool } from '../../support/db';
import { inboundLead } from '../../support/intake';
import { TEST_PAYLOAD_KEYS } from '../../support/payload-keys';
import { testServices } from '../../support/services';

let h: ApiHarness;

beforeAll(async () => {
  h = await createApiHarness('hardening', [{ repId: 'hard-ss-1', team: 'solution_specialist' }]);
});

afterAll(() => h.close());

it('shares one key budget across API processes: what one spends, the other cannot', async () => {
  const [a, b] = [h.appWith({ RATE_LIMIT_PER_KEY_PER_MINUTE: 4 }), h.appWith({ RATE_LIMIT_PER_KEY_PER_MINUTE: 4 })];
  const key = (await createApiKey(h.pool, { role: 'manager' })).key;
  const answers: request.Response[] = [];
  for (const app of [a, b, a, b, a, b]) answers.push(await request(app).get('/v1/leads').set(bearer(key)));
  expect(answers.map((res) => res.status)).toEqual([200, 200, 200, 200, 429, 429]);
  expect(answers[5]!.body.detail).toBe('At most 4 requests per API key a minute; retry later.');
  expect(answers[5]!.headers['retry-after']).toMatch(/^\d+$/);
});

describe('one round trip for several budgets', () => {
  const budgets = (limits: Record<string, number>) => Object.entries(limits).map(([bucket, limit]) => ({ bucket, cost: 1, limit }));
  const used = async (bucket: string) => (await h.pool.query<{ used: number }>('SELECT used FROM rate_limits WHERE bucket = $1', [bucket])).rows[0]?.used ?? 0;

  it('counts a request against all of its budgets or, when one is spent, against none, and names the spent one', async () => {
    const [address, key] = [`test-ip:${randomUUID()}`, `test-key:${randomUUID()}`];
    const takes = budgets({ [address]: 5, [key]: 2 });
    expect(await takeBudgets(h.pool, takes, 60)).toEqual({ allowed: true });
    expect(await takeBudgets(h.pool, takes, 60)).toEqual({ allowed: true });
    const refused = await takeBudgets(h.pool, takes, 60);
    expect(refused).toMatchObject({ allowed: false, bucket: key });
    expect(refused.allowed === false && refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(refused.allowed === false && refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect({ address: await used(address), key: await used(key) }).toEqual({ address: 2, key: 2 });
    // The address alone still has room: what the refused request did not spend is there for the next one.
    expect(await takeBudgets(h.pool, budgets({ [address]: 5 }), 60)).toEqual({ allowed: true });
    expect(await used(address)).toBe(3);
  });

  it('names the first spent budget in the order given, whatever the others, so over its address every key hears the same', async () => {
    const [address, key] = [`test-ip:${randomUUID()}`, `test-key:${randomUUID()}`];
    await takeBudgets(h.pool, budgets({ [address]: 1 }), 60);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await takeBudgets(h.pool, budgets({ [key]: 1 }), 60);
    // Both spent; the key's window, opened last, ends last: still the address is named.
    expect(await takeBudgets(h.pool, budgets({ [address]: 1, [key]: 1 }), 60)).toMatchObject({ allowed: false, bucket: address });
    expect(await takeBudgets(h.pool, budgets({ [address]: 1 }), 60)).toMatchObject({ allowed: false, bucket: address });
  });

  it('refuses a cost over the limit without counting anything', async () => {
    const bucket = `test-intake:${randomUUID()}`;
    expect(await takeBudgets(h.pool, [{ bucket, cost: 4, limit: 3 }], 60)).toEqual({ allowed: false, bucket, retryAfterSeconds: 60 });
    expect(await used(bucket)).toBe(0);
  });

  it('holds under racing requests that name shared budgets in either order: exactly the limit, no deadlock', async () => {
    const [address, key] = [`test-ip:${randomUUID()}`, `test-key:${randomUUID()}`];
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => takeBudgets(h.pool, i % 2 ? budgets({ [address]: 100, [key]: 10 }) : budgets({ [key]: 10, [address]: 100 }), 60)),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    expect({ address: await used(address), key: await used(key) }).toEqual({ address: 10, key: 10 });
  });
});

it('counts an import in rows against the intake budget, and refuses a file that does not fit without starting any of it', async () => {
  const app = h.appWith({ INTAKE_RATE_LIMIT_PER_MINUTE: 3 });
  const key = (await createApiKey(h.pool, { role: 'intake' })).key;
  const csv = (n: number) =>
    ['companyName,domain,contact.name,contact.email,contact.title,primaryInterest']
      .concat(Array.from({ length: n }, () => {
        const lead = inboundLead();
        return `${lead.companyName},${lead.domain},${lead.contact.name},${lead.contact.email},CISO,monitoring`;
      }))
      .join('\n');
  const tooMany = await request(app).post('/v1/leads/import').set(bearer(key)).set('Content-Type', 'text/csv').send(csv(4));
  expect(tooMany.status).toBe(429);
  expect(tooMany.headers['content-type']).toMatch(/application\/problem\+json/);
  const fits = await request(app).post('/v1/leads/import').set(bearer(key)).set('Content-Type', 'text/csv').send(csv(2));
  expect(fits.status).toBe(200);
  expect(fits.body.rows.map((r: { status: string }) => r.status)).toEqual(['accepted', 'accepted']);
  // Two rows spent, one left: one form post fits, the next does not.
  await request(app).post('/v1/leads').set(bearer(key)).send(inboundLead()).expect(202);
  await request(app).post('/v1/leads').set(bearer(key)).send(inboundLead()).expect(429);
});

it('limits requests per client address whatever the key: over it, a bad key is answered 429, not 401', async () => {
  // Every test request comes from 127.0.0.1, so the budget is shared with other files: expect it to run out, not when.
  const app = h.appWith({ RATE_LIMIT_PER_IP_PER_MINUTE: 5 });
  let limited: request.Response | undefined;
  for (let i = 0; i < 50 && !limited; i++) {
    const res = await request(app).get('/v1/leads').set(bearer('lg_0000000000000000_not-a-real-key-at-all-not-a-real-key-at-all0'));
    if (res.status === 429) limited = res;
    else expect(res.status).toBe(401);
  }
  expect(limited?.headers['retry-after']).toMatch(/^\d+$/);
  expect(limited?.body).toMatchObject({ status: 429, title: 'Too many requests', detail: 'At most 5 requests per client address a minute; retry later.' });
  // A good key from the same address is refused alike, and signing in (made with no key at all) draws on the same budget.
  expect((await request(app).get('/v1/leads').set(bearer(h.keys.manager))).status).toBe(429);
  expect((await request(app).get('/v1/session')).status).toBe(429);
});

it('answers 404 for anything not shaped like a lead id, exactly as for a missing lead', async () => {
  const manager = bearer(h.keys.manager);
  const missing = await request(h.app).get('/v1/leads/lead_00000000000000000000').set(manager);
  expect(missing.status).toBe(404);
  for (const id of ['lead_ZZZZZZZZZZZZZZZZZZZZ', `lead_${'a'.repeat(120)}`, 'x'.repeat(128), 'lead_0000000000000000000', '..%2F..%2Fetc']) {
    const res = await request(h.app).get(`/v1/leads/${id}`).set(manager);
    expect({ id, status: res.status, detail: res.body.detail }).toEqual({ id, status: 404, detail: missing.body.detail });
  }
});

it("disables a rep's keys while the rep is deactivated", async () => {
  const key = (await createApiKey(h.pool, { role: 'rep', repId: 'hard-ss-1' })).key;
  await request(h.app).get('/v1/leads').set(bearer(key)).expect(200);
  await setRepActive(h.pool, 'hard-ss-1', false);
  try {
    await request(h.app).get('/v1/leads').set(bearer(key)).expect(401);
  } finally {
    await setRepActive(h.pool, 'hard-ss-1', true);
  }
  await request(h.app).get('/v1/leads').set(bearer(key)).expect(200);
});

describe('/metrics', () => {
  it('moves to its own listener with METRICS_PORT, off the API port', async () => {
    const config = loadConfig({ API_PORT: '0', METRICS_PORT: '0', SEED_DEMO_DATA: 'false' });
    const api = await startApi(config, { address: testServices().temporalAddress, pool: h.pool, log: createLogger('silent'), payloadKeys: TEST_PAYLOAD_KEYS });
    try {
      expect(api.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const scraped = await fetch(`${api.metricsUrl}/metrics`);
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain('# TYPE leadgate_leads_by_stage gauge');
      expect((await fetch(`${api.url}/metrics`)).status).toBe(404);
    } finally {
      await api.stop();
    }
  });

  it('counts leads by stage and outcome at most once per refresh period, however often it is scraped', async () => {
    const pool = testPool();
    const grouped: string[] = [];
    const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
    (pool as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('GROUP BY')) grouped.push(args[0]);
      return query(...args);
    };
    try {
      const metrics = createMetrics({ pool });
      for (let i = 0; i < 5; i++) expect(await metrics.registry.metrics()).toContain('leadgate_leads_by_stage');
      expect(grouped).toHaveLength(2);
    } finally {
      await pool.end();
    }
  });
});
