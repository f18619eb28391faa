/** Resolves when a lead's committed stage satisfies a predicate, timed on the monotonic clock at NOTIFY receipt. */
import { Client } from 'pg';
import { now } from './stats';

type Seen = { stage: string; owner: string | null; at: number };
type Waiter = { accept: (s: Seen) => boolean; resolve: (at: number) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

export class StageWatch {
  private readonly latest = new Map<string, Seen>();
  private readonly waiters = new Map<string, Waiter[]>();
  private constructor(private readonly client: Client) {}

  static async start(databaseUrl: string): Promise<StageWatch> {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    const watch = new StageWatch(client);
    client.on('notification', (msg) => watch.onNotify(msg.payload ?? ''));
    await client.query('LISTEN bench_lead_stage');
    return watch;
  }

  private onNotify(payload: string): void {
    const at = now();
    const [leadId, stage, owner] = payload.split('|');
    if (!leadId || !stage) return;
    const seen: Seen = { stage, owner: owner || null, at };
    this.latest.set(leadId, seen);
    const list = this.waiters.get(leadId);
    if (!list) return;
    const remaining = list.filter((w) => {
      if (!w.accept(seen)) return true;
      clearTimeout(w.timer);
      w.resolve(at);
      return false;
    });
    if (remaining.length) this.waiters.set(leadId, remaining);
    else this.waiters.delete(leadId);
  }

  /** Register before acting; resolves with the monotonic time the matching write was seen. */
  waitFor(leadId: string, accept: (s: { stage: string; owner: string | null }) => boolean, timeoutMs = 120_000): Promise<number> {
    const seen = this.latest.get(leadId);
    if (seen && accept(seen)) return Promise.resolve(seen.at);
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        const list = this.waiters.get(leadId)?.filter((w) => w.timer !== timer) ?? [];
        if (list.length) this.waiters.set(leadId, list);
        else this.waiters.delete(leadId);
        reject(new Error(`lead ${leadId} did not reach the expected stage within ${timeoutMs} ms (last: ${this.latest.get(leadId)?.stage ?? 'none'})`));
      }, timeoutMs);
      const list = this.waiters.get(leadId) ?? [];
      list.push({ accept, resolve, reject, timer });
      this.waiters.set(leadId, list);
    });
  }

  state(leadId: string): { stage: string; owner: string | null } | undefined {
    return this.latest.get(leadId);
  }

  forget(leadId: string): void {
    this.latest.delete(leadId);
  }

  async stop(): Promise<void> {
    await this.client.end();
  }
}

export const routedWithOwner = (s: { stage: string; owner: string | null }) => s.stage === 'awaiting_discovery' && s.owner !== null;
export const inStage = (stage: string) => (s: { stage: string }) => s.stage === stage;
