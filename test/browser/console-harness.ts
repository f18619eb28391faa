/**
 * The whole stack for browser tests: the real app listening on a free port
 * (serving the built console and /v1), a worker that loads the *active* ruleset
 * (so publishing in the console changes what new leads get), one rep per team,
 * logins for each, and Debian's Chromium driven by playwright-core.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import type { Worker } from '@temporalio/worker';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import request from 'supertest';
import { createApp } from '../../api/app';
import { loadConfig } from '../../config/config';
import { createApiKey } from '../../db/api-keys';
import { saveRuleset } from '../../db/rulesets';
import { createUser } from '../../db/users';
import { parseRuleset, type LeadIntake, type Team } from '../../domain';
import type { LeadView } from '../../domain/lead-view';
import { createLogger } from '../../platform/logger';
import { TEST_BUDGETS } from '../support/budgets';
import { eventually } from '../support/db';
import { inboundLead } from '../support/intake';
import { closeHarness, createHarness, type Harness } from '../support/lead-harness';
import { fastRuleset } from '../support/rulesets';
import { createTestWorker, uniqueTaskQueue } from '../support/temporal';

export const PASSWORD = 'browser test password';
const COST = 4;
const TEAMS: Team[] = ['incident_response', 'risk_compliance', 'iam', 'solution_specialist', 'outbound_multithread'];
/** One rep per team, so the team a lead routes to decides its owner. */
export const repOf = (team: Team) => `br-${team.replace(/_/g, '-')}`;
export const emailOf = (repId: string) => `${repId}@leadgate.example`;
export const MANAGER_EMAIL = 'manager@leadgate.example';

export const SCREENSHOTS = path.resolve(__dirname, '../../docs/screenshots');

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface ConsoleHarness extends Harness {
  url: string;
  worker: Worker;
  keys: { intake: string; manager: string };
  /** A fresh browser context (its own cookies) at a viewport width. */
  person(width?: number): Promise<Page>;
  postLead(overrides?: Partial<LeadIntake>): Promise<{ leadId: string; intake: LeadIntake }>;
  leadUntil(leadId: string, accept: (v: LeadView) => boolean): Promise<LeadView>;
  close(): Promise<void>;
}

export async function createConsoleHarness(): Promise<ConsoleHarness> {
  // SLAs of an hour: no reminder or escalation fires during a test; nurture clocks in seconds.
  const ruleset = parseRuleset({ ...fastRuleset({ sla: { urgent: '1h', high: '1h', standard: '1h' } }), version: 'browser-base' });
  const h = await createHarness([], ruleset);
  await saveRuleset(h.pool, ruleset, { activate: true });
  for (const team of TEAMS) {
    await h.pool.query(
      `INSERT INTO reps (rep_id, name, email, team, capacity, is_team_lead) VALUES ($1, $2, $3, $4, 500, false) ON CONFLICT (rep_id) DO NOTHING`,
      [repOf(team), `Rep ${team.replace(/_/g, ' ')}`, emailOf(repOf(team)), team],
    );
    await createUser(h.pool, { email: emailOf(repOf(team)), name: `Rep ${team.replace(/_/g, ' ')}`, role: 'rep', repId: repOf(team), password: PASSWORD, createdBy: 'test' }, COST);
  }
  await createUser(h.pool, { email: MANAGER_EMAIL, name: 'Morgan Manager', role: 'manager', password: PASSWORD, createdBy: 'test' }, COST);

  const taskQueue = uniqueTaskQueue('browser');
  const worker = await createTestWorker({ env: h.env, pool: h.pool, bundle: h.bundle, taskQueue });
  const running = worker.run();
  const config = { ...loadConfig({ ...TEST_BUDGETS, SEED_DEMO_DATA: 'false' }), PASSWORD_HASH_COST: COST };
  const app = createApp({ temporal: h.env.client, namespace: 'default', taskQueue, pool: h.pool, log: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'), config });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const port = (server.address() as { port: number }).port;
  const [intake, manager] = await Promise.all([createApiKey(h.pool, { role: 'intake' }), createApiKey(h.pool, { role: 'manager' })]);
  const browser: Browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  const contexts: BrowserContext[] = [];
  mkdirSync(SCREENSHOTS, { recursive: true });

  const leadUntil = (leadId: string, accept: (v: LeadView) => boolean) =>
    eventually(
      async () => {
        const res = await request(app).get(`/v1/leads/${leadId}`).set('Authorization', `Bearer ${manager.key}`);
        return (res.status === 200 ? res.body : null) as LeadView | null;
      },
      (v) => v !== null && accept(v),
    ).then((v) => v!);

  return {
    ...h,
    url: `http://127.0.0.1:${port}`,
    worker,
    keys: { intake: intake.key, manager: manager.key },
    async person(width = 1280) {
      // Each context is a fresh, empty profile: no cookies or storage carried over.
      const context = await browser.newContext({ baseURL: `http://127.0.0.1:${port}`, viewport: { width, height: 900 }, reducedMotion: 'reduce' });
      context.setDefaultTimeout(20_000);
      contexts.push(context);
      return context.newPage();
    },
    async postLead(overrides = {}) {
      const lead = inboundLead(overrides);
      const res = await request(app).post('/v1/leads').set('Authorization', `Bearer ${intake.key}`).send(lead).expect(202);
      return { leadId: res.body.leadId as string, intake: lead };
    },
    leadUntil,
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await closeHarness(h);
    },
  };
}

export async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto('/app/');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export function screenshot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
