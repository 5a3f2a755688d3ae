import path from 'node:path';
import { ensureK6, workspaceRoot } from '@relay/k6-process';
import { FLEET_PROFILES } from './plan';
import { k6RunSeconds, parseK6Duration } from './k6-run-length';

describe("a fleet run's length", () => {
  it("reads k6's durations", () => {
    expect(parseK6Duration('3m10s')).toBe(190);
    expect(parseK6Duration('1h0m0.5s')).toBe(3600.5);
    expect(parseK6Duration('250ms')).toBe(0.25);
    expect(() => parseK6Duration('soon')).toThrow(/not a k6 duration/);
  });

  it('takes every fleet profile’s run length from the real k6 scenario, so a profile k6 lacks is found before launch', () => {
    const k6 = ensureK6();
    const seconds = Object.fromEntries(
      Object.entries(FLEET_PROFILES).map(([name, p]) => [
        name,
        k6RunSeconds(k6, path.join(workspaceRoot, 'loadtests/src', `${p.scenario}.ts`), { PROFILE: p.k6Profile }),
      ]),
    );
    // seed-http: 10 s at the peak, then its graceful stop; the chat profiles' sessions and grace on top.
    expect(seconds['seed-http']).toBeGreaterThanOrEqual(10);
    expect(seconds['chat-10k']).toBeGreaterThan(FLEET_PROFILES['chat-10k']!.seconds);
    expect(seconds['chat-100k']).toBe(seconds['chat-10k']);
    expect(() => k6RunSeconds(k6, path.join(workspaceRoot, 'loadtests/src/chat-spike.ts'), { PROFILE: 'no-such-profile' })).toThrow(
      /k6 inspect chat-spike.ts failed/,
    );
  });
});
