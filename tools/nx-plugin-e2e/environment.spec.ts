import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { scratchWorkspace, type Scratch } from './scratch-workspace';

/**
 * `nx g @relay/nx-plugin:environment` on a scratch copy of the workspace, through the real Nx
 * CLI, then what CI would run on the result: typecheck, lint and format check, and a synth of
 * the new environment's stacks.
 */
jest.setTimeout(240_000);

const node = process.execPath;
let scratch: Scratch;
const generate = (...args: string[]) => scratch.generate('environment', ...args);

beforeAll(() => {
  scratch = scratchWorkspace();
});

it('adds an environment that typechecks, lints and synthesizes into its own account', () => {
  const result = generate('qa', '--accountId=444444444444', '--zoneId=Z04000000000000000QA', '--zoneName=qa.relay-chat.example');
  expect({ status: result.status, stderr: result.stderr }).toMatchObject({ status: 0 });
  expect(result.stdout).toContain('bootstrap-account.ts qa');

  const catalogue = readFileSync(path.join(scratch.dir, 'libs/platform-config/src/catalogue.ts'), 'utf8');
  expect(catalogue).toContain("qa: '444444444444',");
  expect(catalogue).toContain("domain: domainIn('Z04000000000000000QA', 'qa.relay-chat.example'),");

  const tsc = scratch.typecheck(['libs/platform-config', 'stacks']);
  expect({ status: tsc.status, out: tsc.stdout }).toEqual({ status: 0, out: '' });
  const lint = scratch.run(scratch.bin('eslint'), ['--max-warnings=0', 'libs/platform-config']);
  expect({ status: lint.status, out: lint.stdout }).toMatchObject({ status: 0 });
  expect(scratch.run(scratch.bin('prettier'), ['--check', 'libs/platform-config']).status).toBe(0);

  const stubs = mkdtempSync(path.join(tmpdir(), 'relay-stubs-'));
  scratch.run(node, ['--import', 'tsx', '-e', `require('./libs/chat-infra/src/stub-artifacts.ts').writeStubArtifacts(${JSON.stringify(stubs)})`]);
  const outdir = mkdtempSync(path.join(tmpdir(), 'relay-synth-'));
  const synth = scratch.run(node, ['--import', 'tsx', 'stacks/src/main.ts'], { RELAY_ENVS: 'qa', CDKTF_OUTDIR: outdir, RELAY_ARTIFACTS_DIR: stubs });
  expect({ status: synth.status, stderr: synth.stderr }).toMatchObject({ status: 0 });
  const manifest = JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as { stacks: Record<string, unknown> };
  expect(Object.keys(manifest.stacks).sort()).toEqual(['bootstrap-qa', 'chat-qa', 'platform-qa', 'web-qa']);
  const platform = JSON.parse(readFileSync(path.join(outdir, 'stacks/platform-qa/cdk.tf.json'), 'utf8')) as {
    provider: { aws: { allowed_account_ids: string[] }[] };
  };
  expect(platform.provider.aws[0]!.allowed_account_ids).toEqual(['444444444444']);
});

it('refuses a name that exists, an account another environment has, and a bad name', () => {
  expect(generate('qa', '--accountId=555555555555', '--zoneId=Z05000000000000000QA', '--zoneName=qa2.relay-chat.example').stderr).toContain(
    'environment "qa" already exists',
  );
  expect(generate('uat', '--accountId=222222222222', '--zoneId=Z05000000000000000UA', '--zoneName=uat.relay-chat.example').stderr).toContain(
    'account 222222222222 already belongs to an environment',
  );
  const bad = generate('QA-1', '--accountId=555555555555', '--zoneId=Z05000000000000000UA', '--zoneName=uat.relay-chat.example');
  expect(bad.status).not.toBe(0);
  expect(bad.stderr + bad.stdout).toMatch(/QA-1|pattern/);
});
