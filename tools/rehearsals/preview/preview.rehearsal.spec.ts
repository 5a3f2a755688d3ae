import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parameterPath, previewNameForBranch, resolveEnvironment, resourcePrefix, stateLocation } from '@relay/platform-config';
import { SHA, startFixture, type Fixture, WorkflowRehearsal } from '@relay/rehearsal';

/**
 * A developer preview, rehearsed from the pull request to its sweep:
 * - preview.yml (the pull request's own file, no AWS access) builds the zips on a labelled pull
 *   request;
 * - preview-deploy.yml (main's file, workflow_run) decides from GitHub's record of the pull request
 *   (`gh api`, answered by the fixture's stub) and opens the preview with relay-preview: secrets in
 *   moto, terraform plan and apply (stub) of chat-dev-<name> only;
 * - closing the pull request destroys it, and nothing of it is left in moto, while dev's own
 *   parameters are untouched;
 * - the hourly sweep runs outside the Environment and finds nothing left to close.
 */
jest.setTimeout(600_000);

const BRANCH = 'feature/rooms';
const name = previewNameForBranch(BRANCH);
const preview = resolveEnvironment(`dev-${name}`);
const dev = resolveEnvironment('dev');
const pullRequest = (state: 'open' | 'closed') => ({ number: 7, state, labels: [{ name: 'preview' }], head: { sha: SHA, ref: BRANCH } });
const prEvent = (action: string, state: 'open' | 'closed') => ({
  name: 'pull_request',
  ref: 'refs/pull/7/merge',
  sha: SHA,
  payload: { action, pull_request: { ...pullRequest(state), base: { sha: 'b'.repeat(40) } } },
});
const workflowRunEvent = {
  name: 'workflow_run',
  ref: 'refs/heads/main',
  sha: 'a'.repeat(40),
  payload: {
    workflow_run: {
      id: 1,
      event: 'pull_request',
      conclusion: 'success',
      head_sha: SHA,
      head_branch: BRANCH,
      head_repository: { full_name: 'relay-chat/relay' },
      repository: { full_name: 'relay-chat/relay' },
      pull_requests: [{ number: 7 }],
    },
  },
};

let fixture: Fixture;
const rehearse = (event: typeof workflowRunEvent | ReturnType<typeof prEvent>, workflow: string) => {
  const rehearsal = new WorkflowRehearsal({ ...fixture.options, event });
  rehearsal.run(workflow);
  return rehearsal;
};
const parametersUnder = (p: string) =>
  (JSON.parse(fixture.aws('ssm', 'get-parameters-by-path', '--path', p, '--recursive')) as { Parameters: { Name: string }[] }).Parameters.map((x) => x.Name);
const logGroups = (prefix: string) =>
  (JSON.parse(fixture.aws('logs', 'describe-log-groups', '--log-group-name-prefix', prefix)) as { logGroups: { logGroupName: string }[] }).logGroups.map(
    (g) => g.logGroupName,
  );
const stateKeys = () =>
  ((JSON.parse(fixture.aws('s3api', 'list-objects-v2', '--bucket', stateLocation(dev, 'chat').bucket)) as { Contents?: { Key: string }[] }).Contents ?? []).map(
    (o) => o.Key,
  );

beforeAll(async () => {
  fixture = await startFixture(prEvent('labeled', 'open'));
  fixture.aws('s3api', 'create-bucket', '--bucket', stateLocation(dev, 'chat').bucket, '--create-bucket-configuration', 'LocationConstraint=ap-northeast-2');
  fixture.aws('ssm', 'put-parameter', '--name', parameterPath(dev, 'chat', 'ws-url'), '--type', 'String', '--value', 'wss://dev');
});
afterAll(async () => fixture?.stop());

describe('a preview, rehearsed', () => {
  it('opens: the pull request builds without AWS, main’s workflow deploys it with relay-preview', () => {
    const build = rehearse(prEvent('labeled', 'open'), 'preview.yml');
    expect(build.jobs.flatMap((j) => j.roles)).toEqual([]);
    fixture.githubAnswers(pullRequest('open'));
    const deploy = rehearse(workflowRunEvent, 'preview-deploy.yml');
    const job = deploy.jobs.find((j) => j.job === 'preview-deploy.yml#preview');
    expect(job).toMatchObject({ environment: 'preview', roles: [preview.deployRoleArn] });
    expect(preview.deployRoleArn).toMatch(/:role\/relay-preview$/);
    const stacks = fixture.terraform().map((c) => `${path.basename(c.cwd)}:${c.args[0]}`);
    expect(stacks).toEqual([`chat-dev-${name}:init`, `chat-dev-${name}:plan`, `chat-dev-${name}:show`, `chat-dev-${name}:init`, `chat-dev-${name}:apply`]);
    expect(parametersUnder(parameterPath(preview)).sort()).toEqual([
      parameterPath(preview, 'chat', 'auth-token-secret'),
      parameterPath(preview, 'chat', 'cursor-secret'),
    ]);
  });

  it('closes: destroyed, and nothing of it is left, while dev’s own parameters stay', () => {
    // What the open preview's apply and its functions leave in the account.
    const state = path.join(mkdtempSync(path.join(tmpdir(), 'relay-state-')), 'state.json');
    writeFileSync(state, '{"version":4}');
    fixture.aws('s3api', 'put-object', '--bucket', stateLocation(preview, 'chat').bucket, '--key', stateLocation(preview, 'chat').key, '--body', state);
    fixture.aws('logs', 'create-log-group', '--log-group-name', `/aws/lambda/${resourcePrefix(preview)}-chat-send`);
    rehearse(prEvent('closed', 'closed'), 'preview.yml');
    fixture.githubAnswers(pullRequest('closed'));
    rehearse(workflowRunEvent, 'preview-deploy.yml');
    expect(fixture.terraform().at(-1)).toMatchObject({ args: expect.arrayContaining(['destroy']) });
    expect(path.basename(fixture.terraform().at(-1)!.cwd)).toBe(`chat-dev-${name}`);
    expect(parametersUnder(parameterPath(preview))).toEqual([]);
    expect(logGroups(`/aws/lambda/${resourcePrefix(preview)}-`)).toEqual([]);
    expect(stateKeys().filter((k) => k.startsWith(stateLocation(preview, 'chat').key))).toEqual([]);
    expect(parametersUnder(parameterPath(dev))).toEqual([parameterPath(dev, 'chat', 'ws-url')]);
  });

  it('sweeps on schedule, outside the reviewer-gated Environment, and finds nothing left', () => {
    const sweep = rehearse({ name: 'schedule', ref: 'refs/heads/main', sha: 'a'.repeat(40), payload: {} } as never, 'preview-deploy.yml');
    const job = sweep.jobs.find((j) => j.job === 'preview-deploy.yml#sweep');
    expect(job).toMatchObject({ roles: [preview.deployRoleArn] });
    expect(job?.environment).toBeUndefined();
    expect(sweep.steps.filter((s) => s.job === 'preview-deploy.yml#sweep' && s.outcome === 'ran').map((s) => s.step)).toContain('Destroy expired previews');
  });
});
