import { randomUUID } from 'node:crypto';
import { defaultRuleset, parseRuleset, RulesetError } from '../../domain';
import { activeRuleset, saveRuleset } from '../../db/rulesets';
import { getLeadStateQuery, submitDiscoveryUpdate } from '../../workflows/messages';
import { eventually } from '../support/db';
import { unconfirmedNeedDiscovery } from '../support/discovery';
import { asRep, closeHarness, createHarness, routedLead, waitForStage, type Harness } from '../support/lead-harness';
import { fastRuleset } from '../support/rulesets';
import { createTestWorker, uniqueTaskQueue } from '../support/temporal';

/** A configuration mistake never kills a lead: a broken active ruleset makes leads keep theirs or wait, never fail. */
let h: Harness;
let activeBefore: string | null;
let fast: string;
let fastMaxCycles: number;

beforeAll(async () => {
  h = await createHarness([{ repId: 'rs-ss-1', team: 'solution_specialist' }]);
  activeBefore = (await h.pool.query<{ version: string }>('SELECT version FROM rulesets WHERE active')).rows[0]?.version ?? null;
  const ruleset = parseRuleset({ ...fastRuleset({ nurture: { defaultCadence: '3s', minimumDelay: '1s' } }), version: `rs-${randomUUID().slice(0, 8)}` });
  fast = await saveRuleset(h.pool, ruleset, { activate: true });
  fastMaxCycles = ruleset.nurture.maxCycles;
});

afterAll(async () => {
  // Other files pin their own versions; give the shared database back its active ruleset all the same.
  await h?.pool.query('UPDATE rulesets SET active = false WHERE active');
  if (activeBefore) await h?.pool.query('UPDATE rulesets SET active = true WHERE version = $1', [activeBefore]);
  await closeHarness(h);
});

/** Makes a ruleset that does not validate the active one, by hand, the way no tool would. */
async function activateBrokenRuleset(): Promise<string> {
  const version = `broken-${randomUUID().slice(0, 8)}`;
  const content = { ...defaultRuleset, version, nurture: { ...defaultRuleset.nurture, maxCycles: 'lots' }, sla: { ...defaultRuleset.sla, urgent: 'soon' } };
  await h.pool.query('UPDATE rulesets SET active = false WHERE active');
  await h.pool.query('INSERT INTO rulesets (version, content, active) VALUES ($1, $2, true)', [version, JSON.stringify(content)]);
  return version;
}

describe('activating a ruleset', () => {
  it('refuses one that does not validate, and the database refuses an active row that is not a ruleset at all', async () => {
    const broken = { ...defaultRuleset, weights: { ...defaultRuleset.weights, total: { fit: 0.9, need: 0.9, stage: 0.9 } } };
    await expect(saveRuleset(h.pool, broken, { activate: true })).rejects.toBeInstanceOf(RulesetError);
    expect((await activeRuleset(h.pool)).version).toBe(fast);
    await expect(h.pool.query(`INSERT INTO rulesets (version, content, active) VALUES ($1, '{"version": "x"}', false)`, [`shape-${randomUUID()}`])).resolves.toBeDefined();
    await expect(
      h.pool.query(`UPDATE rulesets SET active = true WHERE content = '{"version": "x"}'::jsonb AND NOT active`),
    ).rejects.toThrow(/rulesets_active_is_a_ruleset/);
  });

  it('validates the active content again once it is changed in place by hand, under the same version', async () => {
    expect((await activeRuleset(h.pool)).version).toBe(fast);
    await h.pool.query(`UPDATE rulesets SET content = jsonb_set(content, '{nurture,maxCycles}', '"lots"') WHERE version = $1`, [fast]);
    try {
      await expect(activeRuleset(h.pool)).rejects.toBeInstanceOf(RulesetError);
    } finally {
      await h.pool.query(`UPDATE rulesets SET content = jsonb_set(content, '{nurture,maxCycles}', to_jsonb($2::int)) WHERE version = $1`, [fast, fastMaxCycles]);
    }
    expect((await activeRuleset(h.pool)).ruleset.nurture.maxCycles).toBe(fastMaxCycles);
  });

  it('reports a broken active ruleset as such, once, instead of recursing', async () => {
    await activateBrokenRuleset();
    try {
      await expect(activeRuleset(h.pool)).rejects.toBeInstanceOf(RulesetError);
    } finally {
      await saveRuleset(h.pool, (await h.pool.query('SELECT content FROM rulesets WHERE version = $1', [fast])).rows[0].content, { activate: true });
    }
    expect((await activeRuleset(h.pool)).version).toBe(fast);
  });
});

it('wakes nurturing leads under a broken active ruleset without failing any, and they go on once it is fixed', async () => {
  const taskQueue = uniqueTaskQueue('ruleset-safety');
  // No pinned version: this worker loads the active ruleset, as production does.
  const worker = await createTestWorker({ env: h.env, pool: h.pool, bundle: h.bundle, taskQueue });
  await worker.runUntil(async () => {
    const leads = await Promise.all([1, 2, 3].map(() => routedLead(h, taskQueue)));
    for (const { view, handle } of leads) {
      const parked = await handle.executeUpdate(submitDiscoveryUpdate, { args: [{ actor: asRep(view.owner), payload: unconfirmedNeedDiscovery() }] });
      expect(parked).toMatchObject({ stage: 'nurture', rulesetVersion: fast });
    }
    const wakeAt = Math.max(...(await Promise.all(leads.map(({ leadId }) => waitForStage(h, leadId, 'nurture')))).map((v) => Date.parse(v.nurture!.reengageAt)));
    await activateBrokenRuleset();
    // Past every re-engagement date, and a few retries more: every lead is still alive (kept its version or waiting).
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, wakeAt - Date.now()) + 6_000));
    for (const { handle } of leads) expect((await handle.describe()).status.name).toBe('RUNNING');

    const fixed = (await h.pool.query('SELECT content FROM rulesets WHERE version = $1', [fast])).rows[0].content;
    await saveRuleset(h.pool, fixed, { activate: true });
    for (const { leadId, handle } of leads) {
      const next = await waitForStage(h, leadId, 'awaiting_discovery', (v) => v.cycle === 1);
      expect(next).toMatchObject({ rulesetVersion: fast, owner: expect.any(String) });
      expect((await handle.describe()).status.name).toBe('RUNNING');
    }
    // And the read model has each new cycle written.
    const written = await eventually(
      async () => (await h.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM leads WHERE lead_id = ANY($1) AND nurture_cycle = 1 AND stage = 'awaiting_discovery'", [leads.map((l) => l.leadId)])).rows[0]!.n,
      (n) => n === leads.length,
    );
    expect(written).toBe(3);
  });
});

it('wakes a nurturing lead under the ruleset published while it slept, and keeps that one through its next wake', async () => {
  const taskQueue = uniqueTaskQueue('ruleset-wake');
  const worker = await createTestWorker({ env: h.env, pool: h.pool, bundle: h.bundle, taskQueue });
  const nurtureOnce = async (leadId: string, cycle: number) => {
    const { owner } = await waitForStage(h, leadId, 'awaiting_discovery', (v) => v.cycle === cycle);
    await h.env.client.workflow.getHandle(leadId).executeUpdate(submitDiscoveryUpdate, { args: [{ actor: asRep(owner), payload: unconfirmedNeedDiscovery() }] });
    return waitForStage(h, leadId, 'nurture', (v) => v.cycle === cycle);
  };
  await worker.runUntil(async () => {
    const { leadId, handle } = await routedLead(h, taskQueue);
    // Published once the lead holds its ruleset, before its first nurture: its wake-up always finds the newer one.
    const published = parseRuleset({ ...fastRuleset({ nurture: { defaultCadence: '3s', minimumDelay: '1s' } }), version: `rs-next-${randomUUID().slice(0, 8)}` });
    const next = await saveRuleset(h.pool, published, { activate: true });
    try {
      expect((await nurtureOnce(leadId, 0)).rulesetVersion).toBe(fast);
      // The wake judged the cycle under the version it held; routing's write found the new one and wrote nothing, and the cycle was judged again under it.
      expect(await nurtureOnce(leadId, 1)).toMatchObject({ rulesetVersion: next, scores: expect.objectContaining({ total: expect.any(Number) }) });
      // The next wake finds the version it holds: its routing write is its one local activity, and the lead goes on with its own copy.
      const woken = await waitForStage(h, leadId, 'awaiting_discovery', (v) => v.cycle === 2);
      expect(woken).toMatchObject({ rulesetVersion: next, owner: expect.any(String), scores: expect.objectContaining({ total: expect.any(Number) }) });
      expect(await handle.query(getLeadStateQuery)).toMatchObject({ stage: 'awaiting_discovery', cycle: 2, rulesetVersion: next });

      // Read once the second wake's task is in the history (the query above can answer before its completion lands).
      const types = await eventually(() => localActivityTypes(leadId), (t) => t.filter((type) => type === 'routeOnRuleset').length === 2);
      const wakes = types.flatMap((type, i) => (type === 'routeOnRuleset' ? [types[i + 1] ?? 'none'] : []));
      // The first wake's write answered with the new ruleset and routing was written after it; the second's write was the routing, the run's last.
      expect(wakes).toEqual(['recordRouting', 'none']);
      expect(types.filter((t) => t === 'loadRuleset')).toEqual([]);
      // Each cycle judged and routed once in the trail, under one rep assignment each.
      const trail = await h.pool.query<{ type: string; n: number }>(
        "SELECT type, count(*)::int AS n FROM lead_events WHERE lead_id = $1 AND type IN ('fit_checked', 'routed', 'reengaged') GROUP BY type ORDER BY type",
        [leadId],
      );
      expect(trail.rows).toEqual([{ type: 'fit_checked', n: 3 }, { type: 'reengaged', n: 2 }, { type: 'routed', n: 3 }]);
      expect((await h.pool.query('SELECT cycle FROM rep_assignments WHERE lead_id = $1 ORDER BY cycle', [leadId])).rows).toEqual([{ cycle: 0 }, { cycle: 1 }, { cycle: 2 }]);
    } finally {
      const fastContent = (await h.pool.query('SELECT content FROM rulesets WHERE version = $1', [fast])).rows[0].content;
      await saveRuleset(h.pool, fastContent, { activate: true });
    }
  });
});

/** The local activities every run of the lead ran, in order, by type. */
async function localActivityTypes(leadId: string): Promise<string[]> {
  const runs: Array<{ runId: string; startTime: Date }> = [];
  for await (const run of h.env.client.workflow.list({ query: `WorkflowId = '${leadId}'` })) runs.push({ runId: run.runId, startTime: run.startTime });
  runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
  const types: string[] = [];
  for (const { runId } of runs) {
    const history = await h.env.client.workflow.getHandle(leadId, runId).fetchHistory();
    for (const event of history.events ?? []) {
      const marker = event.markerRecordedEventAttributes;
      if (marker?.markerName !== 'core_local_activity') continue;
      const data = marker.details?.['data']?.payloads?.[0]?.data;
      types.push((JSON.parse(Buffer.from(data ?? []).toString()) as { activity_type: string }).activity_type);
    }
  }
  return types;
}
