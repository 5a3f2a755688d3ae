import { GetParameterCommand, ListTagsForResourceCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { PLACEHOLDER_SECRET_PREFIX } from '@relay/runtime-contract';
import { resolveEnvironment, RUNTIME_SECRETS, secretParameter } from '@relay/platform-config';
import { startMoto, type MotoServer } from '@relay/emulators';
import { ensureSecrets } from './ensure-secrets';

jest.setTimeout(120_000);

let moto: MotoServer;
let ssm: SSMClient;
const stag = resolveEnvironment('stag');
const value = async (name: string) => (await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }))).Parameter;

beforeAll(async () => {
  moto = await startMoto();
  ssm = new SSMClient(moto.clientConfig);
});
afterEach(() => moto.reset());
afterAll(async () => {
  ssm?.destroy();
  await moto?.stop();
});

describe('ensure-secrets against moto', () => {
  it('creates every secret of an env as a random SecureString, and prints no value', async () => {
    const lines: string[] = [];
    const outcomes = await ensureSecrets(ssm, stag, { log: (l) => lines.push(l) });
    expect(Object.values(outcomes)).toEqual(RUNTIME_SECRETS.map(() => 'created'));
    const values: string[] = [];
    for (const secret of RUNTIME_SECRETS) {
      const { name } = secretParameter(stag, secret);
      const parameter = await value(name);
      expect(parameter).toMatchObject({ Type: 'SecureString' });
      expect(parameter!.Value).toMatch(/^[A-Za-z0-9_-]{64}$/);
      values.push(parameter!.Value!);
      const tags = await ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: name }));
      expect(tags.TagList).toEqual(expect.arrayContaining([{ Key: 'env', Value: 'stag' }]));
    }
    expect(new Set(values).size).toBe(values.length);
    for (const line of lines) for (const v of values) expect(line).not.toContain(v);
  });

  it('keeps a real value, and gives every env and preview its own', async () => {
    await ensureSecrets(ssm, stag, { log: () => undefined });
    const { name } = secretParameter(stag, 'chat/auth-token-secret');
    const before = (await value(name))!.Value;
    expect(Object.values(await ensureSecrets(ssm, stag, { log: () => undefined }))).toEqual(RUNTIME_SECRETS.map(() => 'kept'));
    expect((await value(name))!.Value).toBe(before);
    await ensureSecrets(ssm, resolveEnvironment('dev-alice'), { log: () => undefined });
    const preview = (await value(secretParameter(resolveEnvironment('dev-alice'), 'chat/auth-token-secret').name))!.Value;
    expect(preview).not.toBe(before);
  });

  it('replaces the placeholder an older stack left, and a too-short value', async () => {
    const token = secretParameter(stag, 'chat/auth-token-secret').name;
    const cursor = secretParameter(stag, 'chat/cursor-secret').name;
    await ssm.send(new PutParameterCommand({ Name: token, Type: 'SecureString', Value: `${PLACEHOLDER_SECRET_PREFIX}: aws ssm put-parameter --overwrite` }));
    await ssm.send(new PutParameterCommand({ Name: cursor, Type: 'SecureString', Value: 'short' }));
    const outcomes = await ensureSecrets(ssm, stag, { log: () => undefined });
    expect(outcomes).toEqual({ [token]: 'replaced placeholder', [cursor]: 'replaced placeholder' });
    for (const name of [token, cursor]) expect((await value(name))!.Value).toMatch(/^[A-Za-z0-9_-]{64}$/);
  });

  it('writes nothing in a dry run', async () => {
    expect(Object.values(await ensureSecrets(ssm, stag, { dryRun: true, log: () => undefined }))).toEqual(RUNTIME_SECRETS.map(() => 'created'));
    await expect(value(secretParameter(stag, 'chat/auth-token-secret').name)).rejects.toMatchObject({ name: 'ParameterNotFound' });
  });
});
