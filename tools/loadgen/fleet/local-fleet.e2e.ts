import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LOCAL_AUTH } from '@relay/platform-config';
import { LocalRuntimeProcess } from '@relay/local-stack';
import { ensureK6 } from '@relay/k6-process';
import { runLocalFleet, type LocalFleetRun } from '@relay/fleet';
import { seedUsers, writeUsers } from '@relay/fleet-command';

/**
 * The local fleet (what `nx run loadgen:fleet` runs) against the local stack in its own process:
 * the scenarios split over N k6 processes are the same test as one, and lose no delivery.
 */
jest.setTimeout(300_000);

let k6: string;
beforeAll(() => {
  k6 = ensureK6();
});

describe('the local fleet against the local stack', () => {
  let runtime: LocalRuntimeProcess;
  const dir = mkdtempSync(path.join(tmpdir(), 'relay-fleet-'));
  beforeAll(async () => {
    runtime = await LocalRuntimeProcess.start();
  });
  afterAll(async () => runtime?.stop());

  /** Each run its own users (and so its own artist room), as every fleet invocation seeds afresh. */
  const fleet = async (script: string, tasks: number, latencyMetric: string): Promise<LocalFleetRun> => {
    const usersFile = path.join(dir, `users-${script}-${tasks}.json`);
    writeUsers(usersFile, await seedUsers(200, LOCAL_AUTH, `${script}-${tasks}-${Date.now()}`));
    return {
      k6,
      script,
      tasks,
      env: { PROFILE: 'smoke', WS_URL: runtime.wsUrl, BROADCAST_URL: runtime.broadcastUrl, USERS_FILE: usersFile },
      reportDir: path.join(dir, `${script}-${tasks}`),
      latencyMetric,
      coresPerTask: 2,
    };
  };

  it('splits the smoke profile over 1 or 3 tasks into the same test: arrivals, posts and requests, and no delivery lost', async () => {
    // The four runs go side by side: each has its own users and artist room, and a smoke run
    // mostly waits (its barrier, its schedule), so in turn they took 48 s and side by side 16 s.
    const [one, three, spikeOne, spikeThree] = await Promise.all([
      fleet('broadcast-api', 1, 'http_req_duration').then(runLocalFleet),
      fleet('broadcast-api', 3, 'http_req_duration').then(runLocalFleet),
      fleet('chat-spike', 1, 'chat_delivery_ms').then(runLocalFleet),
      fleet('chat-spike', 3, 'chat_delivery_ms').then(runLocalFleet),
    ]);
    // Asked = started + dropped: the schedule itself, the same however it is split (a loaded
    // machine may drop some, which the verdict reports; the test asked is what must match).
    const asked = (r: typeof one) => (r.merged.counters['iterations'] ?? 0) + (r.merged.counters['dropped_iterations'] ?? 0);
    const counts = (r: typeof one) => ({
      asked: asked(r),
      posts: r.merged.counters['chat_posts'],
      requests: r.merged.counters['http_reqs'],
      failedChecks: r.merged.rates['checks']?.fails,
    });
    // k6 itself starts 44 or 45 of this schedule's iterations from one run to the next (its
    // ramp's last arrival falls on the boundary; seen in two single-task runs): a split may
    // differ from a whole run by that boundary iteration, at most one per task, never more.
    const a = counts(one);
    const b = counts(three);
    for (const key of ['asked', 'posts', 'requests'] as const) expect(Math.abs((b[key] ?? 0) - (a[key] ?? 0))).toBeLessThanOrEqual(3);
    expect(b.failedChecks).toBe(0);
    expect(a.failedChecks).toBe(0);
    expect(counts(one).asked).toBeGreaterThan(0);
    expect(three.verdict.status).not.toBe('fail');

    // The followers' arrivals split the same way; every delivery owed reached its follower in both.
    expect(Math.abs(asked(spikeThree) - asked(spikeOne))).toBeLessThanOrEqual(3);
    for (const run of [spikeOne, spikeThree]) {
      expect(run.merged.rates['chat_delivered']?.fails).toBe(0);
      expect(run.merged.rates['chat_delivered']?.passes).toBeGreaterThan(0);
    }
    // One artist posts, in one of the three tasks: the posts are not multiplied by the split. How
    // many it posts is how many acks its loop waited for in its window, a matter of speed, so
    // that is not compared with the one-task run (a loaded machine made them differ by 2).
    const postsPerTask = [0, 1, 2].map((task) => {
      const summary = JSON.parse(readFileSync(path.join(dir, 'chat-spike-3', `task-${task}`, 'summary.json'), 'utf8')) as {
        metrics: Record<string, { values: { count: number } } | undefined>;
      };
      return summary.metrics['chat_posts']?.values.count ?? 0;
    });
    expect(postsPerTask.filter((n) => n > 0)).toEqual([spikeThree.merged.counters['chat_posts']]);
    expect(spikeOne.merged.counters['chat_posts']).toBeGreaterThan(0);
  });
});
