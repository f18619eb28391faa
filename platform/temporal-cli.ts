import path from 'node:path';
import { findOnPath, goInstall, isExecutable, toolsDir } from './go-tools';

/** The CLI release LeadGate builds from source when no binary is at hand. */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

export interface TemporalCli {
  path: string;
  source: 'TEMPORAL_CLI_PATH' | 'PATH' | 'project build';
}

export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  /** Build with Go when no binary is found; off only for a dry look-up. */
  build?: boolean;
  log?: (line: string) => void;
}

/**
 * Finds the Temporal CLI in the documented order: TEMPORAL_CLI_PATH, `temporal`
 * on PATH, a project-local build (made with Go when missing). With none of them
 * it says what to install: the SDK's own download of a dev server lives in its
 * test kit, which production code does not depend on.
 */
export async function resolveTemporalCli(options: ResolveOptions = {}): Promise<TemporalCli> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => console.error(line));

  const explicit = env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (!isExecutable(explicit)) throw new Error(`TEMPORAL_CLI_PATH=${explicit} is not an executable file.`);
    return { path: explicit, source: 'TEMPORAL_CLI_PATH' };
  }

  const onPath = findOnPath('temporal', env);
  if (onPath) return { path: onPath, source: 'PATH' };

  const binDir = path.join(toolsDir(env), 'bin');
  const local = path.join(binDir, 'temporal');
  if (isExecutable(local)) return { path: local, source: 'project build' };

  const go = findOnPath('go', env);
  if (go && options.build !== false) {
    await goInstall(go, [TEMPORAL_CLI_MODULE], binDir, env, log);
    return { path: local, source: 'project build' };
  }
  throw new Error(
    'No Temporal CLI found (TEMPORAL_CLI_PATH, `temporal` on PATH, the project build) and no Go toolchain to build one: ' +
      'install Go 1.22+ (the CLI is then built on first use), or install the Temporal CLI, or set TEMPORAL_CLI_PATH.',
  );
}

export function describeCli(cli: TemporalCli): string {
  return `${cli.path} (${cli.source})`;
}

