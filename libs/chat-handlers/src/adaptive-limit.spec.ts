import { AdaptiveLimit } from './adaptive-limit';

describe('AdaptiveLimit', () => {
  it('halves on a throttle, once per cooldown, and grows back by about one per round of successes', () => {
    let now = 0;
    const limit = new AdaptiveLimit(32, 50, () => now);
    const round = (throttled: boolean, times: number) => {
      for (let i = 0; i < times; i++) {
        expect(limit.tryAcquire()).toBe(true);
        limit.release(throttled);
      }
    };
    round(true, 10); // a burst of 429s within one cooldown counts once
    expect(limit.limit).toBe(16);
    now = 60;
    round(true, 1);
    expect(limit.limit).toBe(8);
    round(false, 9); // +1/limit each: one round of the limit's size, and a bit
    expect(limit.limit).toBe(9);
    round(false, 2000);
    expect(limit.limit).toBe(32);
  });

  it('never lets more than the limit in flight, and wakes a waiter when one returns', async () => {
    const limit = new AdaptiveLimit(2);
    expect([limit.tryAcquire(), limit.tryAcquire(), limit.tryAcquire()]).toEqual([true, true, false]);
    let entered = false;
    const waiter = limit.acquire().then(() => (entered = true));
    await Promise.resolve();
    expect(entered).toBe(false);
    limit.release(false);
    await waiter;
    expect(entered).toBe(true);
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new AdaptiveLimit(0)).toThrow(/positive integer/);
  });
});
