import { condition } from '@temporalio/workflow';

/**
 * One holder at a time, waiters served in arrival order. The holder hands the
 * lock straight to the next waiter, so no two waiters can both see it free in
 * the same activation (as `condition(() => !busy)` allowed: the SDK resolves
 * every true condition in one pass before any of their continuations run).
 */
export class FifoLock {
  private held = false;
  private readonly waiters: Array<() => void> = [];

  get busy(): boolean {
    return this.held;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.held = false;
  }
}

/**
 * The lock runs took before the FIFO lock: kept only so their histories replay
 * as they were recorded. Waiters whose condition turns true together may both
 * enter; new runs never use it.
 */
export class ConditionLock {
  private held = false;

  get busy(): boolean {
    return this.held;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    await condition(() => !this.held);
    this.held = true;
    try {
      return await fn();
    } finally {
      this.held = false;
    }
  }
}
