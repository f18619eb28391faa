import { FifoLock } from '../../../workflows/lock';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('FifoLock', () => {
  it('lets one holder in at a time and serves waiters in arrival order', async () => {
    const lock = new FifoLock();
    const log: string[] = [];
    let inside = 0;
    let most = 0;
    const releases: Array<() => void> = [];
    const holder = (name: string) =>
      lock.run(async () => {
        inside += 1;
        most = Math.max(most, inside);
        log.push(`enter ${name}`);
        await new Promise<void>((resolve) => releases.push(resolve));
        log.push(`leave ${name}`);
        inside -= 1;
      });
    const all = Promise.all(['a', 'b', 'c', 'd'].map(holder));
    for (let i = 0; i < 4; i++) {
      await tick();
      expect(lock.busy).toBe(true);
      releases.shift()!();
    }
    await all;
    expect(most).toBe(1);
    expect(log).toEqual(['enter a', 'leave a', 'enter b', 'leave b', 'enter c', 'leave c', 'enter d', 'leave d']);
    expect(lock.busy).toBe(false);
  });

  it('passes the lock on when a holder throws', async () => {
    const lock = new FifoLock();
    const failed = lock.run(async () => {
      throw new Error('write refused');
    });
    const next = lock.run(async () => 'ran');
    await expect(failed).rejects.toThrow('write refused');
    await expect(next).resolves.toBe('ran');
    expect(lock.busy).toBe(false);
  });
});
