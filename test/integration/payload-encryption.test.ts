/**
 * What someone with access to the Temporal server (its database, its UI,
 * `temporal workflow show`) sees of a lead: ciphertext, a key id, and no
 * contact name, email, phone or note anywhere in the history.
 */
import { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { disqualifyUpdate, getLeadStateQuery, recordEngagementSignal, submitDiscoveryUpdate } from '../../workflows/messages';
import { leadSearchAttributes } from '../../workflows/search-attributes';
import type { LeadIntake } from '../../domain';
import { qualifyingDiscovery } from '../support/discovery';
import { eventually } from '../support/db';
import { codecCovered, rawLeadHistory } from '../support/history-payloads';
import { asRep, closeHarness, createHarness, routedLead, waitForStage, type Harness } from '../support/lead-harness';
import { ROTATED_TEST_PAYLOAD_KEYS, TEST_PAYLOAD_KEYS } from '../support/payload-keys';
import { connectTestEnv, createTestWorker, leadReplayOptions, uniqueTaskQueue } from '../support/temporal';

let h: Harness;

beforeAll(async () => {
  h = await createHarness([{ repId: 'enc-ss-1', team: 'solution_specialist' }]);
});

afterAll(() => closeHarness(h));

const NOTE = 'Budget frozen until the merger with Northwind closes';

/** A lead with a distinctive contact, qualified in one discovery call that carries a note: one run, every kind of payload. */
async function leadWithPersonalData(taskQueue: string) {
  const tag = Math.random().toString(36).slice(2, 8);
  const contact = { name: 'Marisol Quintero-Vance', email: `marisol.qv.${tag}@northwind-${tag}.example`, phone: '+44 20 7946 0958', title: 'CISO' };
  const lead = await routedLead(h, taskQueue, { contact, domain: `northwind-${tag}.example`, companyName: `Northwind Security ${tag}` });
  const done = await lead.handle.executeUpdate(submitDiscoveryUpdate, { args: [{ actor: asRep(lead.view.owner), payload: qualifyingDiscovery({ notes: NOTE }) }] });
  return { ...lead, done };
}

function personalData(intake: LeadIntake): string[] {
  return [intake.contact.name, intake.contact.email, intake.contact.email.split('@')[0]!, intake.contact.phone!, NOTE, intake.companyName, intake.domain];
}

it('stores no contact name, email, phone or note in any payload of a lead history, and every payload is encrypted', async () => {
  const taskQueue = uniqueTaskQueue('encryption');
  const worker = await createTestWorker({ env: h.env, pool: h.pool, bundle: h.bundle, taskQueue, pinnedRulesetVersion: h.rulesetVersion });
  await worker.runUntil(async () => {
    const lead = await leadWithPersonalData(taskQueue);
    const raw = await rawLeadHistory(h.env.client, lead.leadId);
    for (const value of personalData(lead.intake)) expect(raw.text).not.toContain(value);

    const covered = codecCovered(raw.payloads);
    expect(covered.length).toBeGreaterThan(5);
    expect(covered.filter((p) => p.encoding !== "binary/encrypted")).toEqual([]);
    expect(new Set(covered.map((p) => p.keyId))).toEqual(new Set([TEST_PAYLOAD_KEYS[0]!.id]));

    // Through the codec the same history reads normally.
    expect(lead.done).toMatchObject({ leadId: lead.leadId, stage: 'outcome', outcome: 'qualified' });
    await expect(lead.handle.result()).resolves.toMatchObject({ leadId: lead.leadId, outcome: 'qualified' });
    await expect(lead.handle.query(getLeadStateQuery)).resolves.toMatchObject({ companyName: lead.intake.companyName });
  });
});

it('keeps personal data out of workflow ids and search attributes', async () => {
  const taskQueue = uniqueTaskQueue('ids');
  const worker = await createTestWorker({ env: h.env, pool: h.pool, bundle: h.bundle, taskQueue, pinnedRulesetVersion: h.rulesetVersion });
  await worker.runUntil(async () => {
    const lead = await leadWithPersonalData(taskQueue);
    const described = await lead.handle.describe();
    const visible = [
      described.workflowId,
      ...leadSearchAttributes.map((key) => String(described.typedSearchAttributes.get(key) ?? '')),
      JSON.stringify(described.memo ?? {}),
    ].join('\n').toLowerCase();
    expect(described.workflowId).toMatch(/^lead_[0-9a-f]{20}$/);
    for (const value of personalData(lead.intake)) expect(visible).not.toContain(value.toLowerCase());
  });
});

it('rotates keys: new runs use the added key, leads written under the old key keep working', async () => {
  const taskQueue = uniqueTaskQueue('rotation');
  const oldWorker = await createTestWorker({ env: h.env, pool: h.pool, bundle: h.bundle, taskQueue, pinnedRulesetVersion: h.rulesetVersion });
  const before = await oldWorker.runUntil(() => routedLead(h, taskQueue));

  const rotatedEnv = await connectTestEnv(ROTATED_TEST_PAYLOAD_KEYS);
  try {
    const rotated = await createTestWorker({
      env: rotatedEnv, pool: h.pool, bundle: h.bundle, taskQueue, pinnedRulesetVersion: h.rulesetVersion, payloadKeys: ROTATED_TEST_PAYLOAD_KEYS,
    });
    const h2 = { ...h, env: rotatedEnv };
    await rotated.runUntil(async () => {
      // A fresh worker replays the old lead's whole history (old key) before it takes the update (new key).
      const handle = rotatedEnv.client.workflow.getHandle(before.leadId);
      await handle.executeUpdate(disqualifyUpdate, { args: [{ actor: asRep(before.view.owner), payload: { reason: 'no_budget_path', note: NOTE } }] });
      await waitForStage(h2, before.leadId, 'outcome');
      const after = await routedLead(h2, taskQueue);

      const oldIds = new Set(codecCovered((await rawLeadHistory(rotatedEnv.client, before.leadId)).payloads).map((p) => p.keyId));
      expect(oldIds).toEqual(new Set(['test-2026a', 'test-2026b']));
      const newIds = new Set(codecCovered((await rawLeadHistory(rotatedEnv.client, after.leadId)).payloads).map((p) => p.keyId));
      expect(newIds).toEqual(new Set(['test-2026b']));
    });
  } finally {
    await rotatedEnv.teardown();
  }
});

it('refuses, once plain payloads are off, a signal no LeadGate key sealed: reaching Temporal is not enough to feed a lead', async () => {
  const taskQueue = uniqueTaskQueue('strict');
  const worker = await createTestWorker({ env: h.env, pool: h.pool, bundle: h.bundle, taskQueue, pinnedRulesetVersion: h.rulesetVersion, acceptPlainPayloads: false });
  await worker.runUntil(async () => {
    const lead = await routedLead(h, taskQueue);
    // No codec: plain JSON, as `temporal workflow signal` from anyone on the network would send it.
    const outsider = new Client({ connection: h.env.connection }).workflow.getHandle(lead.leadId);
    await outsider.signal(recordEngagementSignal, { type: 'replied', detail: 'injected from outside' });
    try {
      // The worker will not run it: its workflow task fails again and again, and the lead records nothing.
      await eventually(async () => (await outsider.describe()).raw.pendingWorkflowTask?.attempt ?? 0, (attempt) => attempt >= 2, 60_000);
      const recorded = await h.pool.query("SELECT 1 FROM lead_events WHERE lead_id = $1 AND type = 'engagement_recorded'", [lead.leadId]);
      expect(recorded.rowCount).toBe(0);
    } finally {
      await outsider.terminate('test: lead fed a payload no key sealed');
    }
  });
});

it('replays a history written before encryption next to an encrypted one', async () => {
  const taskQueue = uniqueTaskQueue('replay');
  const worker = await createTestWorker({ env: h.env, pool: h.pool, bundle: h.bundle, taskQueue, pinnedRulesetVersion: h.rulesetVersion });
  const lead = await worker.runUntil(() => leadWithPersonalData(taskQueue));
  const encrypted = await lead.handle.fetchHistory();
  const plainFile = path.join(__dirname, '..', 'histories', 'qualified-in-one-call.json');
  const plain = JSON.parse(readFileSync(plainFile, 'utf8'));
  // The committed history predates encryption: its payloads are plain JSON (base64 in the file).
  expect(JSON.stringify(plain)).not.toContain(Buffer.from('binary/encrypted').toString('base64'));
  expect(JSON.stringify(plain)).toContain(Buffer.from('json/plain').toString('base64'));

  const histories = [
    { workflowId: 'plain-before-encryption', history: plain },
    { workflowId: lead.leadId, history: encrypted },
  ];
  const results = Worker.runReplayHistories(leadReplayOptions(h.bundle), histories);
  for await (const result of results) expect(result).toMatchObject({ workflowId: expect.any(String), error: undefined });
});
