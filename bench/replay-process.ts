/**
 * Replays recorded histories the way a worker does after an eviction or a
 * restart (Worker.runReplayHistories on the bundle the workers run), in its own
 * process so CPU and heap are this replay's alone. Reads BENCH_REPLAY_FILE (a
 * JSON list of { workflowId, file } with each file an encoded History), replays
 * the first BENCH_REPLAY_WARMUP of them unmeasured, then the rest; prints one
 * line of JSON and exits.
 */
import { readFileSync } from 'node:fs';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { leadDataConverter } from '../platform/data-converter';
import { parsePayloadKeys } from '../platform/payload-keys';

const gc = (globalThis as { gc?: () => void }).gc;

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function main(): Promise<void> {
  const list = JSON.parse(readFileSync(process.env.BENCH_REPLAY_FILE!, 'utf8')) as Array<{ workflowId: string; file: string }>;
  const warmup = Number(process.env.BENCH_REPLAY_WARMUP ?? 0);
  const codePath = process.env.WORKFLOW_BUNDLE_PATH;
  if (!codePath || !gc) throw new Error('replay-process needs WORKFLOW_BUNDLE_PATH and node --expose-gc');
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const histories = list.map(({ workflowId, file }) => ({ workflowId, history: temporal.api.history.v1.History.decode(readFileSync(file)) }));
  let index = 0;
  let cpuStart = 0;
  let wallStart = 0;
  let heapStart = 0;
  let heapPeak = 0;
  let failures = 0;
  const firstErrors: string[] = [];
  const mark = () => {
    gc();
    heapStart = process.memoryUsage().heapUsed;
    heapPeak = heapStart;
    cpuStart = cpuMs();
    wallStart = performance.now();
  };
  if (warmup === 0) mark();
  // The same data converter the workers run: lead histories are encrypted, bare ones plain (which it passes through).
  const keys = process.env.LEADGATE_PAYLOAD_KEYS;
  const dataConverter = keys ? { dataConverter: leadDataConverter(parsePayloadKeys(keys)) } : {};
  for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath }, ...dataConverter }, histories)) {
    if (result.error) {
      failures++;
      if (firstErrors.length < 3) firstErrors.push(`${result.workflowId}: ${result.error.message}`);
    }
    index++;
    if (index === warmup) mark();
    if (index > warmup) heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  }
  const measured = index - warmup;
  const cpu = cpuMs() - cpuStart;
  const wall = performance.now() - wallStart;
  const events = histories.slice(warmup).reduce((n, h) => n + (h.history.events?.length ?? 0), 0);
  process.stdout.write(
    `${JSON.stringify({
      histories: measured,
      events,
      cpuMsPerWorkflow: measured > 0 ? Number((cpu / measured).toFixed(2)) : null,
      wallMsPerWorkflow: measured > 0 ? Number((wall / measured).toFixed(2)) : null,
      peakHeapGrowthKiB: Math.round((heapPeak - heapStart) / 1024),
      failures,
      firstErrors,
    })}\n`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
