import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from './project-root';

export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findOnPath(command: string, env: NodeJS.ProcessEnv): string | undefined {
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  return dirs.map((dir) => path.join(dir, command)).find(isExecutable);
}

/** Where project-local tools live; CI points this at a cache that outlives a clone. */
export function toolsDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.LEADGATE_TOOLS_DIR ?? path.join(projectRoot(), '.tools'));
}

/** Runs a command to completion, output on our stderr; `quiet` keeps its output, shown only if it fails, and returns its stdout. */
export function runTool(command: string, args: string[], env: NodeJS.ProcessEnv, options: { quiet?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', options.quiet ? 'pipe' : 'inherit', options.quiet ? 'pipe' : 'inherit'] });
    let out = '';
    let all = '';
    child.stdout?.on('data', (chunk: Buffer) => ((out += chunk.toString()), (all += chunk.toString())));
    child.stderr?.on('data', (chunk: Buffer) => (all += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) return resolve(out);
      const tail = all.trimEnd().split('\n').slice(-15).join('\n');
      reject(new Error(`${path.basename(command)} ${args.join(' ')} exited with ${code ?? signal}${tail ? `:\n${tail}` : ''}`));
    });
  });
}

/** `go install` of whole packages into binDir (their binaries keep the package's last path element as name). */
export async function goInstall(go: string, packages: string[], binDir: string, env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<void> {
  mkdirSync(binDir, { recursive: true });
  log(`Building ${packages.join(' and ')} from source into ${binDir}; the first build takes a few minutes.`);
  const started = Date.now();
  await runTool(go, ['install', ...packages], { ...env, GOBIN: binDir, GOFLAGS: `${env.GOFLAGS ?? ''} -buildvcs=false`.trim() });
  log(`Built in ${Math.round((Date.now() - started) / 1000)} s.`);
}
