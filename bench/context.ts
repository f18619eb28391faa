import type { Child } from './children';
import type { LeadGateway } from './gateway';
import type { Stack } from './stack';
import type { StageWatch } from './stage-watch';

export interface BenchArgs {
  quick: boolean;
  n: number;
  concurrency: number[];
  warmup: number;
  repN: number;
  repConcurrency: number;
  costSamples: number;
  parked: number;
  parkedNurture: number;
  parkConcurrency: number;
  dueTogether: number;
  /** Seconds the two park phases may take together before they stop short of their counts. */
  parkBudgetSeconds: number;
  /** Histories per kind replayed by the replay scenario. */
  replayK: number;
  /** Workflows per kind parked on a fresh worker for heap per cached workflow. */
  cachedK: number;
  /** What else was running on the machine, in the operator's words. */
  note: string;
  /** WAL/no-fsync SQLite and fsync-off PostgreSQL for both LeadGate and the baseline (off with --durable-storage). */
  fastStorage: boolean;
  /** The dev server as `start-dev` configures it, without DEV_SERVER_TUNING (platform/temporal-dev-server.ts). */
  stockDevServer: boolean;
  cpuProf: boolean;
  direct: boolean;
  /** The production Temporal server on PostgreSQL instead of the dev server. */
  cluster: boolean;
  skip: Set<string>;
  out: string;
}

export interface Ctx {
  args: BenchArgs;
  stack: Stack;
  watch: StageWatch;
  gateway: LeadGateway;
  /** The Temporal client, for parking leads in bulk where the HTTP path is not what is measured. */
  parkGateway: LeadGateway;
  leadWorker: Child;
  baselineWorker: Child;
  baselineTaskQueue: string;
  api: Child | null;
  log: (line: string) => void;
  /** Leads parked in awaiting_discovery by earlier scenarios, with their owners, for later ones to use. */
  routedLeads: Array<{ leadId: string; owner: string }>;
  /** Leads qualified by the rep scenario, for the cost scenario. */
  qualified: { threeStep: string[]; oneCall: string[] };
  /** The environment of a bench child process (worker, API, probes) on this run's stack. */
  childEnv(extra: Record<string, string>): NodeJS.ProcessEnv;
  /** Stops both workers and starts new processes with the same settings: every cache empty. */
  restartWorkers(): Promise<void>;
}
