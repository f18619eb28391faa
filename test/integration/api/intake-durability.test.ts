import { Client, Connection } from '@temporalio/client';
import request from 'supertest';
import { createApp } from '../../../api/app';
import { relayQueuedIntakes } from '../../../api/intake';
import { createMetrics } from '../../../api/metrics';
import { loadConfig } from '../../../config/config';
import { purgeHandedOverIntakes } from '../../../db/intake';
import { createPool } from '../../../db/pool';
import { createLogger } from '../../../platform/logger';
import { freePort } from '../../../platform/ports';
import { TEST_BUDGETS } from '../../support/budgets';
import { eventually } from '../../support/db';
import { inboundLead } from '../../support/intake';
import { bearer, createApiHarness, leadUntil, postRoutedLead, type ApiHarness } from './api-harness';

/** Intake that survives a Temporal it cannot reach, PostgreSQL errors as 503, and the per-lead engagement limit. */
let h: ApiHarness;
const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
const config = loadConfig({ ...TEST_BUDGETS, SEED_DEMO_DATA: 'false' });

beforeAll(async () => {
  h = await createApiHarness('durability', [{ repId: 'api-dur-ss-1', team: 'solution_specialist' }]);
});

afterAll(() => h?.close());

const relayDeps = () => ({ temporal: h.env.client, taskQueue: h.taskQueue, pool: h.pool, log });

const outboxRows = async (leadIds: string[]) =>
  (await h.pool.query<{ lead_id: string; status: string; result: string | null }>(
    'SELECT lead_id, status, result FROM intake_outbox WHERE lead_id = ANY($1) ORDER BY created_at', [leadIds],
  )).rows;

async function runCount(leadId: string): Promise<number> {
  const runs: string[] = [];
  for await (const run of h.env.client.workflow.list({ query: `WorkflowId = '${leadId}'` })) runs.push(run.runId);
  return runs.length;
}

describe('when Temporal cannot take an intake', () => {
  let unreachable: Client;
  beforeAll(async () => {
    // A workflow service nobody answers at: what the API sees while Temporal is down.
    unreachable = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${await freePort()}` }), namespace: 'default' });
  });
  afterAll(() => unreachable.connection.close());

  it('keeps it (202 queued) and the relay starts each lead once Temporal answers, never twice', async () => {
    const app = createApp({ temporal: unreachable, namespace: 'default', taskQueue: h.taskQueue, pool: h.pool, log, config });
    const intakes = [inboundLead(), inboundLead(), inboundLead()];
    const answers = await Promise.all(intakes.map((intake, i) => request(app).post('/v1/leads').set(bearer(h.keys.intake)).set('Idempotency-Key', `dur-${i}-${intake.domain}`).send(intake)));
    expect(answers.map((a) => [a.status, a.body.status])).toEqual(intakes.map(() => [202, 'queued']));
    const leadIds = answers.map((a) => a.body.leadId as string);
    expect((await outboxRows(leadIds)).map((r) => r.status)).toEqual(['pending', 'pending', 'pending']);
    // An operator sees them waiting (a fresh registry: the gauges cache their reading).
    const waiting = await createMetrics({ pool: h.pool }).registry.getSingleMetricAsString('leadgate_intake_pending');
    expect(Number(/^leadgate_intake_pending (\d+)$/m.exec(waiting)?.[1])).toBeGreaterThanOrEqual(3);
    // The first has waited ten minutes: the age an operator alerts on.
    await h.pool.query("UPDATE intake_outbox SET created_at = now() - interval '10 minutes' WHERE lead_id = $1", [leadIds[0]]);
    const oldest = await createMetrics({ pool: h.pool }).registry.getSingleMetricAsString('leadgate_intake_pending_oldest_seconds');
    expect(Number(/^leadgate_intake_pending_oldest_seconds (\d+)$/m.exec(oldest)?.[1])).toBeGreaterThanOrEqual(600);
    // A replay of a queued request is a duplicate of it, not a second submission.
    const replay = await request(app).post('/v1/leads').set(bearer(h.keys.intake)).set('Idempotency-Key', `dur-0-${intakes[0]!.domain}`).send(intakes[0]!);
    expect(replay.body).toEqual({ leadId: leadIds[0], status: 'duplicate' });
    expect(await outboxRows(leadIds)).toHaveLength(3);

    // A relay pass while Temporal is still away hands nothing over and loses nothing.
    const pass = await relayQueuedIntakes({ ...relayDeps(), temporal: unreachable });
    expect(pass).toMatchObject({ handedOver: 0, failed: expect.any(Number) });
    expect(pass.failed).toBeGreaterThanOrEqual(1);
    expect((await outboxRows(leadIds)).map((r) => r.status)).toEqual(['pending', 'pending', 'pending']);

    await eventually(async () => {
      await relayQueuedIntakes(relayDeps());
      return outboxRows(leadIds);
    }, (rows) => rows.every((r) => r.status === 'handed_over'));
    expect((await outboxRows(leadIds)).map((r) => r.result)).toEqual(['accepted', 'accepted', 'accepted']);
    for (const leadId of leadIds) {
      const view = await leadUntil(h, leadId, (v) => v.stage === 'awaiting_discovery' && v.owner !== null);
      expect(view.events.filter((e) => e.type === 'captured')).toHaveLength(1);
    }

    // A hand-over whose "done" mark was lost is repeated by the relay: still one run, no resubmission, one notification.
    await h.pool.query("UPDATE intake_outbox SET status = 'pending', claimed_until = now() WHERE lead_id = $1", [leadIds[0]]);
    await eventually(async () => {
      await relayQueuedIntakes(relayDeps());
      return outboxRows([leadIds[0]!]);
    }, (rows) => rows[0]!.status === 'handed_over');
    const view = await leadUntil(h, leadIds[0]!, (v) => v.stage === 'awaiting_discovery');
    expect(view.events.filter((e) => e.type === 'resubmitted')).toEqual([]);
    for (const leadId of leadIds) {
      expect(await runCount(leadId)).toBe(1);
      const told = await h.pool.query("SELECT count(*)::int AS n FROM notification_outbox WHERE lead_id = $1 AND kind LIKE '%lead_assigned'", [leadId]);
      expect(told.rows[0].n).toBe(1);
    }

    // Handed-over submissions leave the outbox after a week.
    await h.pool.query("UPDATE intake_outbox SET handed_over_at = now() - interval '8 days' WHERE lead_id = $1", [leadIds[0]]);
    expect(await purgeHandedOverIntakes(h.pool)).toBeGreaterThanOrEqual(1);
    expect((await outboxRows(leadIds)).map((r) => r.lead_id)).toEqual(leadIds.slice(1));
  });
});

describe('when PostgreSQL cannot be reached', () => {
  it('answers 503 problem+json with Retry-After, quickly, on every route', async () => {
    const pool = createPool(`postgres://nobody@127.0.0.1:${await freePort()}/none`, 2);
    try {
      const app = createApp({ temporal: h.env.client, namespace: 'default', taskQueue: h.taskQueue, pool, log, config });
      for (const call of [
        () => request(app).post('/v1/leads').set(bearer(h.keys.intake)).send(inboundLead()),
        () => request(app).get('/v1/leads').set(bearer(h.keys.manager)),
        () => request(app).post('/v1/leads/lead_00000000000000000000/engagement').set(bearer(h.keys.intake)).send({ type: 'replied' }),
      ]) {
        const started = Date.now();
        const res = await call();
        // Speed is the benchmark's business; this only rules out a hang.
        expect(Date.now() - started).toBeLessThan(15_000);
        expect(res.status).toBe(503);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(res.headers['retry-after']).toBe('5');
      }
    } finally {
      await pool.end();
    }
  });
});

describe('engagement rate limit', () => {
  it('takes a bounded number of engagement events per lead and minute (429 with Retry-After beyond), other leads unaffected', async () => {
    const app = h.appWith({ ENGAGEMENT_RATE_LIMIT_PER_MINUTE: 3 });
    const [flooded, other] = await Promise.all([postRoutedLead(h), postRoutedLead(h)]);
    const send = (leadId: string) => request(app).post(`/v1/leads/${leadId}/engagement`).set(bearer(h.keys.intake)).send({ type: 'page_view' });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await send(flooded.leadId)).status);
    expect(statuses).toEqual([202, 202, 202, 429]);
    const limited = await send(flooded.leadId);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await send(other.leadId)).status).toBe(202);
  });
});
