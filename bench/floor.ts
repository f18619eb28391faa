/**
 * `npx tsx bench/floor.ts [--n 25]`: where a bare workflow's time goes on the
 * dev server. Runs the baseline workflow one at a time on a stock dev server,
 * on the one LeadGate starts (DEV_SERVER_TUNING in
 * platform/temporal-dev-server.ts) and, given TEMPORAL_ADDRESS, on that
 * server; prints the median gap between consecutive history events, plus
 * client start → first event and close event → `result()` returning (the
 * harness's own share).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { freePort } from '../platform/ports';
import { resolveTemporalCli } from '../platform/temporal-cli';
import { startTemporalDevServer } from '../platform/temporal-dev-server';
import type { BaselineActivities } from './baseline-workflow';
import { summarize } from './stats';

type Event = temporal.api.history.v1.IHistoryEvent;
const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
const eventMs = (e: Event) => Number(e.eventTime!.seconds) * 1000 + Math.floor((e.eventTime!.nanos ?? 0) / 1e6);
const eventName = (e: Event) => (temporal.api.enums.v1.EventType[e.eventType ?? 0] ?? String(e.eventType)).replace(/^EVENT_TYPE_/, '').toLowerCase();

async function devServer(stock: boolean) {
  const dir = mkdtempSync(path.join(tmpdir(), 'leadgate-floor-'));
  const server = await startTemporalDevServer({
    cli: await resolveTemporalCli(),
    port: await freePort(),
    namespace,
    dbFile: path.join(dir, 'temporal.db'),
    fastSqlite: true,
    stock,
  });
  return {
    address: server.address,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function gapsOn(server: { address: string; stop(): Promise<void> }, n: number): Promise<Map<string, number[]>> {
  const taskQueue = `floor-${randomUUID()}`;
  const gaps = new Map<string, number[]>();
  const add = (key: string, ms: number) => gaps.set(key, [...(gaps.get(key) ?? []), ms]);
  try {
    const bundle = await bundleWorkflowCode({ workflowsPath: path.join(__dirname, 'baseline-workflow.ts'), logger: new DefaultLogger('WARN') });
    const connection = await NativeConnection.connect({ address: server.address });
    const activities: BaselineActivities = { noop: async () => undefined };
    const worker = await Worker.create({ connection, namespace, taskQueue, workflowBundle: bundle, activities });
    const client = new Client({ connection: await Connection.connect({ address: server.address }), namespace });
    await worker.runUntil(async () => {
      // The first five warm the worker, the connection and the server's caches.
      for (let i = 0; i < n + 5; i++) {
        const t0 = Date.now();
        const handle = await client.workflow.start('baselineWorkflow', { taskQueue, workflowId: `${taskQueue}-${i}`, args: [] });
        await handle.result();
        const t1 = Date.now();
        if (i < 5) continue;
        const events = (await handle.fetchHistory()).events ?? [];
        add('client start → first event', eventMs(events[0]!) - t0);
        events.slice(1).forEach((e, j) => add(`${j + 2}. ${eventName(events[j]!)} → ${eventName(e)}`, eventMs(e) - eventMs(events[j]!)));
        add('close event → result() returns', t1 - eventMs(events[events.length - 1]!));
        add('total (client clock)', t1 - t0);
      }
    });
    await connection.close();
  } finally {
    await server.stop();
  }
  return gaps;
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--n');
  const n = i >= 0 ? Number(process.argv[i + 1]) : 25;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const columns: Array<[string, Map<string, number[]>]> = [
    ['stock dev server', await gapsOn(await devServer(true), n)],
    ['LeadGate dev server', await gapsOn(await devServer(false), n)],
  ];
  const external = process.env.TEMPORAL_ADDRESS;
  if (external) columns.push([external, await gapsOn({ address: external, stop: async () => undefined }, n)]);
  const median = (xs: number[] | undefined) => (xs ? summarize(xs, 0).p50 : '—');
  console.log(`Median ms over ${n} bare workflows at c=1 (start → one no-op activity → complete)\n`);
  console.log(`| step | ${columns.map(([name]) => name).join(' | ')} |\n| --- |${columns.map(() => ' --- |').join('')}`);
  for (const key of columns[0]![1].keys()) console.log(`| ${key} | ${columns.map(([, gaps]) => median(gaps.get(key))).join(' | ')} |`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
