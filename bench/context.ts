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
  /** WAL/no-fsync SQLite and fsync-off PostgreSQL for both LeadGate and the baseline (off with --durable-storage). */
  fastStorage: boolean;
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
  leadWorker: Child;
  baselineWorker: Child;
  baselineTaskQueue: string;
  api: Child | null;
  log: (line: string) => void;
  /** Leads parked in awaiting_discovery by earlier scenarios, with their owners, for later ones to use. */
  routedLeads: Array<{ leadId: string; owner: string }>;
  /** Leads qualified by the rep scenario, for the cost scenario. */
  qualified: { threeStep: string[]; oneCall: string[] };
}
