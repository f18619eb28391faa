import path from 'node:path';
import { findOnPath, goInstall, isExecutable, toolsDir } from './go-tools';

/** The CLI release LeadGate builds from source when no binary is at hand. */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

export interface TemporalCliBinary {
  kind: 'binary';
  path: string;
  source: 'TEMPORAL_CLI_PATH' | 'PATH' | 'project build';
}

export type TemporalCli =
  | TemporalCliBinary
  /** No binary and no Go: the SDK downloads the dev server itself (needs internet). */
  | { kind: 'sdk-download' };

export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  /** Build with Go when no binary is found; off only for a dry look-up. */
  build?: boolean;
  log?: (line: string) => void;
}

/**
 * Finds the Temporal CLI in the documented order (DESIGN.md): TEMPORAL_CLI_PATH,
 * `temporal` on PATH, a project-local build (made with Go when missing), and
 * last the SDK's own download, for machines with internet and neither.
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
    await goInstall(go, [TEMPORAL_CLI_MODULE], binDir, env, log);
    return { kind: 'binary', path: local, source: 'project build' };
  }
  log(
    'No Temporal CLI found (TEMPORAL_CLI_PATH, `temporal` on PATH, the project build) and no Go toolchain to build one: ' +
      'the SDK downloads a dev server, which needs internet. To avoid it, install Go 1.22+ (the CLI is then built on first use), ' +
      'or install the Temporal CLI, or set TEMPORAL_CLI_PATH.',
  );
  return { kind: 'sdk-download' };
}

/** The CLI binary itself, for what runs more than the dev server the SDK can download (the fault tests' managed server, history export). */
export async function resolveTemporalCliBinary(purpose: string, options: ResolveOptions = {}): Promise<TemporalCliBinary> {
  const cli = await resolveTemporalCli(options);
  if (cli.kind === 'binary') return cli;
  throw new Error(`${purpose} needs the Temporal CLI binary: install Go 1.22+ (then \`npm run temporal:ensure\`), or the Temporal CLI, or set TEMPORAL_CLI_PATH.`);
}

export function describeCli(cli: TemporalCli): string {
  return cli.kind === 'binary' ? `${cli.path} (${cli.source})` : 'the SDK download';
}

