import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { verifyToken } from '@relay/chat-core';
import { LOCAL_AUTH, resolveEnvironment } from '@relay/platform-config';
import { motoCliEnv, startMoto, type MotoServer } from '@relay/emulators';

/**
 * seed-users.ts, run for real against moto (server mode, 127.0.0.1): the users a remote run
 * signs with the env's secret, read from its SecureString.
 */
jest.setTimeout(120_000);

const stag = resolveEnvironment('stag');
let moto: MotoServer;
let ssm: SSMClient;

beforeAll(async () => {
  moto = await startMoto(stag.region, { account: stag.accountId });
  ssm = new SSMClient(moto.clientConfig);
});
afterAll(async () => moto?.stop());
beforeEach(async () => moto.reset());

describe('seed-users from SSM', () => {
  const seed = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'seed-users.ts'), ...args], {
      encoding: 'utf8',
      env: { ...process.env, ...motoCliEnv(moto, stag.region) },
    });

  it("signs load-test users with the env's secret read from its SecureString", async () => {
    const secret = `stag-secret-${'x'.repeat(40)}`;
    await ssm.send(new PutParameterCommand({ Name: '/relay/stag/chat/auth-token-secret', Value: secret, Type: 'SecureString' }));
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'relay-seed-')), 'users.json');
    const result = seed('--count', '3', '--secret-parameter', '/relay/stag/chat/auth-token-secret', '--out', out);
    expect({ status: result.status, stderr: result.stderr }).toMatchObject({ status: 0 });
    const users = JSON.parse(readFileSync(out, 'utf8')) as { followers: { userId: string; token: string }[]; artist: { token: string } };
    expect(users.followers).toHaveLength(3);
    const settings = { secret, issuer: 'relay', audience: 'relay-chat' };
    await expect(verifyToken(users.followers[0]!.token, settings)).resolves.toMatchObject({ userId: users.followers[0]!.userId });
    await expect(verifyToken(users.artist.token, settings)).resolves.toMatchObject({ roles: ['artist'] });
    await expect(verifyToken(users.followers[0]!.token, LOCAL_AUTH)).rejects.toThrow();
  });

  it('refuses a placeholder secret and a missing parameter with a clear message', async () => {
    await ssm.send(new PutParameterCommand({ Name: '/relay/stag/chat/auth-token-secret', Value: 'set-me-after-bootstrap', Type: 'SecureString' }));
    const placeholder = seed('--count', '1', '--secret-parameter', '/relay/stag/chat/auth-token-secret', '--out', path.join(tmpdir(), 'relay-never.json'));
    expect(placeholder.status).toBe(1);
    expect(placeholder.stderr).toMatch(/secret \/relay\/stag\/chat\/auth-token-secret is not set \(it still holds the placeholder\)/);
    const missing = seed('--count', '1', '--secret-parameter', '/relay/qa/chat/auth-token-secret', '--out', path.join(tmpdir(), 'relay-never.json'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/ParameterNotFound|not found/i);
  });
});
