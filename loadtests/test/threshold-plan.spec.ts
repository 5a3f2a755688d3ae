import path from 'node:path';

// The k6 scripts' threshold sets, loaded by path (plain data: no k6 API in thresholds.ts).
const k6Thresholds = require(path.resolve(__dirname, '../src/lib/thresholds.ts')) as {
  thresholdPlan(profileName: string, minSamples: number, warmup?: boolean): { latency: boolean; minSamples: number };
  chatThresholds(plan: { latency: boolean; minSamples: number }): Record<string, unknown[]>;
};

describe('the chat threshold sets', () => {
  const { thresholdPlan, chatThresholds } = k6Thresholds;
  const correctness = ['chat_delivered', 'chat_delivery_samples', 'checks', 'iterations', 'dropped_iterations'];

  it('hold p95 latency on the spike profiles only: not on smoke, not on the warm-up pass before a local spike', () => {
    expect(Object.keys(chatThresholds(thresholdPlan('local-spike', 100)))).toContain('chat_delivery_ms');
    expect(Object.keys(chatThresholds(thresholdPlan('nightly', 100)))).toContain('chat_delivery_ms');
    expect(Object.keys(chatThresholds(thresholdPlan('smoke', 100)))).not.toContain('chat_delivery_ms');
    expect(Object.keys(chatThresholds(thresholdPlan('local-spike', 100, true)))).not.toContain('chat_delivery_ms');
  });

  it('hold every correctness threshold in a warm-up pass as in a measured run: what it loses fails the run', () => {
    const warm = chatThresholds(thresholdPlan('local-spike', 100, true));
    const measured = chatThresholds(thresholdPlan('local-spike', 100));
    for (const name of correctness) expect(warm[name]).toEqual(measured[name]);
    expect(warm['chat_delivered']).toEqual([expect.objectContaining({ threshold: 'rate>0.999', abortOnFail: true })]);
  });
});
