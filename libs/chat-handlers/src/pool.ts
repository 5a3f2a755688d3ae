/** Runs `work` over `items` with at most `concurrency` in flight. */
export async function forEachBounded<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  // Lanes share one iterator, so each item is taken by exactly one lane.
  const queue = items.values();
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    for (const item of queue) await work(item);
  });
  await Promise.all(lanes);
}
