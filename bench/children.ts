/** Child processes (worker, API) started with the same TypeScript loader as `npm run bench`, and their memory. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Child {
  name: string;
  pid: number;
  /** The text after `ready` on the child's ready line. */
  readyDetail: string;
  stop(): Promise<void>;
  alive(): boolean;
  /** Writes one line to the child's stdin and resolves with the next line it prints (probe children answer `heap`). */
  ask(line: string): Promise<string>;
}

export interface ChildOptions {
  name: string;
  script: string;
  env: NodeJS.ProcessEnv;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
  readyTimeoutMs?: number;
}

export function startChild(options: ChildOptions): Promise<Child> {
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', path.join(__dirname, options.script)], {
    env: options.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const answers: Array<(line: string) => void> = [];
  const ask = (line: string) =>
    new Promise<string>((resolve) => {
      answers.push(resolve);
      child.stdin?.write(`${line}\n`);
    });
  let stderrTail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString()).slice(-4000);
    if (process.env.BENCH_DEBUG) process.stderr.write(`[${options.name}] ${chunk.toString()}`);
  });
  let exited = false;
  child.once('exit', () => (exited = true));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (exited) return resolve();
      const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.once('exit', () => {
        clearTimeout(killer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  return new Promise<Child>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${options.name} not ready within ${options.readyTimeoutMs ?? 120_000} ms: ${stderrTail}`));
    }, options.readyTimeoutMs ?? 120_000);
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('ready'));
      if (line === undefined) return;
      clearTimeout(timer);
      out = '';
      child.stdout?.removeAllListeners('data');
      child.stdout?.on('data', (more: Buffer) => {
        out += more.toString();
        const lines = out.split('\n');
        out = lines.pop() ?? '';
        for (const l of lines) answers.shift()?.(l);
      });
      resolve({ name: options.name, pid: child.pid!, readyDetail: line.slice('ready'.length).trim(), stop, alive: () => !exited, ask });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited before ready (${code ?? signal}): ${stderrTail}`));
    });
  });
}

/** Resident set size now and its peak since the last reset, in MiB (Linux /proc). */
export function memoryOf(pid: number): { rssMiB: number; peakMiB: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMiB: round(kb('VmRSS') / 1024), peakMiB: round(kb('VmHWM') / 1024) };
  } catch {
    return null;
  }
}

/** Resets the kernel's peak-RSS mark, so the next peak covers one phase only. */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

const round = (v: number) => Math.round(v * 10) / 10;
