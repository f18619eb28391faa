/**
 * Console sign-in and the manager endpoints behind it, over HTTP against the
 * real app, Temporal and PostgreSQL: sessions stand for the same principal a
 * key does, changes need the CSRF token, failures lock an email out, sessions
 * expire and end, and publishing a ruleset is validated, manager-only and recorded.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import type { Express } from 'express';
import request from 'supertest';
import { defaultRuleset } from '../../../domain';
import { createFreshDatabase } from '../../../db/fresh-database';
import { migrate } from '../../../db/migrate';
import { createPool } from '../../../db/pool';
import { DEMO_REPS, seedDemoReps } from '../../../db/seed';
import { createUser, seedDemoLogins, signIn as checkPassword } from '../../../db/users';
import { projectRoot } from '../../../platform/project-root';
import { eventually } from '../../support/db';
import { testServices } from '../../support/services';
import { bearer, createApiHarness, postRoutedLead, type ApiHarness } from './api-harness';

const COST = 4; // bcrypt's minimum: the tests check behaviour, not hashing speed.
const tag = randomUUID().slice(0, 6);
const REP_A = `cs-a-${tag}`;
const REP_B = `cs-b-${tag}`;
const PASSWORD = 'correct horse battery staple';

let h: ApiHarness;
let app: Express;
const logins = { repA: `${REP_A}-${tag}@example.com`, repB: `${REP_B}-${tag}@example.com`, manager: `mgr-${tag}@example.com` };

beforeAll(async () => {
  h = await createApiHarness('console', [
    { repId: REP_A, team: 'solution_specialist' },
    { repId: REP_B, team: 'solution_specialist' },
  ]);
  app = h.appWith({ PASSWORD_HASH_COST: COST });
  await Promise.all([loginFor(REP_A), loginFor(REP_B)]);
  await createUser(h.pool, { email: logins.manager, name: 'Manager', role: 'manager', password: PASSWORD, createdBy: 'test' }, COST);
});

afterAll(() => h?.close());

const repLogins = new Map<string, Promise<string>>();
/** A login for any rep (leads may route to reps of other files on the shared database). */
function loginFor(repId: string): Promise<string> {
  if (!repLogins.has(repId)) {
    const email = `${repId}-${tag}@example.com`;
    repLogins.set(repId, createUser(h.pool, { email, name: repId, role: 'rep', repId, password: PASSWORD, createdBy: 'test' }, COST).then(() => email));
  }
  return repLogins.get(repId)!;
}

async function signIn(target: Express, email: string, password = PASSWORD) {
  const agent = request.agent(target);
  const res = await agent.post('/v1/session').send({ email, password });
  return { agent, res, csrf: res.body.csrfToken as string };
}

describe('console sessions', () => {
  it('signs in with an HttpOnly SameSite=Strict cookie that acts as the login\'s role and rep', async () => {
    const { agent, res } = await signIn(app, logins.repA);
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({ email: logins.repA, role: 'rep', repId: REP_A });
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/lg_session=[A-Za-z0-9_-]{43}/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Max-Age=\d+/);
    // The database keeps only a hash of the cookie value.
    const token = /lg_session=([^;]+)/.exec(cookie)![1]!;
    const stored = await h.pool.query('SELECT * FROM user_sessions WHERE session_hash = encode(sha256($1::bytea), \'hex\')', [token]);
    expect(stored.rowCount).toBe(1);
    expect(JSON.stringify(stored.rows)).not.toContain(token);

    const me = await agent.get('/v1/session').expect(200);
    expect(me.body.user.repId).toBe(REP_A);
    // A rep session lists its own leads only, exactly like a rep key.
    expect((await agent.get('/v1/leads').query({ owner: REP_B })).status).toBe(403);
    expect((await agent.get('/v1/leads').query({ owner: REP_A })).status).toBe(200);
    expect((await agent.get('/v1/rules/active')).status).toBe(403);
  });

  it('refuses a wrong password and an unknown email with the same answer', async () => {
    const wrong = await request(app).post('/v1/session').send({ email: logins.repB, password: 'not the password at all' });
    const unknown = await request(app).post('/v1/session').send({ email: `nobody-${tag}@example.com`, password: 'not the password at all' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
    expect(strip(wrong.body)).toEqual(strip(unknown.body));
    expect(wrong.body.detail).toBe('The email or password is not right.');
    const missing = await request(app).post('/v1/session').send({ email: logins.repB });
    expect(missing.status).toBe(422);
    expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'password' })]);
  });

  it('refuses a state-changing call without the session\'s CSRF token', async () => {
    const { leadId } = await postRoutedLead(h);
    const { agent, csrf } = await signIn(app, logins.manager);
    const body = { type: 'replied', detail: 'Answered the follow-up email' };
    const none = await agent.post(`/v1/leads/${leadId}/engagement`).send(body);
    expect(none.status).toBe(403);
    expect(none.body.reason).toBe('csrf');
    const forged = await agent.post(`/v1/leads/${leadId}/engagement`).set('X-CSRF-Token', 'A'.repeat(43)).send(body);
    expect(forged.status).toBe(403);
    await agent.post(`/v1/leads/${leadId}/engagement`).set('X-CSRF-Token', csrf).send(body).expect(202);
    // Reads need no token.
    await agent.get(`/v1/leads/${leadId}`).expect(200);
  });

  it('keeps reps to their own leads, as keys do', async () => {
    const { leadId, view } = await postRoutedLead(h);
    const owner = await loginFor(view.owner!);
    const other = view.owner === REP_A ? logins.repB : logins.repA;
    const mine = await signIn(app, owner);
    await mine.agent.get(`/v1/leads/${leadId}`).expect(200);
    await mine.agent.get(`/v1/leads/${leadId}/intake`).expect(200);
    const theirs = await signIn(app, other);
    // Another rep's lead is answered exactly like a missing one.
    const refused = await theirs.agent.get(`/v1/leads/${leadId}`);
    const missing = await theirs.agent.get('/v1/leads/lead_00000000000000000000');
    expect([refused.status, refused.body.detail]).toEqual([404, missing.body.detail]);
    expect((await theirs.agent.get(`/v1/leads/${leadId}/intake`)).status).toBe(404);
  });

  it('locks an email after repeated failures, known or not, even for the right password', async () => {
    const strict = h.appWith({ PASSWORD_HASH_COST: COST, LOGIN_MAX_FAILURES: 2, LOGIN_LOCK_SECONDS: 300 });
    const email = `locked-${tag}@example.com`;
    await createUser(h.pool, { email, name: 'Locked', role: 'manager', password: PASSWORD, createdBy: 'test' }, COST);
    const unknown = `ghost-${tag}@example.com`;
    for (const target of [email, unknown]) {
      expect((await request(strict).post('/v1/session').send({ email: target, password: 'wrong password 1' })).status).toBe(401);
      const second = await request(strict).post('/v1/session').send({ email: target, password: 'wrong password 2' });
      expect(second.status).toBe(429);
      expect(Number(second.headers['retry-after'])).toBeGreaterThan(0);
    }
    const right = await request(strict).post('/v1/session').send({ email, password: PASSWORD });
    expect(right.status).toBe(429);
    expect(right.body.reason).toBe('locked');
    // Another email is not affected.
    expect((await signIn(strict, logins.manager)).res.status).toBe(201);
  });

  it('ends a session at its expiry', async () => {
    const shortLived = h.appWith({ PASSWORD_HASH_COST: COST, SESSION_TTL_SECONDS: 2 });
    const { res } = await signIn(shortLived, logins.repA);
    const token = /lg_session=([^;]+)/.exec(String(res.headers['set-cookie']))![1]!;
    const { rows } = await h.pool.query("SELECT extract(epoch FROM expires_at - created_at)::int AS ttl FROM user_sessions WHERE session_hash = encode(sha256($1::bytea), 'hex')", [token]);
    expect(rows[0].ttl).toBe(2);
    // The cookie is sent by hand, past its Max-Age: the server itself must refuse it.
    const ended = await eventually(() => request(shortLived).get('/v1/session').set('Cookie', `lg_session=${token}`), (r) => r.status === 401, 10_000);
    expect(ended.body.reason).toBe('session_ended');
    expect((await request(shortLived).get('/v1/leads').set('Cookie', `lg_session=${token}`)).status).toBe(401);
  });

  it('signs out: the cookie is cleared and its session no longer works anywhere', async () => {
    const { agent, res, csrf } = await signIn(app, logins.repB);
    const cookie = /lg_session=[^;]+/.exec(String(res.headers['set-cookie']))![0];
    expect((await agent.delete('/v1/session')).status).toBe(403);
    const out = await agent.delete('/v1/session').set('X-CSRF-Token', csrf);
    expect(out.status).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/lg_session=;/);
    expect((await request(app).get('/v1/leads').set('Cookie', cookie)).status).toBe(401);
  });

  it('lets a manager add a rep and a login; deactivating the rep or the login ends its sessions', async () => {
    const { agent, csrf } = await signIn(app, logins.manager);
    const repId = `cs-new-${tag}`;
    const badRep = await agent.post('/v1/reps').set('X-CSRF-Token', csrf).send({ repId: 'bad id!', name: '', team: 'nope', capacity: -1 });
    expect(badRep.status).toBe(422);
    expect(badRep.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['capacity', 'name', 'repId', 'team']);
    await agent.post('/v1/reps').set('X-CSRF-Token', csrf).send({ repId, name: 'New Rep', team: 'iam', capacity: 5 }).expect(201);
    const created = await agent.post('/v1/users').set('X-CSRF-Token', csrf).send({ email: `new-${tag}@example.com`, name: 'New Rep', role: 'rep', repId });
    expect(created.status).toBe(201);
    expect(created.body.password).toEqual(expect.any(String));
    const duplicate = await agent.post('/v1/users').set('X-CSRF-Token', csrf).send({ email: `new-${tag}@example.com`, name: 'Again', role: 'rep', repId });
    expect(duplicate.status).toBe(422);
    expect(duplicate.body.errors).toEqual([expect.objectContaining({ field: 'email' })]);

    const newcomer = await signIn(app, `new-${tag}@example.com`, created.body.password);
    expect(newcomer.res.body.user.repId).toBe(repId);
    const load = await agent.get('/v1/reps').expect(200);
    expect(load.body.items).toContainEqual(expect.objectContaining({ repId, capacity: 5, openLeads: 0, active: true }));

    // Deactivating the rep locks the rep's console out too, as it does the rep's keys; reactivating lets the login back in.
    await agent.post(`/v1/reps/${repId}/deactivate`).set('X-CSRF-Token', csrf).expect(200);
    expect((await newcomer.agent.get('/v1/session')).status).toBe(401);
    expect((await signIn(app, `new-${tag}@example.com`, created.body.password)).res.status).toBe(401);
    await h.pool.query('UPDATE reps SET active = true WHERE rep_id = $1', [repId]);
    expect((await newcomer.agent.get('/v1/session')).status).toBe(200);

    await agent.post(`/v1/users/${created.body.user.userId}/deactivate`).set('X-CSRF-Token', csrf).expect(200);
    expect((await newcomer.agent.get('/v1/session')).status).toBe(401);
    expect((await signIn(app, `new-${tag}@example.com`, created.body.password)).res.status).toBe(401);
    const self = await agent.get('/v1/session');
    expect((await agent.post(`/v1/users/${self.body.user.userId}/deactivate`).set('X-CSRF-Token', csrf)).status).toBe(409);
    // Reps cannot manage people.
    const rep = await signIn(app, logins.repA);
    expect((await rep.agent.get('/v1/users')).status).toBe(403);
  });
});

describe('publishing rules', () => {
  it('is for managers only', async () => {
    const rep = await signIn(app, logins.repA);
    const res = await rep.agent.post('/v1/rules').set('X-CSRF-Token', rep.csrf).send({ ruleset: defaultRuleset });
    expect(res.status).toBe(403);
    expect((await request(app).post('/v1/rules').set(bearer(await h.repKey(REP_A))).send({ ruleset: defaultRuleset })).status).toBe(403);
  });

  it('names every invalid path and publishes nothing', async () => {
    const before = await request(app).get('/v1/rules/active').set(bearer(h.keys.manager)).expect(200);
    const broken = { ...defaultRuleset, sla: { ...defaultRuleset.sla, urgent: 'soon' }, routing: undefined };
    const res = await request(app).post('/v1/rules').set(bearer(h.keys.manager)).send({ ruleset: broken });
    expect(res.status).toBe(422);
    const fields = (res.body.errors as Array<{ field: string }>).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['ruleset.sla.urgent', 'ruleset.routing']));
    expect((await request(app).post('/v1/rules').set(bearer(h.keys.manager)).send({})).body.errors).toEqual([expect.objectContaining({ field: 'ruleset' })]);
    const after = await request(app).get('/v1/rules/active').set(bearer(h.keys.manager)).expect(200);
    expect(after.body.version).toBe(before.body.version);
  });

  it('makes a valid ruleset the active one and records who published it', async () => {
    const { agent, csrf, res: signedIn } = await signIn(app, logins.manager);
    const ruleset = { ...defaultRuleset, version: `console-${tag}` };
    const published = await agent.post('/v1/rules').set('X-CSRF-Token', csrf).send({ ruleset });
    expect(published.status).toBe(201);
    expect(published.body).toMatchObject({ version: expect.stringMatching(new RegExp(`^console-${tag}\\+`)), publishedBy: `session:${signedIn.body.user.userId}` });
    const active = await agent.get('/v1/rules/active').expect(200);
    expect(active.body.version).toBe(published.body.version);
    const history = await agent.get('/v1/rules/publications').expect(200);
    expect(history.body.items[0]).toEqual({ ...published.body, publisherEmail: logins.manager });
    // Publishing the shipped rules again puts them back for the other files' checks.
    await request(app).post('/v1/rules').set(bearer(h.keys.manager)).send({ ruleset: defaultRuleset }).expect(201);
  });
});

describe('serving the console', () => {
  it('says how to build the console when it is not built, and / leads to it', async () => {
    const unbuilt = h.appWith({ CONSOLE_DIR: `no-console-${tag}` });
    const res = await request(unbuilt).get('/app/queue');
    expect(res.status).toBe(503);
    expect(res.body.detail).toMatch(/npm run build/);
    expect((await request(unbuilt).get('/')).headers.location).toBe('/app/');
  });
});

describe('the API document', () => {
  it('documents the console endpoints from their schemas', async () => {
    const doc = (await request(app).get('/openapi.json').expect(200)).body;
    for (const [path, method] of [
      ['/v1/session', 'post'], ['/v1/session', 'get'], ['/v1/session', 'delete'], ['/v1/rules', 'post'], ['/v1/rules/publications', 'get'],
      ['/v1/reps', 'get'], ['/v1/reps', 'post'], ['/v1/reps/{repId}/deactivate', 'post'], ['/v1/users', 'get'], ['/v1/users', 'post'],
      ['/v1/users/{userId}/deactivate', 'post'], ['/v1/leads/{id}/intake', 'get'],
    ] as Array<[string, string]>) {
      expect({ path, method, documented: Boolean(doc.paths[path]?.[method]) }).toEqual({ path, method, documented: true });
    }
    expect(doc.components.schemas.NewUser.properties.role.enum).toEqual(['rep', 'manager']);
    expect(doc.paths['/v1/leads'].get.parameters.map((p: { name: string }) => p.name)).toContain('slaBreached');
  });
});

describe('logins from the command line and on first start', () => {
  const run = promisify(execFile);
  const policy = { maxFailures: 5, lockSeconds: 30, maxLockSeconds: 900, hashCost: COST };

  it('adds a login with a generated password, lists it and deactivates it', async () => {
    const env = { ...process.env, DATABASE_URL: testServices().databaseUrl, SEED_DEMO_DATA: 'false', PASSWORD_HASH_COST: String(COST) };
    const email = `cli-${tag}@example.com`;
    const added = await run('npm', ['run', '--silent', 'users', '--', 'add', '--email', email, '--role', 'rep', '--rep', REP_A, '--name', 'Cli Rep'], { cwd: projectRoot(), env });
    const password = added.stdout.trim();
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(added.stderr).not.toContain(password);
    const session = await signIn(app, email, password);
    expect(session.res.body.user).toMatchObject({ role: 'rep', repId: REP_A });
    const listed = await run('npm', ['run', '--silent', 'users', '--', 'list'], { cwd: projectRoot(), env });
    expect(listed.stdout).toMatch(new RegExp(`${email}\trep\t${REP_A}\tactive`));
    expect(listed.stdout).not.toContain(password);
    await run('npm', ['run', '--silent', 'users', '--', 'deactivate', email], { cwd: projectRoot(), env });
    expect((await session.agent.get('/v1/session')).status).toBe(401);
    await expect(run('npm', ['run', '--silent', 'users', '--', 'add', '--email', 'not-an-email', '--role', 'rep'], { cwd: projectRoot(), env })).rejects.toMatchObject({ code: 2 });

    const chosen = run('npm', ['run', '--silent', 'users', '--', 'add', '--email', `cli-mgr-${tag}@example.com`, '--role', 'manager', '--password-stdin'], { cwd: projectRoot(), env });
    chosen.child.stdin?.end('a password I chose myself\n');
    expect((await chosen).stdout).toBe('');
    expect((await signIn(app, `cli-mgr-${tag}@example.com`, 'a password I chose myself')).res.status).toBe(201);
  }, 60_000);

  it('creates demo logins for a manager and every demo rep on a database without logins, once', async () => {
    const db = await createFreshDatabase(testServices().databaseUrl, 'leadgate_demo_logins');
    const pool = createPool(db.url, 2);
    try {
      await migrate(pool);
      await seedDemoReps(pool);
      const demo = await seedDemoLogins(pool, COST);
      const reps = DEMO_REPS.filter((r) => !r.isTeamLead).map((r) => r.repId).sort();
      expect(demo?.map((l) => [l.email, l.role, l.repId])).toEqual([
        ['manager@leadgate.example', 'manager', null],
        ...reps.map((repId) => [`${repId}@leadgate.example`, 'rep', repId]),
      ]);
      for (const login of demo!) await expect(checkPassword(pool, login.email, login.password, policy)).resolves.toMatchObject({ ok: true });
      await expect(seedDemoLogins(pool, COST)).resolves.toBeNull();
    } finally {
      await pool.end();
      await db.drop();
    }
  });
});
