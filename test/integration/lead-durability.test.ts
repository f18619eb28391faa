import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { leadHandle, submitLead } from '../../api/lead-client';
import { submitDiscoveryUpdate } from '../../workflows/messages';
import { eventually } from '../support/db';
import { qualifyingDiscovery } from '../support/discovery';
import { inboundLead } from '../support/intake';
import { asRep, waitForStage, type Harness, createHarness, closeHarness } from '../support/lead-harness';
import { testServices } from '../support/services';
import { createTestWorker, uniqueTaskQueue } from '../support/temporal';

let h: Harness;

beforeAll(async () => {
  h = await createHarness([{ repId: 'ld-ss-1', team: 'solution_specialist' }]);
});

afterAll(() => closeHarness(h));

function startWorkerProcess(taskQueue: string): Promise<ChildProcess> {
  const { temporalAddress, databaseUrl } = testServices();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', 'support', 'worker-process.ts')], {
    env: { ...process.env, WORKER_TEMPORAL_ADDRESS: temporalAddress, WORKER_DATABASE_URL: databaseUrl, WORKER_TASK_QUEUE: taskQueue, WORKER_RULESET_VERSION: h.rulesetVersion },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`worker process exited early (${code})`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child);
    });
  });
}

it('loses nothing when the worker is killed mid-lead: a new worker finishes it with one outcome and no duplicate events', async () => {
  const taskQueue = uniqueTaskQueue('killed');
  const doomed = await startWorkerProcess(taskQueue);
  const exited = new Promise((resolve) => doomed.once('exit', resolve));
  const intake = inboundLead();
  const { leadId } = await submitLead(h.env.client, taskQueue, intake);
  // Kill as soon as the lead's first write lands: the workflow is between capture and routing.
  await eventually(() => h.pool.query('SELECT 1 FROM leads WHERE lead_id = $1', [leadId]), (r) => r.rowCount === 1, 60_000);
  doomed.kill('SIGKILL');
  await exited;

  const survivor = await createTestWorker({ env: h.env, pool: h.pool, bundle: h.bundle, taskQueue, pinnedRulesetVersion: h.rulesetVersion });
  await survivor.runUntil(async () => {
    const routed = await waitForStage(h, leadId, 'awaiting_discovery', (v) => v.owner !== null);
    const done = await leadHandle(h.env.client, leadId).executeUpdate(submitDiscoveryUpdate, {
      args: [{ actor: asRep(routed.owner), payload: qualifyingDiscovery() }],
    });
    expect(done.outcome).toBe('qualified');
  });

  const outcomes = await h.pool.query('SELECT status FROM lead_outcomes WHERE lead_id = $1', [leadId]);
  expect(outcomes.rows).toEqual([{ status: 'qualified' }]);
  const perType = await h.pool.query<{ type: string; n: number }>(
    "SELECT type, count(*)::int AS n FROM lead_events WHERE lead_id = $1 AND type <> 'stage_changed' GROUP BY type ORDER BY type",
    [leadId],
  );
  expect(Object.fromEntries(perType.rows.map((r) => [r.type, r.n]))).toEqual({
    captured: 1, fit_checked: 1, routed: 1, discovery_submitted: 1, scope_submitted: 1, commercial_submitted: 1, outcome_decided: 1,
  });
  const assignments = await h.pool.query('SELECT cycle FROM rep_assignments WHERE lead_id = $1', [leadId]);
  expect(assignments.rows).toEqual([{ cycle: 0 }]);
});
