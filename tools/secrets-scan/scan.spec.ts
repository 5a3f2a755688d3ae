import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LOCAL_AUTH } from '@relay/platform-config';
import { everythingStackCount, synthesizeEverything } from '@relay/emulators';
import { findSecrets } from './scan';

jest.setTimeout(120_000);

const root = path.resolve(__dirname, '../..');
const fixture = () =>
  JSON.parse(readFileSync(path.join(__dirname, 'fixtures/plan-chat-dev.json'), 'utf8')) as {
    resource_changes: { type: string; change: { after: Record<string, unknown> } }[];
  };

describe('secret scan', () => {
  it('finds nothing in any synthesized stack of any env or preview', () => {
    const stacks = synthesizeEverything();
    expect(Object.keys(stacks)).toHaveLength(everythingStackCount());
    for (const [id, json] of Object.entries(stacks)) expect({ id, findings: findSecrets(json) }).toEqual({ id, findings: [] });
  });

  it('finds nothing in a clean plan, and each planted secret in a plan', () => {
    expect(findSecrets(fixture())).toEqual([]);
    const plant = (mutate: (plan: ReturnType<typeof fixture>) => void) => {
      const plan = fixture();
      mutate(plan);
      return findSecrets(plan).map((f) => f.reason);
    };
    expect(
      plant((p) =>
        p.resource_changes.push({
          type: 'aws_ssm_parameter',
          change: { after: { name: '/relay/dev/chat/auth-token-secret', type: 'SecureString', value: 'x'.repeat(40) } },
        }),
      ),
    ).toEqual([expect.stringContaining('SecureString')]);
    expect(plant((p) => (p.resource_changes[0]!.change.after['environment'] = [{ variables: { AUTH_TOKEN_SECRET: 'k'.repeat(40) } }]))).toEqual([
      expect.stringContaining('AUTH_TOKEN_SECRET'),
    ]);
    expect(plant((p) => (p.resource_changes[1]!.change.after['value'] = `Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.${'s'.repeat(43)}`))).toEqual([
      expect.stringContaining('JSON Web Token'),
    ]);
    expect(plant((p) => (p.resource_changes[1]!.change.after['value'] = 'AKIAABCDEFGHIJKLMNOP'))).toEqual([expect.stringContaining('access key')]);
    expect(plant((p) => (p.resource_changes[1]!.change.after['value'] = LOCAL_AUTH.secret))).toEqual([expect.stringContaining('development secret')]);
  });

  it('exits non-zero from the command line on a finding', () => {
    const clean = spawnSync(process.execPath, ['--import', 'tsx', 'tools/secrets-scan/scan.ts', 'tools/secrets-scan/fixtures/plan-chat-dev.json'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(clean.status).toBe(0);
    const dir = mkdtempSync(path.join(tmpdir(), 'relay-scan-'));
    const leaky = path.join(dir, 'plan.json');
    writeFileSync(leaky, JSON.stringify({ resource_changes: [{ change: { after: { type: 'SecureString', value: 'v'.repeat(40) } } }] }));
    const dirty = spawnSync(process.execPath, ['--import', 'tsx', 'tools/secrets-scan/scan.ts', leaky], { cwd: root, encoding: 'utf8' });
    expect(dirty.status).toBe(1);
    expect(dirty.stderr).toContain('SecureString');
  });
});
