/**
 * `npm run histories:record`: runs representative leads on a real dev server and
 * commits their histories under test/histories/, which CI replays against the
 * current workflow code. A change that fails replay needs `patched()` (or a new
 * workflow type) — never a re-recording to make the failure go away.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { startReopenedRun, submitLead } from '../../api/lead-client';
import { findLeadRecord } from '../../db/intake';
import { findRuleset } from '../../db/rulesets';
import { eventually } from '../support/db';
import { submitCommercialUpdate, submitDiscoveryUpdate, submitScopeUpdate, disqualifyUpdate, recordEngagementSignal } from '../../workflows/messages';
import globalSetup from '../support/global-setup';
import globalTeardown from '../support/global-teardown';
import { qualifyingDiscovery, unconfirmedNeedDiscovery } from '../support/discovery';
import { inboundLead } from '../support/intake';
import { asRep, closeHarness, createHarness, routedLead, waitForStage, withWorker, type Harness } from '../support/lead-harness';
import { fastRuleset, storeRuleset } from '../support/rulesets';
import { createTestWorker, uniqueTaskQueue } from '../support/temporal';
import { defaultRuleset, rulesetVersion } from '../../domain';
import { projectRoot } from '../../platform/project-root';
import { resolveTemporalCliBinary } from '../../platform/temporal-cli';
import { testServices } from '../support/services';

const execFileAsync = promisify(execFile);

const outDir = path.join(projectRoot(), 'test', 'histories');

/**
 * Each recording names its workflow version (`npm run histories:record -- v3`),
 * and a committed history is never overwritten: the replay test keeps every
 * version's paths for as long as leads started on it may be running.
 */
const version = process.argv[2];
/**
 * `--only=a,b`: record just these paths (the rest still run, unsaved), to add
 * paths to a version whose others are committed.
 */
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',');

async function save(h: Harness, name: string, leadId: string): Promise<void> {
  if (only && !only.includes(name)) return;
  // A continued-as-new lead has one history per run; each is replayed on its own.
  const runs = await allRuns(h, leadId);
  for (const [index, runId] of runs.entries()) {
    const file = path.join(outDir, `${version}.${name}${index > 0 ? `.run${index + 1}` : ''}.json`);
    if (existsSync(file)) throw new Error(`${path.relative(projectRoot(), file)} is committed; record under a new version name.`);
    writeFileSync(file, await exportHistory(leadId, runId));
  }
  console.log(`recorded ${name} (${runs.length} run(s))`);
}

/** The CLI writes the canonical history JSON that `Worker.runReplayHistory` reads back. */
async function exportHistory(workflowId: string, runId: string): Promise<string> {
  const cli = await resolveTemporalCliBinary('Recording histories');
  const { stdout } = await execFileAsync(
    cli.path,
    ['workflow', 'show', '--address', testServices().temporalAddress, '--workflow-id', workflowId, '--run-id', runId, '--output', 'json'],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

async function allRuns(h: Harness, leadId: string): Promise<string[]> {
  const runs: Array<{ runId: string; startTime: Date }> = [];
  for await (const run of h.env.client.workflow.list({ query: `WorkflowId = '${leadId}'` })) runs.push({ runId: run.runId, startTime: run.startTime });
  return runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime()).map((r) => r.runId);
}

async function main(): Promise<void> {
  if (!version || !/^v\d+[a-z0-9-]*$/.test(version)) throw new Error('Name the workflow version being recorded, e.g. npm run histories:record -- v3');
  await globalSetup();
  let h: Harness | undefined;
  try {
    h = await createHarness(
      [
        { repId: 'hist-ss', team: 'solution_specialist' },
        { repId: 'hist-ir', team: 'incident_response' },
        { repId: 'hist-ir-lead', team: 'incident_response', isTeamLead: true },
      ],
      fastRuleset({ engagement: { responseWindow: '3s' } }),
    );
    await recordAll(h);
  } finally {
    await closeHarness(h);
    await globalTeardown();
  }
}

async function recordAll(h: Harness): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  // As the API hands each new lead the active ruleset: here the one the recording worker is pinned to.
  const ruleset = (await findRuleset(h.pool, h.rulesetVersion)) ?? undefined;
  await withWorker(h, 'record', async ({ taskQueue }) => {
    const qualified = await routedLead(h, taskQueue, {}, { ruleset });
    await qualified.handle.executeUpdate(submitDiscoveryUpdate, { args: [{ actor: asRep(qualified.view.owner), payload: qualifyingDiscovery() }] });
    await save(h, 'qualified-in-one-call', qualified.leadId);

    const stepwise = await routedLead(h, taskQueue, {}, { ruleset });
    const { scope, commercial, ...discovery } = qualifyingDiscovery();
    const actor = asRep(stepwise.view.owner);
    await stepwise.handle.signal(recordEngagementSignal, { type: 'booked_meeting', detail: 'Technical review booked' });
    await stepwise.handle.executeUpdate(submitDiscoveryUpdate, { args: [{ actor, payload: discovery }] });
    await stepwise.handle.executeUpdate(submitScopeUpdate, { args: [{ actor, payload: scope! }] });
    await stepwise.handle.executeUpdate(submitCommercialUpdate, { args: [{ actor, payload: commercial! }] });
    await save(h, 'qualified-stepwise', stepwise.leadId);

    const urgent = await routedLead(h, taskQueue, {
      primaryInterest: 'incident_response',
      message: 'Ransomware encrypted two file servers last night; we suspect the attacker is still inside.',
      timeline: { activeIncident: true },
    }, { ruleset });
    await waitForStage(h, urgent.leadId, 'outcome');
    await save(h, 'urgent-escalated-then-silent', urgent.leadId);

    const nurture = await routedLead(h, taskQueue, {}, { ruleset });
    await nurture.handle.executeUpdate(submitDiscoveryUpdate, { args: [{ actor: asRep(nurture.view.owner), payload: unconfirmedNeedDiscovery() }] });
    const again = await waitForStage(h, nurture.leadId, 'awaiting_discovery', (v) => v.cycle === 1);
    await nurture.handle.executeUpdate(disqualifyUpdate, {
      args: [{ actor: asRep(again.owner), payload: { reason: 'timing_later', note: 'Cloud migration slipped to 2028; security budget follows the migration' } }],
    });
    await save(h, 'nurture-cycle-then-disqualified', nurture.leadId);

    const mismatch = await submitLead(h.env.client, taskQueue, {
      ...inboundLead(),
      contact: { name: 'Chris Doe', email: `chris.${Date.now()}@gmail.com`, title: 'Student' },
      message: 'I am a student writing my thesis on SOC tooling, could you share some material?',
    }, { ruleset });
    await waitForStage(h, mismatch.leadId, 'outcome');
    await save(h, 'unqualified-at-fit-check', mismatch.leadId);

    // Signals written by their own writer while the rep works the lead: engagement, a resubmission, then the decision.
    const busy = await routedLead(h, taskQueue, {}, { ruleset });
    await busy.handle.signal(recordEngagementSignal, { type: 'replied', detail: 'Asked for the SOC 2 report' });
    await submitLead(h.env.client, taskQueue, { ...busy.intake, message: 'Audit fieldwork moved up to next month; need log coverage first' }, { ruleset });
    await waitForStage(h, busy.leadId, 'awaiting_discovery', (v) => v.events.some((e) => e.type === 'resubmitted'));
    await busy.handle.executeUpdate(submitDiscoveryUpdate, { args: [{ actor: asRep(busy.view.owner), payload: qualifyingDiscovery() }] });
    await save(h, 'engaged-resubmitted-then-qualified', busy.leadId);

    // A closed lead opened again: the new run continues the read model's cycle and event numbering.
    const closed = await routedLead(h, taskQueue, {}, { ruleset });
    await closed.handle.executeUpdate(disqualifyUpdate, {
      args: [{ actor: asRep(closed.view.owner), payload: { reason: 'timing_later', note: 'Budget frozen until the FY27 plan; revisit after the SIEM migration' } }],
    });
    await closed.handle.result();
    const record = await eventually(() => findLeadRecord(h.pool, closed.leadId), (r) => r?.stage === 'outcome');
    await startReopenedRun(h.env.client, taskQueue, {
      leadId: closed.leadId,
      submission: { submissionId: randomUUID(), receivedAt: new Date().toISOString(), intake: closed.intake },
      reopen: { previousCycle: record!.cycle, nextSeq: record!.lastEventSeq + 1, createdAt: record!.createdAt, reason: 'reopened_by_manager', actor: 'manager' },
      ruleset,
    });
    await waitForStage(h, closed.leadId, 'awaiting_discovery', (v) => v.cycle === record!.cycle + 1);
    await save(h, 'reopened-by-manager', closed.leadId);

    // Handed a ruleset its worker does not use (one published as the lead came in): the capture write finds the other, writes the capture alone, and the lead is judged again.
    const handedOlder = await routedLead(h, taskQueue, {}, { ruleset: { version: rulesetVersion(defaultRuleset), ruleset: defaultRuleset } });
    await waitForStage(h, handedOlder.leadId, 'awaiting_discovery', (v) => v.rulesetVersion === h.rulesetVersion && v.owner !== null);
    await save(h, 'captured-under-an-older-ruleset', handedOlder.leadId);
  });
  await recordWakeAfterPublication(h, ruleset);
}

/** A lead that sleeps holding one ruleset and wakes on a worker that uses another (published meanwhile): the wake's write finds it, and the cycle is judged again. */
async function recordWakeAfterPublication(h: Harness, ruleset: Awaited<ReturnType<typeof findRuleset>> | undefined): Promise<void> {
  const taskQueue = uniqueTaskQueue('record-wake');
  const worker = (pinnedRulesetVersion: string) => createTestWorker({ env: h.env, pool: h.pool, bundle: h.bundle, taskQueue, pinnedRulesetVersion });
  const asleep = await (await worker(h.rulesetVersion)).runUntil(async () => {
    const lead = await routedLead(h, taskQueue, {}, { ruleset: ruleset ?? undefined });
    await lead.handle.executeUpdate(submitDiscoveryUpdate, { args: [{ actor: asRep(lead.view.owner), payload: unconfirmedNeedDiscovery() }] });
    await waitForStage(h, lead.leadId, 'nurture');
    return lead;
  });
  const published = await storeRuleset(h.pool, fastRuleset({ engagement: { responseWindow: '4s' } }));
  await (await worker(published)).runUntil(() =>
    waitForStage(h, asleep.leadId, 'awaiting_discovery', (v) => v.cycle === 1 && v.owner !== null && v.rulesetVersion === published),
  );
  await save(h, 'woken-after-a-publication', asleep.leadId);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
