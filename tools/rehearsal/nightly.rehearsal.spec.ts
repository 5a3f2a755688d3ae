import { randomBytes } from 'node:crypto';
import { resolveEnvironment } from '@relay/platform-config';
import { SHA, startFixture, type Fixture } from './rehearsal-fixture';
import { RehearsalFailure, WorkflowRehearsal } from './workflow-runner';

/**
 * nightly-spike.yml, rehearsed with the smoke profile (workflow_dispatch): every step before the
 * spike runs for real (the loadtest role, stag's endpoints and token secret from SSM in moto,
 * 12,000 users seeded with that secret, the previous run's reports fetched with continue-on-error)
 * and the orchestrator starts k6 against the endpoints SSM names. No stag answers here (they point
 * at a closed local port), so the spike fails and the job fails, after the steps GitHub runs anyway
 * (publish and upload, if: always()). The fleet that replaces this workflow (#27) brings its own
 * target; until then this proves the way in, not the measurement.
 */
jest.setTimeout(600_000);

const stag = resolveEnvironment('stag');
let fixture: Fixture;

beforeAll(async () => {
  fixture = await startFixture({ name: 'workflow_dispatch', ref: 'refs/heads/main', sha: SHA, payload: { inputs: { profile: 'smoke' } } });
  for (const [name, value, type] of [
    ['/relay/stag/chat/ws-url', 'ws://127.0.0.1:9/live', 'String'],
    ['/relay/stag/broadcast/url', 'http://127.0.0.1:9', 'String'],
    ['/relay/stag/chat/auth-token-secret', randomBytes(32).toString('base64url'), 'SecureString'],
  ] as const) {
    // As JSON: the CLI would fetch a value that looks like a URL.
    fixture.aws('ssm', 'put-parameter', '--cli-input-json', JSON.stringify({ Name: name, Type: type, Value: value }));
  }
});
afterAll(async () => fixture?.stop());

describe('nightly-spike.yml, rehearsed up to its orchestrator', () => {
  it('runs every step before the spike for real, starts the orchestrator, and runs the always() steps after its failure', () => {
    const nightly = new WorkflowRehearsal(fixture.options);
    let failure: unknown;
    try {
      nightly.run('nightly-spike.yml', undefined, { profile: 'smoke' });
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(RehearsalFailure);
    // It failed for the reason it should: k6 ran against the endpoints SSM names, and nothing answered.
    expect((failure as Error).message).toMatch(
      /nightly-spike\.yml#spike: step "Spike" exited[\s\S]*127\.0\.0\.1:9[\s\S]*connection refused[\s\S]*thresholds on metrics/,
    );
    expect(nightly.lastFailedJob).toMatchObject({ environment: 'stag', roles: [`arn:aws:iam::${stag.accountId}:role/relay-loadtest`] });
    const outcome = (step: string) => nightly.steps.find((s) => s.step === step);
    expect(outcome('Resolve the stag endpoints')).toMatchObject({ outcome: 'ran' });
    expect(outcome('Seed users (tokens signed with the stag secret)')).toMatchObject({ outcome: 'ran' });
    expect(outcome('Previous run, for the delta table')?.note).toMatch(/continue-on-error/);
    expect(outcome('Spike')).toMatchObject({ outcome: 'ran', note: 'failed' });
    expect(outcome("Publish the result beside delivery's own metrics (the env's dashboard shows both)")).toMatchObject({ outcome: 'ran' });
    expect(nightly.notRehearsed().map((s) => s.step)).toEqual(['actions/cache@5a3ec84eff668545956fd18022155c47e93e2684']);
  });
});
