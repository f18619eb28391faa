import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import request from 'supertest';
import { createApp } from '../../api/app';
import { loadConfig } from '../../config/config';
import { loadMigrations, migrate, pendingMigrations } from '../../db/migrate';
import { deliverDueNotifications, enqueueNotification, type Deliver } from '../../db/outbox';
import { createPool } from '../../db/pool';
import { isDatabaseUnavailable } from '../../db/errors';
import { freePort } from '../../platform/ports';
import { projectRoot } from '../../platform/project-root';
import { createLogger } from '../../platform/logger';
import { verifyWebhook } from '../../platform/webhook-signature';
import { webhookDelivery } from '../../worker/notification-dispatcher';
import { LEAD_TASK_QUEUE } from '../../workflows/ids';
import { eventually, testPool } from '../support/db';
import { leadDataConverter } from '../../platform/data-converter';
import { TEST_PAYLOAD_KEYS } from '../support/payload-keys';
import { testServices } from '../support/services';

const pool = testPool();
let connection: Connection;
let temporal: Client;

beforeAll(async () => {
  connection = await Connection.connect({ address: testServices().temporalAddress });
  temporal = new Client({ connection, dataConverter: leadDataConverter(TEST_PAYLOAD_KEYS) });
});
afterAll(async () => {
  await pool.end();
  await connection.close();
});

function app(deps: { pool?: ReturnType<typeof createPool> } = {}) {
  return createApp({
    temporal,
    namespace: 'default',
    taskQueue: LEAD_TASK_QUEUE,
    pool: deps.pool ?? pool,
    log: createLogger('silent'),
    config: loadConfig({}),
  });
}

describe('health', () => {
  it('answers /healthz while the process lives', async () => {
    await request(app()).get('/healthz').expect(200, { status: 'ok' });
  });

  it('is ready when Temporal, its namespace, PostgreSQL and the schema all answer', async () => {
    const res = await request(app()).get('/readyz').expect(200);
    expect(res.body).toEqual({
      status: 'ready',
      checks: { temporal: { ok: true, detail: 'namespace default' }, postgres: { ok: true }, migrations: { ok: true } },
    });
  });

  it('is not ready, naming the part, when PostgreSQL is unreachable', async () => {
    const unreachable = createPool(`postgres://nobody@127.0.0.1:${await freePort()}/none`, 1);
    try {
      const res = await request(app({ pool: unreachable })).get('/readyz').expect(503);
      expect(res.body.status).toBe('not_ready');
      expect(res.body.checks.temporal.ok).toBe(true);
      expect(res.body.checks.postgres).toEqual({ ok: false, detail: 'unavailable' });
      // The raw driver error (host, port, user) stays in the log, out of an unauthenticated probe.
      expect(JSON.stringify(res.body)).not.toMatch(/127\.0\.0\.1|nobody|ECONNREFUSED/);
    } finally {
      await unreachable.end();
    }
  });
});

describe('database pool', () => {
  it('survives a checked-out client losing its connection between statements, and reports it on its next query', async () => {
    const own = createPool(testServices().databaseUrl, 1);
    try {
      const client = await own.connect();
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      // As a server shutdown does to a client held across a webhook call or a Temporal call.
      await pool.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
      // Idle on our side when the connection goes: the driver raises it as an 'error' event on the client, not on a query.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const failure: unknown = await client.query('SELECT 1').then(() => 'answered', (error: unknown) => error);
      expect(isDatabaseUnavailable(failure)).toBe(true);
      client.release(failure as Error);
      expect((await own.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await own.end();
    }
  });
});

describe('migrations', () => {
  it('are all applied by start-up and applying them again changes nothing', async () => {
    expect(await pendingMigrations(pool)).toEqual([]);
    expect(await migrate(pool)).toEqual([]);
  });

  it('refuse to run when an applied migration was edited', async () => {
    const edited = loadMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'edited' } : m));
    await expect(migrate(pool, edited)).rejects.toThrow(/001_initial was changed after it was applied/);
  });

  it('apply concurrently exactly once under the advisory lock', async () => {
    const extra = [...loadMigrations(), { id: '999_concurrency_probe', sql: 'CREATE TABLE concurrency_probe (id int)', checksum: 'probe' }];
    const results = await Promise.all([migrate(pool, extra), migrate(pool, extra), migrate(pool, extra)]);
    expect(results.flat()).toEqual(['999_concurrency_probe']);
    await pool.query("DROP TABLE concurrency_probe; DELETE FROM schema_migrations WHERE id = '999_concurrency_probe'");
  });
});

describe('notification outbox delivery', () => {
  it('delivers queued messages to the webhook once and backs off after a failure', async () => {
    // The outbox is shared with every other test's leads: this hook fails and records only ours.
    const leadId = `lead_outbox_${Date.now()}`;
    const received: Array<{ kind: string; key: string | undefined; signed: boolean }> = [];
    const secret = 'test-webhook-secret-0123456789abcdef';
    let failedOnce = false;
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        const message = JSON.parse(body) as { kind: string; leadId: string };
        if (message.leadId === leadId && !failedOnce) {
          failedOnce = true;
          res.writeHead(503).end();
          return;
        }
        if (message.leadId === leadId) {
          const signed = verifyWebhook(secret, req.headers['leadgate-signature'] as string | undefined, body);
          received.push({ kind: message.kind, key: req.headers['idempotency-key'] as string | undefined, signed });
        }
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    try {
      await enqueueNotification(pool, { leadId, cycle: 0, kind: 'lead_assigned', recipientRepId: 'rep-a', recipientTeam: 'iam', payload: { companyName: 'Acme' } });
      const deliver = webhookDelivery(url, secret);
      const ours = async () => (await pool.query('SELECT attempts, delivered_at, last_error, next_attempt_at > now() AS backing_off FROM notification_outbox WHERE lead_id = $1', [leadId])).rows[0];

      // Batches are oldest first, so drain until ours has been tried.
      const deliverUntil = (accept: (row: Awaited<ReturnType<typeof ours>>) => boolean) =>
        eventually(async () => (await deliverDueNotifications(pool, deliver), ours()), accept);

      expect(await deliverUntil((row) => row.attempts >= 1)).toMatchObject({ attempts: 1, delivered_at: null, last_error: 'webhook answered 503', backing_off: true });
      await pool.query('UPDATE notification_outbox SET next_attempt_at = now() WHERE lead_id = $1', [leadId]);
      expect(await deliverUntil((row) => row.delivered_at !== null)).toMatchObject({ attempts: 2, delivered_at: expect.any(Date), last_error: null });
      await deliverDueNotifications(pool, deliver);
      expect(received).toEqual([{ kind: 'lead_assigned', key: `${leadId}:0:lead_assigned`, signed: true }]);
    } finally {
      server.close();
    }
  });

  it("sends one lead's messages in the order they were queued, a slow one holding up only its own lead", async () => {
    const slowLead = `lead_outbox_order_${Date.now()}`;
    const otherLead = `${slowLead}_other`;
    const queue = (leadId: string, kind: string) => enqueueNotification(pool, { leadId, cycle: 0, kind, recipientRepId: 'rep-a', recipientTeam: 'iam', payload: {} });
    // What other tests left due goes first, so these three share one batch.
    while ((await deliverDueNotifications(pool, async () => undefined, 500)).delivered > 0);
    await queue(slowLead, 'lead_assigned');
    await queue(slowLead, 'outcome_qualified');
    await queue(otherLead, 'lead_assigned');
    const log: string[] = [];
    const deliver: Deliver = async (n) => {
      if (!n.leadId.startsWith(slowLead)) return;
      log.push(`start ${n.messageKey}`);
      if (n.kind === 'lead_assigned' && n.leadId === slowLead) await new Promise((resolve) => setTimeout(resolve, 300));
      log.push(`end ${n.messageKey}`);
    };
    await eventually(async () => (await deliverDueNotifications(pool, deliver), log.filter((l) => l.startsWith('end')).length), (n) => n >= 3);
    const slow = log.filter((l) => l.includes(`${slowLead}:`));
    expect(slow).toEqual([`start ${slowLead}:0:lead_assigned`, `end ${slowLead}:0:lead_assigned`, `start ${slowLead}:0:outcome_qualified`, `end ${slowLead}:0:outcome_qualified`]);
    // The other lead went out while the slow one waited.
    expect(log.indexOf(`end ${otherLead}:0:lead_assigned`)).toBeLessThan(log.indexOf(`end ${slowLead}:0:lead_assigned`));
  });

  it('holds no transaction or lock while a receiver is slow, and a second dispatcher does not send the same message meanwhile', async () => {
    const leadId = `lead_outbox_slow_${Date.now()}`;
    await enqueueNotification(pool, { leadId, cycle: 0, kind: 'lead_assigned', recipientRepId: 'rep-a', recipientTeam: 'iam', payload: { companyName: 'Acme' } });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let inFlight!: () => void;
    const reached = new Promise<void>((resolve) => (inFlight = resolve));
    const sent: string[] = [];
    // Every other test's messages go through at once; ours waits until released.
    const deliver: Deliver = async (n) => {
      if (n.leadId !== leadId) return;
      sent.push(n.messageKey);
      inFlight();
      await released;
    };
    const first = eventually(() => deliverDueNotifications(pool, deliver).then(() => sent.length), (count) => count > 0);
    await reached;

    // Another connection may change the row at once: no lock is held across the call.
    const probe = await pool.connect();
    try {
      await probe.query("SET lock_timeout = '1s'");
      await probe.query('UPDATE notification_outbox SET last_error = last_error WHERE lead_id = $1', [leadId]);
      const open = await probe.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'");
      expect(open.rows[0].n).toBe(0);
    } finally {
      probe.release();
    }
    // A second dispatcher finds it claimed, not due.
    await deliverDueNotifications(pool, deliver);
    expect(sent).toEqual([`${leadId}:0:lead_assigned`]);

    release();
    await first;
    const row = (await pool.query('SELECT attempts, delivered_at FROM notification_outbox WHERE lead_id = $1', [leadId])).rows[0];
    expect(row).toMatchObject({ attempts: 1, delivered_at: expect.any(Date) });
    await deliverDueNotifications(pool, deliver);
    expect(sent).toEqual([`${leadId}:0:lead_assigned`]);
  });
});

describe('embedded PostgreSQL', () => {
  /** Starts it in a process of its own (the test runner cannot load the package); its exit code and what it printed. */
  function startPostgres(dataDir: string, port: number): Promise<{ code: number | null; stderr: string }> {
    const entry = path.join(projectRoot(), 'test', 'faults', 'support', 'postgres-process.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', entry], { env: { ...process.env, FAULT_PG_DIR: dataDir, FAULT_PG_PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve) => child.once('close', (code) => resolve({ code, stderr })));
  }

  it("says why it did not start when its port is taken, quoting the server's own lines (the package itself gives no reason)", async () => {
    const busy = http.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const { port } = busy.address() as AddressInfo;
    const dataDir = mkdtempSync(path.join(tmpdir(), 'leadgate-pg-busy-'));
    // As root, PostgreSQL runs as its own user, which must reach the data folder inside.
    chmodSync(dataDir, 0o755);
    try {
      const { code, stderr } = await startPostgres(dataDir, port);
      expect(code).toBe(1);
      const reason = stderr.slice(stderr.indexOf('PostgreSQL did not start'));
      expect(reason).toContain(`PostgreSQL did not start (port ${port}, data in ${dataDir}). Its last lines:`);
      expect(reason).toMatch(/Address already in use/);
    } finally {
      busy.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
