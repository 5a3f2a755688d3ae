import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { resolveEnvironment } from '@relay/platform-config';
import { startMoto, type MotoServer } from '@relay/emulators';
import { changedVariables, compareRuns, loadHistory, saveRecord, targetConfig, trendMarkdown, type RunRecord } from './history';

const stag = resolveEnvironment('stag');
const generator = { tasks: 16, cpu: 4096, memoryMb: 8192 };
const conditions = {
  woken: { before: { minCapacity: 0, maxCapacity: 0 }, during: { minCapacity: 40, maxCapacity: 40 } },
  admission: 'rate-rule-exempt',
  loadBalancer: { reservedLcus: 432, state: 'provisioned' },
} as const;
const base = targetConfig(stag, 'aaaa', generator, conditions);

function run(n: number, p95: number, overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    runId: `r${n}`,
    at: `2026-12-${String(n).padStart(2, '0')}T18:00:00.000Z`,
    profile: 'seed-http',
    env: 'stag',
    verdict: 'pass',
    p50Ms: p95 / 2,
    p95Ms: p95,
    p99Ms: p95 * 1.5,
    errorRate: 0,
    taskSeconds: 1000,
    config: base,
    ...overrides,
  };
}

describe('one variable per run', () => {
  it('names what changed between two configurations, a whole group once', () => {
    const more = targetConfig({ ...stag, lambda: { ...stag.lambda, memoryMb: 1024 } }, 'bbbb', { ...generator, tasks: 20 }, conditions);
    expect(changedVariables(base, more)).toEqual(['code', 'generator.tasks', 'lambda.memoryMb']);
    expect(changedVariables(base, targetConfig(stag, 'aaaa', generator, conditions))).toEqual([]);
    // How the target ran is a variable too: the service at another size, or the WAF not admitting.
    const smaller = { ...conditions, woken: { ...conditions.woken, during: { minCapacity: 4, maxCapacity: 4 } } };
    expect(changedVariables(base, targetConfig(stag, 'aaaa', generator, smaller))).toEqual(['run.woken']);
    expect(changedVariables(base, targetConfig(stag, 'aaaa', generator, { ...conditions, admission: 'no-waf' }))).toEqual(['run.admission']);
    expect(changedVariables(base, targetConfig(stag, 'aaaa', generator, { ...conditions, loadBalancer: { reservedLcus: 432, state: 'failed' } }))).toEqual([
      'run.loadBalancer',
    ]);
  });

  it('calls a p95 20% worse with one change a regression, with two confounded, and never judges an inconclusive run', () => {
    const previous = run(1, 100);
    expect(compareRuns(run(2, 125, { config: targetConfig(stag, 'bbbb', generator, conditions) }), [previous])).toMatchObject({
      status: 'regression',
      changed: ['code'],
      previous: 'r1',
    });
    expect(compareRuns(run(2, 110), [previous])).toMatchObject({ status: 'steady', changed: [] });
    expect(compareRuns(run(2, 70), [previous])).toMatchObject({ status: 'improvement' });
    const twoChanges = targetConfig({ ...stag, fargate: { ...stag.fargate, cpu: 1024, memoryMb: 2048 } }, 'bbbb', generator, conditions);
    expect(compareRuns(run(2, 300, { config: twoChanges }), [previous])).toEqual({
      status: 'confounded',
      changed: ['code', 'fargate.cpu', 'fargate.memoryMb'],
      previous: 'r1',
    });
    expect(compareRuns(run(2, 300, { verdict: 'inconclusive' }), [previous])).toMatchObject({ status: 'not-comparable' });
    expect(compareRuns(run(1, 100), [])).toEqual({ status: 'first' });
    // Another profile's run is not this one's previous.
    expect(compareRuns(run(2, 300), [run(1, 100, { profile: 'chat-10k' })])).toEqual({ status: 'first' });
  });

  it('shows the trend as a table per profile, each run against the one before', () => {
    const table = trendMarkdown([run(1, 100), run(2, 130, { config: targetConfig(stag, 'bbbb', generator, conditions) }), run(3, 90, { profile: 'chat-10k' })]);
    expect(table).toContain('### seed-http: the last 2 run(s)');
    expect(table).toMatch(/\| 2026-12-02T18:00 r2 \| pass \| 65\.0 \| 130\.0 \| 195\.0 \| 0\.00% \| regression 30\.0% \(code changed\) \|/);
    expect(table).toContain('### chat-10k: the last 1 run(s)');
  });
});

describe('the history in the results bucket (S3 on moto)', () => {
  let moto: MotoServer;
  // moto's start, not Jest's default 5 s: two CIs on two cores took longer.
  beforeAll(async () => {
    moto = await startMoto(stag.region, { account: stag.accountId });
  }, 60_000);
  afterAll(async () => moto?.stop());

  it('keeps every record and reads back the last 14 of each profile, oldest first', async () => {
    const s3 = new S3Client(moto.clientConfig);
    await s3.send(new CreateBucketCommand({ Bucket: 'fleet', CreateBucketConfiguration: { LocationConstraint: 'ap-northeast-2' } }));
    for (let n = 1; n <= 16; n++) await saveRecord(s3, 'fleet', run(n, 100 + n));
    await saveRecord(s3, 'fleet', run(5, 50, { profile: 'chat-10k', runId: 'c5' }));
    const history = await loadHistory(s3, 'fleet');
    expect(history.filter((r) => r.profile === 'seed-http').map((r) => r.runId)).toEqual(Array.from({ length: 14 }, (_, i) => `r${i + 3}`));
    expect(history.filter((r) => r.profile === 'chat-10k').map((r) => r.runId)).toEqual(['c5']);
  });
});
