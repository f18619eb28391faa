import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { Client } from 'pg';
import request from 'supertest';
import { authenticateKey, createApiKey, keyIdOf, revokeApiKey, seedDemoKeys } from '../../../db/api-keys';
import { migrate } from '../../../db/migrate';
import { createPool } from '../../../db/pool';
import { DEMO_REPS, seedDemoReps } from '../../../db/seed';
import { projectRoot } from '../../../platform/project-root';
import { testServices } from '../../support/services';
import { bearer, createApiHarness, type ApiHarness } from './api-harness';

const run = promisify(execFile);
let h: ApiHarness;

beforeAll(async () => {
  h = await createApiHarness('auth', [{ repId: 'api-auth-ss-1', team: 'solution_specialist' }]);
});

afterAll(() => h?.close());

const someLead = 'lead_00000000000000000000';

describe('API keys', () => {
  it('answers 401 with a Bearer challenge for a missing, malformed, unknown or revoked key', async () => {
    const noKey = await request(h.app).get('/v1/leads');
    expect(noKey.status).toBe(401);
    expect(noKey.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(noKey.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await request(h.app).get('/v1/leads').set('Authorization', 'Basic dXNlcjpwYXNz')).status).toBe(401);
    expect((await request(h.app).get('/v1/leads').set(bearer('not-a-key'))).status).toBe(401);
    // The right shape, an unknown id; and a known id with the wrong secret.
    const forged = `lg_${'0'.repeat(16)}_${'A'.repeat(43)}`;
    expect((await request(h.app).get('/v1/leads').set(bearer(forged))).status).toBe(401);
    const wrongSecret = `${h.keys.manager.slice(0, -5)}AAAAA`;
    expect((await request(h.app).get('/v1/leads').set(bearer(wrongSecret))).status).toBe(401);

    const { key, keyId } = await createApiKey(h.pool, { role: 'manager', label: 'to revoke' });
    expect((await request(h.app).get('/v1/leads').set(bearer(key))).status).toBe(200);
    expect(await revokeApiKey(h.pool, keyId)).toBe(true);
    const revoked = await request(h.app).get('/v1/leads').set(bearer(key));
    expect(revoked.status).toBe(401);
    expect(revoked.body.detail).toMatch(/unknown or revoked/);
  });

  it('stores only a hash of each key', async () => {
    const { key, keyId } = await createApiKey(h.pool, { role: 'intake' });
    const { rows } = await h.pool.query('SELECT * FROM api_keys WHERE key_id = $1', [keyId]);
    expect(JSON.stringify(rows[0])).not.toContain(key.slice(20));
    expect(rows[0].key_hash).toMatch(/^[0-9a-f]{64}$/);
    await expect(authenticateKey(h.pool, key)).resolves.toEqual({ keyId, role: 'intake', repId: null });
  });

  it('lets each role call only its own endpoints (403 otherwise)', async () => {
    const rep = await h.repKey('api-auth-ss-1');
    const keys = { intake: h.keys.intake, rep, manager: h.keys.manager };
    const routes: Array<{ method: 'get' | 'post'; path: string; roles: Array<keyof typeof keys>; body?: object }> = [
      { method: 'post', path: '/v1/leads', roles: ['intake', 'manager'], body: {} },
      { method: 'post', path: '/v1/leads/import', roles: ['intake', 'manager'] },
      { method: 'get', path: '/v1/leads', roles: ['rep', 'manager'] },
      { method: 'get', path: `/v1/leads/${someLead}`, roles: ['rep', 'manager'] },
      { method: 'post', path: `/v1/leads/${someLead}/discovery`, roles: ['rep', 'manager'], body: {} },
      { method: 'post', path: `/v1/leads/${someLead}/scope`, roles: ['rep', 'manager'], body: {} },
      { method: 'post', path: `/v1/leads/${someLead}/commercial`, roles: ['rep', 'manager'], body: {} },
      { method: 'post', path: `/v1/leads/${someLead}/disqualify`, roles: ['rep', 'manager'], body: {} },
      { method: 'post', path: `/v1/leads/${someLead}/engagement`, roles: ['intake', 'rep', 'manager'], body: {} },
      { method: 'post', path: `/v1/leads/${someLead}/reengage`, roles: ['rep', 'manager'] },
      { method: 'get', path: '/v1/reports/funnel', roles: ['manager'] },
      { method: 'get', path: '/v1/rules/active', roles: ['manager'] },
      { method: 'post', path: '/v1/rules/simulate', roles: ['manager'], body: {} },
    ];
    const refusals: string[] = [];
    for (const route of routes) {
      for (const [role, key] of Object.entries(keys) as Array<[keyof typeof keys, string]>) {
        const req = request(h.app)[route.method](route.path).set(bearer(key));
        const res = route.body ? await req.send(route.body) : await req;
        const allowed = route.roles.includes(role);
        // Allowed roles get past auth (to a 2xx, 400, 404, 415 or 422 here); the others get exactly 403.
        if (!allowed) expect({ route: route.path, role, status: res.status }).toEqual({ route: route.path, role, status: 403 });
        else expect({ route: route.path, role, status: [401, 403].includes(res.status) }).toEqual({ route: route.path, role, status: false });
        if (!allowed) refusals.push(`${role} ${route.method} ${route.path}`);
      }
    }
    expect(refusals.length).toBe(routes.reduce((n, r) => n + 3 - r.roles.length, 0));
  });

  it('creates a key with the keys tool, printing only the key, and revokes it by id', async () => {
    const env = { ...process.env, DATABASE_URL: testServices().databaseUrl, SEED_DEMO_DATA: 'false' };
    const repId = `api-cli-${randomUUID().slice(0, 8)}`;
    const added = await run('npm', ['run', '--silent', 'reps', '--', 'add', '--id', repId, '--team', 'iam', '--capacity', '3'], { cwd: projectRoot(), env });
    expect(added.stdout).toBe(`${repId}\n`);
    const rep = await h.pool.query('SELECT team, capacity, is_team_lead FROM reps WHERE rep_id = $1', [repId]);
    expect(rep.rows).toEqual([{ team: 'iam', capacity: 3, is_team_lead: false }]);

    const created = await run('npm', ['run', '--silent', 'keys', '--', 'create', '--role', 'rep', '--rep', repId], { cwd: projectRoot(), env });
    const key = created.stdout.trim();
    expect(created.stdout).toBe(`${key}\n`);
    const keyId = keyIdOf(key)!;
    expect(keyId).toMatch(/^[0-9a-f]{16}$/);
    const mine = await request(h.app).get('/v1/leads').set(bearer(key));
    expect(mine.status).toBe(200);
    expect(mine.body.items).toEqual([]);

    const revoked = await run('npm', ['run', '--silent', 'keys', '--', 'revoke', keyId], { cwd: projectRoot(), env });
    expect(revoked.stdout).toBe(`${keyId}\n`);
    expect((await request(h.app).get('/v1/leads').set(bearer(key))).status).toBe(401);

    await expect(run('npm', ['run', '--silent', 'keys', '--', 'create', '--role', 'rep'], { cwd: projectRoot(), env })).rejects.toMatchObject({
      stdout: '',
      stderr: expect.stringMatching(/needs the rep/),
    });
  }, 60_000);

  it('creates demo intake, manager and rep keys on a database without keys, once', async () => {
    const server = testServices().databaseUrl;
    const name = `leadgate_demo_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const admin = new Client({ connectionString: server });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(server);
    url.pathname = `/${name}`;
    const pool = createPool(url.toString(), 2);
    try {
      await migrate(pool);
      await seedDemoReps(pool);
      const demo = await seedDemoKeys(pool);
      expect(demo).not.toBeNull();
      await expect(authenticateKey(pool, demo!.intake)).resolves.toMatchObject({ role: 'intake' });
      await expect(authenticateKey(pool, demo!.manager)).resolves.toMatchObject({ role: 'manager' });
      const repPrincipal = await authenticateKey(pool, demo!.rep!.key);
      expect(repPrincipal).toMatchObject({ role: 'rep', repId: demo!.rep!.repId });
      expect(DEMO_REPS.find((r) => r.repId === demo!.rep!.repId)?.isTeamLead).toBe(false);
      await expect(seedDemoKeys(pool)).resolves.toBeNull();
    } finally {
      await pool.end();
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});

describe('operability', () => {
  it('puts a request id on every response and problem, keeping a sane one the caller sent', async () => {
    const health = await request(h.app).get('/healthz').expect(200);
    expect(health.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const mine = await request(h.app).get('/v1/leads').set('X-Request-Id', 'trace-abc.123');
    expect(mine.headers['x-request-id']).toBe('trace-abc.123');
    expect(mine.body).toMatchObject({ status: 401, requestId: 'trace-abc.123', instance: '/v1/leads' });
    const junk = await request(h.app).get('/nowhere').set('X-Request-Id', `not ok ${'x'.repeat(200)}`);
    expect(junk.status).toBe(404);
    expect(junk.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(junk.body.requestId).toBe(junk.headers['x-request-id']);
  });

  it('sends security headers and no framework banner', async () => {
    const res = await request(h.app).get('/healthz');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('answers health and readiness against the real services', async () => {
    expect((await request(h.app).get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await request(h.app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ready');
  });

  it('publishes an OpenAPI 3.1 document generated from the schemas, and a page for people', async () => {
    const doc = (await request(h.app).get('/openapi.json').expect(200)).body;
    expect(doc.openapi).toBe('3.1.0');
    for (const [path, method] of [
      ['/v1/leads', 'post'], ['/v1/leads', 'get'], ['/v1/leads/import', 'post'], ['/v1/leads/{id}', 'get'],
      ['/v1/leads/{id}/discovery', 'post'], ['/v1/leads/{id}/scope', 'post'], ['/v1/leads/{id}/commercial', 'post'],
      ['/v1/leads/{id}/disqualify', 'post'], ['/v1/leads/{id}/engagement', 'post'], ['/v1/leads/{id}/reengage', 'post'],
      ['/v1/reports/funnel', 'get'], ['/v1/rules/simulate', 'post'], ['/healthz', 'get'], ['/readyz', 'get'], ['/metrics', 'get'],
    ] as Array<[string, string]>) {
      expect({ path, method, documented: Boolean(doc.paths[path]?.[method]) }).toEqual({ path, method, documented: true });
    }
    const intake = doc.components.schemas.LeadIntake;
    expect(intake.additionalProperties).toBe(false);
    expect(intake.required).toEqual(expect.arrayContaining(['companyName', 'domain', 'contact', 'primaryInterest', 'source']));
    expect(intake.properties.primaryInterest.enum).toEqual(['incident_response', 'monitoring', 'vulnerability_management', 'iam', 'compliance', 'other']);
    expect(doc.paths['/v1/leads/{id}/discovery'].post.responses['409'].content['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/Problem' });
    expect(doc.paths['/v1/leads'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['stage', 'team', 'outcome', 'owner', 'cursor', 'limit']),
    );
    const page = await request(h.app).get('/docs').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('POST /v1/leads/{id}/discovery');
    expect(page.text).toContain('id="schema-Discovery"');
  });

  it('exposes Prometheus metrics: latency by route and status, leads started, rejections, outcomes', async () => {
    const app = h.appWith({});
    await request(app).post('/v1/leads').set(bearer(h.keys.intake)).send({
      companyName: 'Metrics Co', domain: `metrics-${randomUUID().slice(0, 8)}.com`, primaryInterest: 'monitoring', source: 'inbound_form',
      contact: { name: 'Ana Reyes', email: `ana@metrics-${randomUUID().slice(0, 8)}.com`, title: 'CISO' },
    }).expect(202);
    await request(app).post(`/v1/leads/${someLead}/discovery`).set(bearer(h.keys.manager)).send({ needConfirmed: 'maybe' }).expect(422);
    await request(app).get(`/v1/leads/${someLead}`).set(bearer(h.keys.manager)).expect(404);
    await request(app).get('/metrics').expect(401);
    await request(app).get('/metrics').set(bearer(h.keys.intake)).expect(403);
    const text = (await request(app).get('/metrics').set(bearer(h.keys.manager)).expect(200)).text;
    expect(text).toMatch(/leadgate_http_request_duration_seconds_bucket\{[^}]*route="\/v1\/leads\/:id"[^}]*status="404"/);
    expect(text).toMatch(/leadgate_http_request_duration_seconds_count\{method="POST",route="\/v1\/leads",status="202"\} 1/);
    expect(text).toMatch(/leadgate_leads_started_total\{via="post"\} 1/);
    expect(text).toMatch(/leadgate_update_rejections_total\{action="discovery",reason="invalid_payload",decided_by="api"\} 1/);
    expect(text).toMatch(/leadgate_lead_outcomes\{status="\w+"\} \d+|# TYPE leadgate_lead_outcomes gauge/);
    expect(text).toContain('# TYPE leadgate_leads_by_stage gauge');
  });

  it('answers an unknown path with a 404 problem', async () => {
    const res = await request(h.app).get('/v2/leads');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ type: expect.stringContaining('not-found'), title: 'Not found', status: 404 });
  });
});
