import { CloudWatchLogsClient, CreateLogGroupCommand, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetParametersByPathCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { parameterPath, resolveEnvironment, resourcePrefix, stateLocation } from '@relay/platform-config';
import { startMoto, type MotoServer } from '@relay/emulators';
import { cleanupPreview } from './cleanup';

/**
 * Closing a preview against moto (server mode, 127.0.0.1): after it, nothing of the preview is
 * left (parameters and secrets, log groups, state object and lock), and nothing of dev's or
 * another preview's is touched, including a neighbour whose name starts with the same letters.
 */
jest.setTimeout(120_000);

const dev = resolveEnvironment('dev');
const alice = resolveEnvironment('dev-alice');
const neighbours = [dev, resolveEnvironment('dev-bob'), resolveEnvironment('dev-alicex')];
let moto: MotoServer;
let clients: { ssm: SSMClient; logs: CloudWatchLogsClient; s3: S3Client };

beforeAll(async () => {
  moto = await startMoto(dev.region, { account: dev.accountId });
  clients = { ssm: new SSMClient(moto.clientConfig), logs: new CloudWatchLogsClient(moto.clientConfig), s3: new S3Client(moto.clientConfig) };
});
afterAll(async () => moto?.stop());

async function seed(env: ReturnType<typeof resolveEnvironment>, extra = 0): Promise<void> {
  const names = [
    ...['auth-token-secret', 'cursor-secret'].map((s) => parameterPath(env, 'chat', s)),
    parameterPath(env, 'chat', 'ws-url'),
    ...Array.from({ length: extra }, (_, i) => parameterPath(env, 'extra', `p${i}`)),
  ];
  for (const name of names) {
    await clients.ssm.send(new PutParameterCommand({ Name: name, Value: 'x'.repeat(40), Type: name.endsWith('-secret') ? 'SecureString' : 'String' }));
  }
  for (const group of [`/aws/lambda/${resourcePrefix(env)}-chat-send`, `/aws/apigateway/${resourcePrefix(env)}-chat-access`]) {
    await clients.logs.send(new CreateLogGroupCommand({ logGroupName: group }));
  }
  const state = stateLocation(env, 'chat');
  for (const key of [state.key, `${state.key}.tflock`]) await clients.s3.send(new PutObjectCommand({ Bucket: state.bucket, Key: key, Body: '{}' }));
}

const parametersOf = async (env: ReturnType<typeof resolveEnvironment>) =>
  (await clients.ssm.send(new GetParametersByPathCommand({ Path: parameterPath(env), Recursive: true, MaxResults: 10 }))).Parameters?.length ?? 0;
const logGroupsOf = async (env: ReturnType<typeof resolveEnvironment>) =>
  (
    await Promise.all(
      [`/aws/lambda/${resourcePrefix(env)}-`, `/aws/apigateway/${resourcePrefix(env)}-`].map((p) =>
        clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: p })),
      ),
    )
  ).flatMap((r) => r.logGroups ?? []).length;
const stateKeys = async () =>
  ((await clients.s3.send(new ListObjectsV2Command({ Bucket: stateLocation(dev, 'chat').bucket }))).Contents ?? []).map((o) => o.Key).sort();

describe('closing a preview leaves nothing behind', () => {
  it('removes its parameters (in batches), log groups and state, and nothing of anyone else', async () => {
    const bucket = stateLocation(dev, 'chat').bucket;
    await clients.s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: 'ap-northeast-2' } }));
    await seed(alice, 12);
    for (const env of neighbours) await seed(env);

    const report = await cleanupPreview(alice, clients);
    expect(report.parameters).toHaveLength(15);
    expect(report.logGroups).toHaveLength(2);

    expect(await parametersOf(alice)).toBe(0);
    expect(await logGroupsOf(alice)).toBe(0);
    const keys = await stateKeys();
    expect(keys.filter((k) => k?.startsWith(stateLocation(alice, 'chat').key))).toEqual([]);
    for (const env of neighbours) {
      expect({ env: env.name, parameters: await parametersOf(env), logGroups: await logGroupsOf(env) }).toEqual({ env: env.name, parameters: 3, logGroups: 2 });
      expect(keys).toContain(stateLocation(env, 'chat').key);
    }
    // Closing again finds nothing and fails nothing.
    expect(await cleanupPreview(alice, clients)).toEqual({
      parameters: [],
      logGroups: [],
      stateObjects: [stateLocation(alice, 'chat').key, `${stateLocation(alice, 'chat').key}.tflock`],
    });
  });

  it('refuses anything but a preview', async () => {
    await expect(cleanupPreview(dev, clients)).rejects.toThrow(/only a preview/);
  });
});
