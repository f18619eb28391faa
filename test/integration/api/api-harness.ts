/**
 * One per API test file: the real app (`createApp`) on the shared dev server
 * and PostgreSQL, a worker on the file's own task queue pinned to the file's
 * own ruleset version (so reports can be scoped to this file's leads), and
 * keys for every role.
 */
import { randomUUID } from 'node:crypto';
import type { Worker } from '@temporalio/worker';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../../api/app';
import { loadConfig, type Config } from '../../../config/config';
import { createApiKey } from '../../../db/api-keys';
import { parseRuleset, type LeadIntake, type Ruleset } from '../../../domain';
import type { LeadView } from '../../../domain/lead-view';
import { createLogger } from '../../../platform/logger';
import { AesGcmPayloadCodec } from '../../../platform/payload-codec';
import { TEST_PAYLOAD_KEYS } from '../../support/payload-keys';
import { TEST_BUDGETS } from '../../support/budgets';
import { eventually } from '../../support/db';
import { inboundLead } from '../../support/intake';
import { closeHarness, createHarness, type Harness, type TestRep } from '../../support/lead-harness';
import { fastRuleset } from '../../support/rulesets';
import { createTestWorker, uniqueTaskQueue } from '../../support/temporal';

export interface ApiHarness extends Harness {
  app: Express;
  taskQueue: string;
  worker: Worker;
  keys: { intake: string; manager: string };
  /** A rep key for any rep id (created once per rep). */
  repKey(repId: string): Promise<string>;
  /** Another app on the same services with different settings (e.g. a low rate limit). */
  appWith(config: Partial<Config>): Express;
  close(): Promise<void>;
}

/** The shipped rules with short nurture clocks and SLAs long enough that no test sees a reminder unasked. */
export function apiRuleset(name: string, overrides: Parameters<typeof fastRuleset>[0] = {}): Ruleset {
  const base = fastRuleset({ sla: { urgent: '1h', high: '1h', standard: '1h' }, ...overrides });
  // A unique version per file: the funnel and lists can be filtered to this file's leads.
  return parseRuleset({ ...base, version: `api-${name}-${randomUUID().slice(0, 8)}` });
}

export async function createApiHarness(name: string, reps: TestRep[], ruleset: Ruleset = apiRuleset(name)): Promise<ApiHarness> {
  const h = await createHarness(reps, ruleset);
  const taskQueue = uniqueTaskQueue(`api-${name}`);
  const worker = await createTestWorker({ env: h.env, pool: h.pool, bundle: h.bundle, taskQueue, pinnedRulesetVersion: h.rulesetVersion });
  const running = worker.run();
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const baseConfig = loadConfig({ ...TEST_BUDGETS, SEED_DEMO_DATA: 'false' });
  const appWith = (config: Partial<Config>) =>
    createApp({ temporal: h.env.client, namespace: 'default', taskQueue, pool: h.pool, log, config: { ...baseConfig, ...config }, payloadCodec: new AesGcmPayloadCodec(TEST_PAYLOAD_KEYS) });
  const [intake, manager] = await Promise.all([
    createApiKey(h.pool, { role: 'intake', label: `test ${name}` }),
    createApiKey(h.pool, { role: 'manager', label: `test ${name}` }),
  ]);
  const repKeys = new Map<string, Promise<string>>();
  return {
    ...h,
    app: appWith({}),
    taskQueue,
    worker,
    keys: { intake: intake.key, manager: manager.key },
    repKey(repId) {
      if (!repKeys.has(repId)) repKeys.set(repId, createApiKey(h.pool, { role: 'rep', repId }).then((k) => k.key));
      return repKeys.get(repId)!;
    },
    appWith,
    async close() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await closeHarness(h);
    },
  };
}

export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

/** Reads a lead as a manager until `accept` holds. */
export function leadUntil(h: ApiHarness, leadId: string, accept: (view: LeadView) => boolean): Promise<LeadView> {
  return eventually(
    async () => {
      const res = await request(h.app).get(`/v1/leads/${leadId}`).set(bearer(h.keys.manager));
      return (res.status === 200 ? res.body : null) as LeadView | null;
    },
    (view) => view !== null && accept(view),
  ).then((v) => v!);
}

/** Posts a lead as the intake tool and waits until it is routed to an owner. */
export async function postRoutedLead(h: ApiHarness, overrides: Partial<LeadIntake> = {}): Promise<{ leadId: string; intake: LeadIntake; view: LeadView; ownerKey: string }> {
  const intake = inboundLead(overrides);
  const res = await request(h.app).post('/v1/leads').set(bearer(h.keys.intake)).send(intake).expect(202);
  const leadId = res.body.leadId as string;
  const view = await leadUntil(h, leadId, (v) => v.stage === 'awaiting_discovery' && v.owner !== null);
  return { leadId, intake, view, ownerKey: await h.repKey(view.owner!) };
}
