/**
 * A service process a fault test owns: started in its own process group (so
 * killing it takes anything it spawned with it), its output kept in a log file
 * for a failed run, and every wait bounded.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';

export interface ChildSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  logFile: string;
}

/** Every child still running; if the test process exits without a teardown (interrupted run), they go with it. */
const live = new Set<ManagedChild>();
process.once('exit', () => {
  for (const child of live) child.signalGroup('SIGKILL');
});

export class ManagedChild {
  private readonly child: ChildProcess;
  private readonly log: WriteStream;
  private output = '';
  readonly exited: Promise<string>;

  constructor(readonly spec: ChildSpec) {
    this.log = createWriteStream(spec.logFile, { flags: 'a' });
    this.log.write(`\n==== ${new Date().toISOString()} start ${spec.name}\n`);
    this.child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      this.log.write(chunk);
      // Only the tail matters for readiness and for an error message.
      this.output = (this.output + chunk.toString()).slice(-20_000);
    };
    live.add(this);
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        live.delete(this);
        this.log.write(`\n==== ${new Date().toISOString()} exit ${spec.name} (${code ?? signal})\n`);
        resolve(String(code ?? signal));
      });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  tail(chars = 2_000): string {
    return this.output.slice(-chars);
  }

  /** Resolves once the output contains `text`; fails if the process exits first or time runs out. */
  async waitForOutput(text: string, timeoutMs: number): Promise<void> {
    await this.waitUntil(async () => this.output.includes(text), `"${text}" in its output`, timeoutMs);
  }

  /** Polls `ready` until true; fails if the process exits first or time runs out. */
  async waitUntil(ready: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.spec.name} exited while waiting for ${what}:\n${this.tail()}`);
      if (await ready().catch(() => false)) return;
      await sleep(200);
    }
    throw new Error(`${this.spec.name}: no ${what} within ${timeoutMs} ms:\n${this.tail()}`);
  }

  /** The way a crashed host goes: SIGKILL to the whole group, no chance to clean up. */
  async crash(): Promise<void> {
    this.signalGroup('SIGKILL');
    await this.exited;
  }

  /** A clean stop (SIGTERM to the process, which stops what it started), then SIGKILL to the group if it lingers. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.running) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.signalGroup('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    // Anything the process left behind in its group goes too.
    this.signalGroup('SIGKILL');
    await new Promise<void>((resolve) => this.log.end(resolve));
  }

  /** Public for the exit hook: a process group must not outlive the test run. */
  signalGroup(signal: NodeJS.Signals): void {
    try {
      process.kill(-this.pid, signal);
    } catch {
      // The group is already gone.
    }
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
