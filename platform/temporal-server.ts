import { spawn } from 'node:child_process';
import path from 'node:path';
import { findOnPath, goInstall, isExecutable, toolsDir } from './go-tools';
import { projectRoot } from './project-root';
import { stopChild, waitForTemporal } from './temporal-process';

/** The Temporal server release the cluster runs; its schema tool comes from the same module. */
export const TEMPORAL_SERVER_MODULE = 'go.temporal.io/server';
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
/** The standalone Temporal UI (the one the CLI's dev server embeds). */
export const TEMPORAL_UI_MODULE = 'github.com/temporalio/ui-server/v2';
export const TEMPORAL_UI_VERSION = 'v2.42.1';

export interface TemporalServerTools {
  /** All services in one process: `server start`. */
  server: string;
  /** The schema tool: `sql --plugin postgres12 ... setup-schema / update-schema`. */
  sql: string;
  /** The UI server, unless left out. */
  ui?: string;
}

export interface ToolOptions {
  env?: NodeJS.ProcessEnv;
  /** Also find or build the UI server (default true). */
  ui?: boolean;
  log?: (line: string) => void;
}

/**
 * Finds the server, schema tool and UI under LEADGATE_TOOLS_DIR (one folder per
 * release) and builds whatever is missing with Go, the way the CLI is built;
 * the schema tool carries the matching schema files inside it.
 */
export async function resolveTemporalServerTools(options: ToolOptions = {}): Promise<TemporalServerTools> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => console.error(line));
  const ensure = async (dir: string, binaries: string[], packages: string[]) => {
    const paths = binaries.map((name) => path.join(dir, name));
    if (paths.every(isExecutable)) return paths;
    const go = findOnPath('go', env);
    if (!go) throw new Error(`The cluster builds ${packages.join(' and ')} from source and needs Go 1.25+ on PATH (https://go.dev/dl/).`);
    await goInstall(go, packages, dir, env, log);
    return paths;
  };
  const at = `@${TEMPORAL_SERVER_VERSION}`;
  const [server, sql] = await ensure(
    path.join(toolsDir(env), `temporal-server-${TEMPORAL_SERVER_VERSION}`),
    ['server', 'sql'],
    [`${TEMPORAL_SERVER_MODULE}/cmd/server${at}`, `${TEMPORAL_SERVER_MODULE}/cmd/tools/sql${at}`],
  );
  const tools = { server: server!, sql: sql! };
  if (options.ui === false) return tools;
  const [ui] = await ensure(path.join(toolsDir(env), `temporal-ui-${TEMPORAL_UI_VERSION}`), ['server'], [`${TEMPORAL_UI_MODULE}/cmd/server@${TEMPORAL_UI_VERSION}`]);
  return { ...tools, ui: ui! };
}

/** Temporal's own databases, next to (never the same as) LeadGate's. */
export const TEMPORAL_DATABASES = { persistence: 'temporal', visibility: 'temporal_visibility' };

export interface TemporalServerOptions {
  binary: string;
  postgres: { host: string; port: number; user: string; password: string };
  persistenceDatabase: string;
  visibilityDatabase: string;
  /** Frontend gRPC port; the server's other ports follow it (config/temporal/server.yaml). */
  port: number;
  historyShards: number;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  readyTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface RunningTemporalServer {
  address: string;
  pid: number;
  /** Graceful stop (SIGTERM, SIGKILL after a grace period). */
  stop(): Promise<void>;
  /** SIGKILL, as a crashed host would. */
  kill(): void;
}

/** The server's ports, as config/temporal/server.yaml lays them out from the frontend port. */
export function temporalServerPorts(port: number) {
  return { frontend: port, history: port + 1, matching: port + 2, worker: port + 3, membership: [port + 4, port + 5, port + 6, port + 7], http: port + 8, metrics: port + 9 };
}

/** The variables config/temporal/server.yaml reads; docker-compose.yml sets the same ones. */
export function temporalServerEnv(options: Omit<TemporalServerOptions, 'binary'>): Record<string, string> {
  return {
    POSTGRES_SEEDS: options.postgres.host,
    DB_PORT: String(options.postgres.port),
    POSTGRES_USER: options.postgres.user,
    POSTGRES_PWD: options.postgres.password,
    DBNAME: options.persistenceDatabase,
    VISIBILITY_DBNAME: options.visibilityDatabase,
    NUM_HISTORY_SHARDS: String(options.historyShards),
    BIND_ON_IP: '127.0.0.1',
    FRONTEND_GRPC_PORT: String(options.port),
    DYNAMIC_CONFIG_FILE_PATH: path.join(projectRoot(), 'config', 'temporal', 'dynamic.yaml'),
    LOG_LEVEL: options.logLevel ?? 'warn',
  };
}

/** `server --root <project> --config config/temporal --env server start`: the template above, rendered by the server. */
export const TEMPORAL_SERVER_ARGS = ['--config', 'config/temporal', '--env', 'server', '--allow-no-auth', 'start'];

/** Starts the server in its own process (its schema must be set up) and waits until the frontend answers. */
export async function startTemporalServer(options: TemporalServerOptions): Promise<RunningTemporalServer> {
  const log = options.log ?? (() => undefined);
  // Only what the template reads, plus PATH/HOME: LeadGate's own variables (LOG_LEVEL) mean other things here.
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...temporalServerEnv(options) };
  // Its own process group, so a Ctrl-C meant for whoever started it does not stop it out of order.
  const child = spawn(options.binary, ['--root', projectRoot(), ...TEMPORAL_SERVER_ARGS], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let exitDescription: string | undefined;
  child.once('exit', (code, signal) => (exitDescription = `code ${code ?? signal}`));
  child.stdout?.on('data', (chunk: Buffer) => log(chunk.toString().trimEnd()));
  child.stderr?.on('data', (chunk: Buffer) => log(chunk.toString().trimEnd()));
  const address = `127.0.0.1:${options.port}`;
  try {
    // The frontend is up when it answers for its own system namespace.
    await waitForTemporal(address, 'temporal-system', options.readyTimeoutMs ?? 120_000, () => exitDescription, 'Temporal server');
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return { address, pid: child.pid!, stop: () => stopChild(child), kill: () => void child.kill('SIGKILL') };
}
