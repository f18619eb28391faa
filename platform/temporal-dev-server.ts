import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { leadSearchAttributes } from '../workflows/search-attributes';
import type { TemporalCli } from './temporal-cli';
import { stopChild, waitForTemporal } from './temporal-process';

export interface DevServerOptions {
  cli: TemporalCli;
  /** SQLite file the server persists to; omit for an in-memory server. */
  dbFile?: string;
  ip?: string;
  port: number;
  uiPort?: number;
  namespace: string;
  /** Trade power-cut safety for speed (tests): WAL journal, no fsync. */
  fastSqlite?: boolean;
  readyTimeoutMs?: number;
  log?: (line: string) => void;
  /** More `KEY=JSON_VALUE` dynamic config, after the defaults below. */
  dynamicConfig?: string[];
  /** The dev server as `start-dev` configures it, without DEV_SERVER_TUNING: the benchmark's `--stock-dev-server`. */
  stock?: boolean;
}

export interface RunningDevServer {
  address: string;
  stop(): Promise<void>;
}

const cliTypeNames = { KEYWORD: 'Keyword', INT: 'Int', DATETIME: 'Datetime' } as const;

/**
 * `temporal server start-dev` runs one history shard, and a shard reads its
 * transfer queue (new workflow and activity tasks) and its timer queue at most
 * 20 times a second: with one shard that is the whole server's budget, so every
 * task hand-off waits for the next read (about 45 ms; bench/README.md, "The bare
 * workflow's ~150 ms floor") and timers due together wake in batches. A cluster
 * spreads leads over many shards and never meets that limit; the dev servers
 * LeadGate starts lift it, unless asked for the stock one.
 */
export const LIFTED_SHARD_READS = ['history.transferProcessorMaxPollRPS=10000', 'history.timerProcessorMaxPollRPS=10000'];

/**
 * A task queue has four partitions by default, and a worker keeps two of its
 * ten polls on its shared (non-sticky) queue (the SDK's defaults): a new
 * workflow's first task written to a partition no poll waited on sat there
 * about 2 s (11 of 300 bare workflows in one quick bench run; bench/README.md,
 * "The 2-second stalls"). One partition is written to, so every such task meets
 * the polls; all four are still read, so tasks an older server left in the
 * others still drain (Temporal's order for shrinking partitions: writes first,
 * reads once the rest are empty). One partition is far more than one dev
 * server's matching can use anyway.
 */
export const ONE_WRITE_PARTITION = ['matching.numTaskqueueWritePartitions=1'];

/** What the dev servers LeadGate starts change from `start-dev`'s own settings. */
export const DEV_SERVER_TUNING = [...LIFTED_SHARD_READS, ...ONE_WRITE_PARTITION];

/** The dynamic config the SDK's own launcher passes, so Updates work on the dev server. */
const dynamicConfig = [
  'frontend.enableUpdateWorkflowExecution=true',
  'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
  'frontend.workerVersioningRuleAPIs=true',
  'system.forceSearchAttributesCacheRefreshOnRead=true',
];

function searchAttributeArgs(): string[] {
  return leadSearchAttributes.flatMap((key) => {
    const type = cliTypeNames[key.type as keyof typeof cliTypeNames];
    return ['--search-attribute', `${key.name}=${type}`];
  });
}

export function devServerArgs(options: DevServerOptions): string[] {
  const args = ['server', 'start-dev', '--ip', options.ip ?? '127.0.0.1', '--port', String(options.port)];
  args.push('--namespace', options.namespace, '--log-level', 'warn');
  args.push(...(options.uiPort ? ['--ui-port', String(options.uiPort)] : ['--headless']));
  if (options.dbFile) args.push('--db-filename', options.dbFile);
  args.push(...searchAttributeArgs(), ...tuningArgs(options));
  return args;
}

/** Storage pragmas and dynamic config: the same for a server we start and one the SDK downloads. */
function tuningArgs(options: DevServerOptions): string[] {
  const args = options.fastSqlite ? ['--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=off'] : [];
  const tuning = options.stock ? [] : DEV_SERVER_TUNING;
  for (const value of [...dynamicConfig, ...tuning, ...(options.dynamicConfig ?? [])]) args.push('--dynamic-config-value', value);
  return args;
}

/** Starts a dev server, from the CLI binary or, without one, the SDK's download, and waits until its namespace answers. */
export async function startTemporalDevServer(options: DevServerOptions): Promise<RunningDevServer> {
  if (options.dbFile) mkdirSync(path.dirname(options.dbFile), { recursive: true });
  return options.cli.kind === 'binary' ? startFromBinary(options.cli.path, options) : startFromSdkDownload(options);
}

async function startFromBinary(binary: string, options: DevServerOptions): Promise<RunningDevServer> {
  const log = options.log ?? (() => undefined);
  const child = spawn(binary, devServerArgs(options), { stdio: ['ignore', 'pipe', 'pipe'] });
  let exitDescription: string | undefined;
  child.once('exit', (code, signal) => (exitDescription = `code ${code ?? signal}`));
  child.stdout?.on('data', (chunk: Buffer) => log(chunk.toString().trimEnd()));
  child.stderr?.on('data', (chunk: Buffer) => log(chunk.toString().trimEnd()));
  const address = `${options.ip ?? '127.0.0.1'}:${options.port}`;
  try {
    await waitForTemporal(address, options.namespace, options.readyTimeoutMs ?? 60_000, () => exitDescription);
  } catch (error) {
    await stopChild(child, 10_000);
    throw error;
  }
  return { address, stop: () => stopChild(child, 10_000) };
}

/** Last resort for machines with internet and neither the CLI nor Go: the SDK downloads and runs the same server. */
async function startFromSdkDownload(options: DevServerOptions): Promise<RunningDevServer> {
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      ip: options.ip ?? '127.0.0.1',
      port: options.port,
      namespace: options.namespace,
      ui: Boolean(options.uiPort),
      uiPort: options.uiPort,
      dbFilename: options.dbFile,
      searchAttributes: leadSearchAttributes,
      extraArgs: tuningArgs(options),
    },
  });
  return { address: env.address, stop: () => env.teardown() };
}
