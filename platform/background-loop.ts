/**
 * A pass that runs every `intervalMs` until stopped: the next pass is scheduled
 * only once the last has finished, so passes never overlap, and `stop()` waits
 * for the one in flight. The pass handles its own errors; a throw is a bug.
 */
export interface BackgroundLoop {
  stop(): Promise<void>;
}

export function runEvery(intervalMs: number, pass: () => Promise<void>): BackgroundLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = pass().finally(schedule);
    }, intervalMs);
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
