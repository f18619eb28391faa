import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from './project-root';

/** The CLI release LeadGate builds from source when no binary is at hand. */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

export type TemporalCli =
  | { kind: 'binary'; path: string; source: 'TEMPORAL_CLI_PATH' | 'PATH' | 'project build' }
  /** No binary and no Go: the SDK downloads the dev server itself (needs internet). */
  | { kind: 'sdk-download' };

export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  /** Build with Go when no binary is found; off only for a dry look-up. */
  build?: boolean;
  log?: (line: string) => void;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(command: string, env: NodeJS.ProcessEnv): string | undefined {
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  return dirs.map((dir) => path.join(dir, command)).find(isExecutable);
}

/** Where project-local tools live; CI points this at a cache that outlives a clone. */
export function toolsDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.LEADGATE_TOOLS_DIR ?? path.join(projectRoot(), '.tools'));
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code ?? signal}`)),
    );
  });
}

async function buildWithGo(go: string, binDir: string, env: NodeJS.ProcessEnv, log: (line: string) => void) {
  mkdirSync(binDir, { recursive: true });
  log(`Building the Temporal CLI from source (${TEMPORAL_CLI_MODULE}) into ${binDir}; the first build takes a few minutes.`);
  const started = Date.now();
  await run(go, ['install', TEMPORAL_CLI_MODULE], { ...env, GOBIN: binDir, GOFLAGS: `${env.GOFLAGS ?? ''} -buildvcs=false`.trim() });
  log(`Temporal CLI built in ${Math.round((Date.now() - started) / 1000)} s.`);
}

/**
 * Finds the Temporal CLI in the documented order: TEMPORAL_CLI_PATH, `temporal`
 * on PATH, a project-local build (made with Go when missing), then the SDK's
 * own download as the last resort.
 */
export async function resolveTemporalCli(options: ResolveOptions = {}): Promise<TemporalCli> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => console.error(line));

  const explicit = env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (!isExecutable(explicit)) throw new Error(`TEMPORAL_CLI_PATH=${explicit} is not an executable file.`);
    return { kind: 'binary', path: explicit, source: 'TEMPORAL_CLI_PATH' };
  }

  const onPath = findOnPath('temporal', env);
  if (onPath) return { kind: 'binary', path: onPath, source: 'PATH' };

  const binDir = path.join(toolsDir(env), 'bin');
  const local = path.join(binDir, 'temporal');
  if (isExecutable(local)) return { kind: 'binary', path: local, source: 'project build' };

  const go = findOnPath('go', env);
  if (go && options.build !== false) {
    await buildWithGo(go, binDir, env, log);
    return { kind: 'binary', path: local, source: 'project build' };
  }
  log(
    'No Temporal CLI found (TEMPORAL_CLI_PATH, PATH, project build) and no Go toolchain to build one; ' +
      'falling back to the SDK download, which needs internet. To avoid it, install Go 1.22+ ' +
      `(then it is built automatically) or the Temporal CLI, or set TEMPORAL_CLI_PATH.`,
  );
  return { kind: 'sdk-download' };
}

export function describeCli(cli: TemporalCli): string {
  return cli.kind === 'binary' ? `${cli.path} (${cli.source})` : 'SDK download';
}

