import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { IMAGE_TAG_PREFIXES, resolveEnvironment, stateLocation } from '@relay/platform-config';
import { seedWebInMoto } from '@relay/operations';
import { ArtifactStore, ROOT, SHA, startFixture, type Fixture, copyCheckout, WorkflowRehearsal, type RehearsalOptions } from '@relay/rehearsal';

/**
 * deploy.yml rehearsed for each of dev, stag and prod, from a push to main to the web client
 * published, each against its own account (moto answers as one account per server, so each
 * environment's leg runs after the earlier environments' jobs, which are listed as not
 * rehearsed): the build job (once: the later legs start from its artifacts),
 * then plan-env.yml (reusable, read-only role), then the apply job with the apply composite
 * action, each job in a fresh copy of the repository with only artifacts between them. AWS is
 * moto (SSM, S3, ECR, CloudFront, STS) plus the Service Quotas stand-in; terraform is the
 * recording stub (terraform-stub.cjs), which fails when a file it must open is missing.
 * Not rehearsed, and listed: the image and push jobs (no container engine here). Their effect,
 * an image in the env's registry with its digest recorded, is seeded into moto, and so is what
 * terraform's apply would have created that publish-web reads.
 */
jest.setTimeout(600_000);

/** What the jobs this machine cannot run (image, push) and terraform's apply leave in an env's account. */
function seedAccount(fixture: Fixture, envName: string): void {
  const env = resolveEnvironment(envName);
  const aws = (...args: string[]) => fixture.aws(...args);
  const site = `relay-${envName}-web-site`;
  // The broadcast image, and the k6 fleet's where the env has one, as the push jobs leave them.
  for (const service of ['broadcast', ...(env.loadgen ? ['loadgen'] : [])]) {
    const repository = `relay-${envName}-${service}`;
    aws('ecr', 'create-repository', '--repository-name', repository);
    const manifest = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json', config: { service }, layers: [] });
    const pushed = JSON.parse(
      aws('ecr', 'put-image', '--repository-name', repository, '--image-tag', `${IMAGE_TAG_PREFIXES.pushed}${SHA}`, '--image-manifest', manifest),
    ) as {
      image: { imageId: { imageDigest: string } };
    };
    aws('ssm', 'put-parameter', '--name', `/relay/${envName}/${service}/image-digest`, '--type', 'String', '--value', pushed.image.imageId.imageDigest);
  }
  seedWebInMoto(fixture.aws, envName, site);
  aws('ssm', 'put-parameter', '--name', `/relay/${envName}/chat/ws-url`, '--type', 'String', '--value', `wss://api.${envName}.example/live`);
  aws('s3api', 'create-bucket', '--bucket', stateLocation(env, 'chat').bucket, '--create-bucket-configuration', 'LocationConstraint=ap-northeast-2');
}

/** The jobs before an env's leg, which run in other accounts: listed, not rehearsed. */
const EARLIER: Record<string, string[]> = { dev: [], stag: ['dev'], prod: ['dev', 'stag'] };

/**
 * The build job's artifacts, once a leg has rehearsed it: one push builds them once, so the
 * later legs start from them (the build job listed as not rehearsed) instead of building the
 * same zips again. A leg run on its own builds.
 */
let built: string | undefined;
const BUILT_ARTIFACTS = ['lambda-zips', 'web'];

describe.each(['dev', 'stag', 'prod'])('deploy.yml, rehearsed for %s', (envName) => {
  const env = resolveEnvironment(envName);
  let fixture: Fixture;
  let options: RehearsalOptions;
  let rehearsal: WorkflowRehearsal;
  const aws = (...args: string[]) => fixture.aws(...args);

  beforeAll(async () => {
    const notRehearsed: Record<string, string> = {
      image: 'builds and runs a container: no container engine here',
      'loadgen-image': 'builds and runs the k6 fleet container: no container engine here',
      [`push-${envName}`]: 'pushes that container: seeded into moto instead',
    };
    for (const earlier of EARLIER[envName]!) {
      for (const job of [`push-${earlier}`, `plan-${earlier}`, `apply-${earlier}`])
        notRehearsed[job] = `${earlier}'s leg: another account, rehearsed on its own`;
    }
    if (built) notRehearsed['build'] = 'an earlier leg rehearsed it: its artifacts carry over';
    fixture = await startFixture({ name: 'push', payload: { ref: 'refs/heads/main' }, ref: 'refs/heads/main', sha: SHA }, notRehearsed, envName);
    options = fixture.options;
    for (const name of built ? BUILT_ARTIFACTS : []) cpSync(path.join(built!, name), path.join(fixture.artifactsDir, name), { recursive: true });
    seedAccount(fixture, envName);
    rehearsal = new WorkflowRehearsal(options);
    rehearsal.run('deploy.yml', ['build', `plan-${envName}`, `apply-${envName}`]);
    built ??= fixture.artifactsDir;
    process.stdout.write(rehearsal.report());
  });
  // The artifacts stay on disk for the later legs (a temporary folder).
  afterAll(async () => fixture?.stop());

  it('plans and applies every stack of the manifest, in order, from the plan job’s artifact', () => {
    const calls = fixture.terraform();
    // In the runner's order; the k6 fleet only where the catalogue gives the env one.
    const stacks = ['platform', 'chat', 'web', ...(env.loadgen ? ['loadgen'] : [])].map((c) => `${c}-${envName}`);
    const applies = calls.filter((c) => c.args[0] === 'apply');
    expect(calls.filter((c) => c.args[0] === 'plan').map((c) => path.basename(c.cwd))).toEqual(stacks);
    expect(applies.map((c) => path.basename(c.cwd))).toEqual(stacks);
    expect(applies.every((c) => c.args.at(-1) === 'tfplan')).toBe(true);
    // The apply ran in another job's checkout: what it opened came through the artifact.
    const workspaceOf = (cwd: string) => path.resolve(cwd, '../../..');
    const planWorkspace = workspaceOf(calls.find((c) => c.args[0] === 'plan')!.cwd);
    expect(applies.map((c) => workspaceOf(c.cwd))).not.toContain(planWorkspace);
  });

  it(`assumes the read-only role to plan and the deploy role to apply, inside the ${envName} Environment`, () => {
    const byJob = Object.fromEntries(rehearsal.jobs.map((j) => [j.job, j]));
    expect(byJob[`deploy.yml#plan-${envName} > plan-env.yml#plan`]?.roles).toEqual([env.planRoleArn]);
    expect(byJob[`deploy.yml#apply-${envName}`]).toMatchObject({ environment: envName, roles: [env.deployRoleArn] });
  });

  it('leaves the account as a first deploy should: secrets created, the image tagged live, the web client published', () => {
    const secrets = JSON.parse(aws('ssm', 'get-parameters-by-path', '--path', `/relay/${envName}/chat`, '--recursive')) as {
      Parameters: { Name: string; Type: string }[];
    };
    expect(
      secrets.Parameters.filter((p) => p.Type === 'SecureString')
        .map((p) => p.Name)
        .sort(),
    ).toEqual([`/relay/${envName}/chat/auth-token-secret`, `/relay/${envName}/chat/cursor-secret`]);
    for (const service of ['broadcast', ...(env.loadgen ? ['loadgen'] : [])]) {
      const tags = JSON.parse(aws('ecr', 'describe-images', '--repository-name', `relay-${envName}-${service}`)) as { imageDetails: { imageTags: string[] }[] };
      expect([service, tags.imageDetails.flatMap((i) => i.imageTags)]).toEqual([service, expect.arrayContaining([`${IMAGE_TAG_PREFIXES.live}${SHA}`])]);
    }
    const site = JSON.parse(aws('s3api', 'list-objects-v2', '--bucket', `relay-${envName}-web-site`)) as { Contents: { Key: string }[] };
    expect(site.Contents.map((o) => o.Key)).toEqual(expect.arrayContaining(['index.html', 'config.json']));
  });

  it('lists what it did not rehearse, and nothing else', () => {
    const buildCarriedOver = rehearsal.jobs.every((j) => j.job !== 'deploy.yml#build');
    expect(
      rehearsal
        .notRehearsed()
        .map((s) => s.job.replace('deploy.yml#', ''))
        .sort(),
    ).toEqual(
      [
        ...(buildCarriedOver ? ['build'] : []),
        'image',
        // Built for stag's push (its k6 fleet): on the path to stag and prod, not to dev.
        ...(envName === 'dev' ? [] : ['loadgen-image']),
        `push-${envName}`,
        ...EARLIER[envName]!.flatMap((e) => [`push-${e}`, `plan-${e}`, `apply-${e}`]),
      ].sort(),
    );
  });

  if (envName === 'dev') {
    it('fails, as the first real apply did, when the plan artifact lacks the manifest', () => {
      // The repository as it was: the plan artifact held the stacks' folders without manifest.json.
      const broken = copyCheckout(ROOT);
      const planEnv = path.join(broken, '.github/workflows/plan-env.yml');
      writeFileSync(planEnv, readFileSync(planEnv, 'utf8').replace('            cdktf.out/manifest.json\n', ''));
      const apply = path.join(broken, '.github/actions/apply/action.yml');
      writeFileSync(apply, readFileSync(apply, 'utf8').replace('path: cdktf.out\n', 'path: cdktf.out/stacks\n'));
      // The build's artifacts carry over from the rehearsal above; the build itself is not repeated.
      const artifacts = mkdtempSync(path.join(tmpdir(), 'relay-rehearsal-artifacts-'));
      for (const name of BUILT_ARTIFACTS) cpSync(path.join(fixture.artifactsDir, name), path.join(artifacts, name), { recursive: true });
      const again = new WorkflowRehearsal({
        ...options,
        root: broken,
        artifacts: new ArtifactStore(artifacts),
        notRehearsedJobs: { ...options.notRehearsedJobs, build: 'its artifacts are the rehearsal above’s' },
      });
      expect(() => again.run('deploy.yml', ['build', 'plan-dev', 'apply-dev'])).toThrow(
        /apply-dev: step .*cli\.ts apply[\s\S]*manifest\.json: synthesize first/,
      );
    });
  }
});
