import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { IMAGE_TAG_PREFIXES, resolveEnvironment, stateLocation } from '@relay/platform-config';
import { awsCli, motoCliEnv, startMoto, type MotoServer } from '@relay/emulators';
import { seedWebInMoto } from '../operations/web/web-in-moto';
import { sweep } from './preview-sweep';

/**
 * The repo's tools that call AWS, run for real against moto (server mode, 127.0.0.1), with
 * their effects asserted in moto afterwards: objects, cache headers, invalidations, parameters.
 */
jest.setTimeout(120_000);

const root = path.resolve(__dirname, '../../..');
const dev = resolveEnvironment('dev');
let moto: MotoServer;
let s3: S3Client;
let ssm: SSMClient;

/** What a tool process needs to reach moto and nothing else. */
const awsEnv = () => motoCliEnv(moto, dev.region);

/** The aws CLI from moto's venv (CloudFront has no SDK client in this repo; the tool uses the CLI too). */
const aws = awsCli(awsEnv).json<unknown>;

beforeAll(async () => {
  moto = await startMoto(dev.region, { account: dev.accountId });
  s3 = new S3Client(moto.clientConfig);
  ssm = new SSMClient(moto.clientConfig);
});
afterAll(async () => moto?.stop());
beforeEach(async () => moto.reset());

describe('preview sweep', () => {
  it('counts and closes previews by their state files, never by their lock files', async () => {
    const bucket = stateLocation(dev, 'chat').bucket;
    await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: 'ap-northeast-2' } }));
    for (const key of ['chat/dev-alice.tfstate', 'chat/dev-alice.tfstate.tflock', 'chat/dev-bob.tfstate', 'chat/dev.tfstate', 'web/dev.tfstate']) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: '{}' }));
    }
    const closed: string[] = [];
    const later = new Date(Date.now() + 73 * 3600_000);
    expect(await sweep(s3, bucket, later, (name) => closed.push(name))).toEqual({ previews: 2, expired: ['alice', 'bob'] });
    expect(closed).toEqual(['alice', 'bob']);
    // Within the TTL nothing is closed, and the lock file still does not count as a preview.
    expect(await sweep(s3, bucket, new Date(), (name) => closed.push(name))).toEqual({ previews: 2, expired: [] });
  });
});

describe('edge-left-up.ts (drift.yml: the load-test edge outside the nightly window)', () => {
  const stag = resolveEnvironment('stag');
  const state = stateLocation(stag, 'edge');
  const run = (env: string) =>
    spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'tools/nx-plugin/scripts/edge-left-up.ts'), env], { encoding: 'utf8', env: awsEnv() });
  const terraformState = (resources: { mode: string; type: string; name: string }[]) => JSON.stringify({ version: 4, resources });

  it('fails while the state of the edge holds resources, naming them and how to take it down; passes once it holds none', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: state.bucket, CreateBucketConfiguration: { LocationConstraint: 'ap-northeast-2' } }));
    // Never applied: no state object at all.
    expect([run('stag').status, run('stag').stdout.trim()]).toEqual([0, 'edge-stag is down']);
    const up = terraformState([
      { mode: 'data', type: 'aws_vpc', name: 'edge_vpc' },
      { mode: 'managed', type: 'aws_lb', name: 'edge_alb' },
      { mode: 'managed', type: 'aws_ecs_service', name: 'edge_service' },
    ]);
    await s3.send(new PutObjectCommand({ Bucket: state.bucket, Key: state.key, Body: up }));
    const left = run('stag');
    expect(left.status).toBe(1);
    expect(left.stderr).toContain(
      'edge-stag is up outside the nightly window (2 resources, billing by the hour: aws_lb.edge_alb, aws_ecs_service.edge_service)',
    );
    expect(left.stderr).toContain('gh workflow run nightly-spike.yml -f profile=none');
    // What a destroy leaves: the state object, with no resources in it.
    await s3.send(new PutObjectCommand({ Bucket: state.bucket, Key: state.key, Body: terraformState([]) }));
    expect(run('stag').status).toBe(0);
    expect(run('prod').stdout.trim()).toBe('prod has no load-test edge');
  });
});

describe('publish-web.sh', () => {
  it('uploads immutable assets, a no-cache index and config.json with the env’s WebSocket URL, then invalidates', async () => {
    const bucket = `relay-dev-web-${dev.accountId}`;
    const { distributionId } = seedWebInMoto(awsCli(awsEnv), 'dev', bucket);
    await ssm.send(
      new PutParameterCommand({ Name: '/relay/dev/chat/ws-url', Value: 'wss://abc123.execute-api.ap-northeast-2.amazonaws.com/live', Type: 'String' }),
    );
    const dist = mkdtempSync(path.join(tmpdir(), 'relay-web-'));
    mkdirSync(path.join(dist, 'assets'));
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><script src="/assets/app-1a2b3c.js"></script>');
    writeFileSync(path.join(dist, 'assets', 'app-1a2b3c.js'), 'console.log("relay")');

    const result = spawnSync('bash', [path.join(root, 'tools/nx-plugin/scripts/publish-web.sh'), 'dev', dist], { encoding: 'utf8', env: awsEnv() });
    expect({ status: result.status, stderr: result.stderr }).toMatchObject({ status: 0 });

    const head = (key: string) => s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect((await head('assets/app-1a2b3c.js')).CacheControl).toBe('public,max-age=31536000,immutable');
    expect((await head('index.html')).CacheControl).toBe('no-cache');
    const config = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'config.json' }));
    expect(config).toMatchObject({ CacheControl: 'no-cache', ContentType: 'application/json' });
    expect(JSON.parse(await config.Body!.transformToString())).toEqual({ wsUrl: 'wss://abc123.execute-api.ap-northeast-2.amazonaws.com/live' });
    const list = aws('cloudfront', 'list-invalidations', '--distribution-id', distributionId) as { InvalidationList: { Items: { Id: string }[] } };
    expect(list.InvalidationList.Items).toHaveLength(1);
    const invalidation = aws('cloudfront', 'get-invalidation', '--distribution-id', distributionId, '--id', list.InvalidationList.Items[0]!.Id) as {
      Invalidation: { InvalidationBatch: { Paths: { Items: string[] } } };
    };
    expect(invalidation.Invalidation.InvalidationBatch.Paths.Items.sort()).toEqual(['/', '/config.json', '/index.html']);
  });

  it('refuses an unbuilt client before touching AWS', () => {
    const result = spawnSync('bash', [path.join(root, 'tools/nx-plugin/scripts/publish-web.sh'), 'dev', mkdtempSync(path.join(tmpdir(), 'relay-empty-'))], {
      encoding: 'utf8',
      env: awsEnv(),
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/index.html missing; build the web client first/);
  });
});

describe('image pipeline scripts (ECR and SSM on moto)', () => {
  const repository = 'relay-dev-broadcast';
  const parameter = '/relay/dev/broadcast/image-digest';
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 7023, digest: `sha256:${'c'.repeat(64)}` },
    layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 32654, digest: `sha256:${'d'.repeat(64)}` }],
  });
  const script = (name: string, ...args: string[]) =>
    spawnSync('bash', [path.join(root, 'tools/nx-plugin/scripts', name), ...args], { encoding: 'utf8', env: awsEnv() });
  // The tags the workflows give (push-image and apply actions ask env-info.ts for them).
  const imageTag = (kind: 'pushed' | 'live', commit: string) => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'tools/nx-plugin/scripts/env-info.ts'), '--image-tag', kind, commit], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    return run.stdout.trim();
  };
  const pushed = imageTag('pushed', 'abc1234');
  const live = imageTag('live', 'abc1234');
  const tagsOf = (digest: string) =>
    (
      (aws('ecr', 'describe-images', '--repository-name', repository, '--image-ids', `imageDigest=${digest}`) as { imageDetails: { imageTags: string[] }[] })
        .imageDetails[0]?.imageTags ?? []
    ).sort();

  beforeEach(() => {
    aws('ecr', 'create-repository', '--repository-name', repository, '--image-tag-mutability', 'IMMUTABLE');
    aws('ecr', 'put-image', '--repository-name', repository, '--image-tag', pushed, '--image-manifest', manifest);
  });

  it('push-image.sh records the digest of an image already pushed (a re-run) without pushing again', () => {
    // No docker on PATH: touching it would fail the script.
    const result = script(
      'push-image.sh',
      '/nonexistent.tar.gz',
      'relay/broadcast-api:abc123',
      `${dev.accountId}.dkr.ecr.${dev.region}.amazonaws.com`,
      repository,
      pushed,
      parameter,
    );
    expect({ status: result.status, stderr: result.stderr }).toMatchObject({ status: 0 });
    const recorded = (aws('ssm', 'get-parameter', '--name', parameter) as { Parameter: { Value: string } }).Parameter.Value;
    expect(recorded).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(tagsOf(recorded)).toEqual([pushed]);
  });

  it('tag-live-image.sh gives the recorded image its live- tag, once', () => {
    script('push-image.sh', '/nonexistent.tar.gz', 'x', 'registry', repository, pushed, parameter);
    const digest = (aws('ssm', 'get-parameter', '--name', parameter) as { Parameter: { Value: string } }).Parameter.Value;
    const first = script('tag-live-image.sh', repository, parameter, live);
    expect({ status: first.status, stdout: first.stdout, stderr: first.stderr }).toMatchObject({
      status: 0,
      stdout: expect.stringContaining(`as ${live}`),
    });
    expect(tagsOf(digest)).toEqual([live, pushed]);
    const again = script('tag-live-image.sh', repository, parameter, live);
    expect(again.status).toBe(0);
    expect(tagsOf(digest)).toEqual([live, pushed]);
  });

  it('tag-live-image.sh refuses a parameter that holds no digest', () => {
    aws('ssm', 'put-parameter', '--name', parameter, '--type', 'String', '--value', 'bootstrap');
    const result = script('tag-live-image.sh', repository, parameter, live);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('holds no digest');
  });
});

describe('env-info.ts --image-tag', () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'tools/nx-plugin/scripts/env-info.ts'), '--image-tag', ...args], { encoding: 'utf8' });

  it("spells the tags with the prefixes the registry's lifecycle rules select by (IMAGE_TAG_PREFIXES)", () => {
    expect(run('pushed', 'abc1234').stdout.trim()).toBe(`${IMAGE_TAG_PREFIXES.pushed}abc1234`);
    expect(run('live', 'abc1234').stdout.trim()).toBe(`${IMAGE_TAG_PREFIXES.live}abc1234`);
  });

  it('refuses a kind it does not know and a commit that is not one', () => {
    for (const args of [['deployed', 'abc1234'], ['live'], ['live', 'abc12'], ['live', 'x; rm -rf /']]) {
      const result = run(...args);
      expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 1, stderr: expect.stringContaining('usage: env-info.ts --image-tag') });
    }
  });
});

describe('bootstrap-account.ts', () => {
  it("stops before anything is synthesized or applied when the credentials are another account's", () => {
    // moto answers as the dev account; bootstrapping stag from there must not start.
    const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'tools/nx-plugin/scripts/bootstrap-account.ts'), 'stag'], {
      encoding: 'utf8',
      env: { ...process.env, ...awsEnv() },
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`these credentials are for account ${dev.accountId}, not stag's ${resolveEnvironment('stag').accountId}`);
    expect(result.stdout).not.toContain('== synthesize');
  });
});
