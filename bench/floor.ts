/**
 * `npx tsx bench/floor.ts [--n 25]`: where a bare workflow's time goes on the
 * dev server. Runs the baseline workflow one at a time on a stock dev server
 * and on the benchmark's (bench/dev-server-config.ts), and prints the median
 * gap between consecutive history events, plus client start → first event and
 * close event → `result()` returning (the harness's own share).
 */
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
import { benchDevServerConfig } from './dev-server-config';
import { summarize } from './stats';

type Event = temporal.api.history.v1.IHistoryEvent;
const eventMs = (e: Event) => Number(e.eventTime!.seconds) * 1000 + Math.floor((e.eventTime!.nanos ?? 0) / 1e6);
const eventName = (e: Event) => (temporal.api.enums.v1.EventType[e.eventType ?? 0] ?? String(e.eventType)).replace(/^EVENT_TYPE_/, '').toLowerCase();

async function gapsOn(dynamicConfig: string[], n: number): Promise<Map<string, number[]>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'leadgate-floor-'));
  const server = await startTemporalDevServer({
    cli: await resolveTemporalCli(),
    port: await freePort(),
    namespace: 'default',
    dbFile: path.join(dir, 'temporal.db'),
    fastSqlite: true,
    dynamicConfig,
  });
  const gaps = new Map<string, number[]>();
  const add = (key: string, ms: number) => gaps.set(key, [...(gaps.get(key) ?? []), ms]);
  try {
    const bundle = await bundleWorkflowCode({ workflowsPath: path.join(__dirname, 'baseline-workflow.ts'), logger: new DefaultLogger('WARN') });
    const connection = await NativeConnection.connect({ address: server.address });
    const activities: BaselineActivities = { noop: async () => undefined };
    const worker = await Worker.create({ connection, taskQueue: 'floor', workflowBundle: bundle, activities });
    const client = new Client({ connection: await Connection.connect({ address: server.address }) });
    await worker.runUntil(async () => {
      // The first five warm the worker, the connection and the server's caches.
      for (let i = 0; i < n + 5; i++) {
        const t0 = Date.now();
        const handle = await client.workflow.start('baselineWorkflow', { taskQueue: 'floor', workflowId: `floor-${i}`, args: [] });
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
    rmSync(dir, { recursive: true, force: true });
  }
  return gaps;
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--n');
  const n = i >= 0 ? Number(process.argv[i + 1]) : 25;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const stock = await gapsOn([], n);
  const bench = await gapsOn(benchDevServerConfig, n);
  const median = (xs: number[] | undefined) => (xs ? summarize(xs, 0).p50 : '—');
  console.log(`Median ms over ${n} bare workflows at c=1 (start → one no-op activity → complete)\n`);
  console.log('| step | stock dev server | bench dev server |\n| --- | --- | --- |');
  for (const key of stock.keys()) console.log(`| ${key} | ${median(stock.get(key))} | ${median(bench.get(key))} |`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
