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

  it('hands each freed slot to the longest waiter without waking the others, and never exceeds the limit', async () => {
    const limit = new AdaptiveLimit(2);
    expect([limit.tryAcquire(), limit.tryAcquire()]).toEqual([true, true]);
    const order: number[] = [];
    const waiters = Array.from({ length: 100 }, (_, i) => limit.acquire().then(() => order.push(i)));
    const attempts = jest.spyOn(limit, 'tryAcquire');
    limit.release(false);
    await Promise.resolve();
    await Promise.resolve();
    expect(order).toEqual([0]);
    // One waiter woke, holding the slot; the 99 others were not woken to try for it.
    expect(attempts).not.toHaveBeenCalled();
    expect(limit.tryAcquire()).toBe(false);
    attempts.mockRestore();
    for (let i = 0; i < 101; i++) limit.release(false);
    await Promise.all(waiters);
    expect(order).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new AdaptiveLimit(0)).toThrow(/positive integer/);
  });
});
