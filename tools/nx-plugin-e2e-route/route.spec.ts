import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { scratchWorkspace, type Scratch } from '@relay/nx-plugin-e2e';

/**
 * `nx g @relay/nx-plugin:route typing` on a scratch copy of the workspace, then what CI would
 * run on the result: typecheck, lint and format of every project it touched, the generated
 * handler test (real DynamoDB emulator), the function's real bundle, and a synth whose chat
 * stack routes the new action to its own Lambda with least-privilege access.
 */
jest.setTimeout(300_000);

const node = process.execPath;
let scratch: Scratch;
type Json = { resource: Record<string, Record<string, Record<string, unknown>>> };

beforeAll(() => {
  scratch = scratchWorkspace();
});

it('wires a new WebSocket route end to end, and the result builds, passes its test and synthesizes', () => {
  const generated = scratch.generate('route', 'typing');
  expect({ status: generated.status, stderr: generated.stderr }).toMatchObject({ status: 0 });

  const touched = ['libs/chat-core', 'libs/runtime-contract', 'libs/chat-handlers', 'libs/chat-infra', 'apps/chat-ws'];
  const tsc = scratch.typecheck([...touched, 'stacks']);
  expect({ status: tsc.status, out: tsc.stdout }).toEqual({ status: 0, out: '' });
  const lint = scratch.run(scratch.bin('eslint'), ['--max-warnings=0', ...touched]);
  expect({ status: lint.status, out: lint.stdout }).toMatchObject({ status: 0 });
  expect(scratch.run(scratch.bin('prettier'), ['--check', ...touched]).status).toBe(0);

  const test = scratch.run(scratch.bin('jest'), ['-c', 'libs/chat-handlers/jest.config.js', 'libs/chat-handlers/src/typing.spec.ts']);
  expect({ status: test.status, out: test.stderr.slice(-2000) }).toMatchObject({ status: 0 });

  const build = scratch.run(node, ['--import', 'tsx', 'tools/nx-plugin/operations/lambda-bundle/bundle.ts', 'apps/chat-ws', 'dist/apps/chat-ws']);
  expect({ status: build.status, stderr: build.stderr }).toMatchObject({ status: 0 });
  expect(existsSync(path.join(scratch.dir, 'dist/apps/chat-ws/typing.zip'))).toBe(true);

  const stubs = mkdtempSync(path.join(tmpdir(), 'relay-stubs-'));
  scratch.run(node, ['--import', 'tsx', '-e', `require('./libs/chat-infra/src/stub-artifacts.ts').writeStubArtifacts(${JSON.stringify(stubs)})`]);
  const outdir = mkdtempSync(path.join(tmpdir(), 'relay-synth-'));
  const synth = scratch.run(node, ['--import', 'tsx', 'stacks/src/main.ts'], {
    RELAY_ENVS: 'dev',
    RELAY_COMPONENTS: 'chat',
    CDKTF_OUTDIR: outdir,
    RELAY_ARTIFACTS_DIR: stubs,
  });
  expect({ status: synth.status, stderr: synth.stderr }).toMatchObject({ status: 0 });
  const chat = JSON.parse(readFileSync(path.join(outdir, 'stacks/chat-dev/cdk.tf.json'), 'utf8')) as Json;
  const of = (type: string) => Object.entries(chat.resource[type] ?? {});
  const [routeName] = of('aws_apigatewayv2_route').find(([, r]) => r['route_key'] === 'typing')!;
  expect(of('aws_lambda_function').map(([, f]) => f['function_name'])).toContain('relay-dev-chat-typing');
  const [, policy] = of('aws_iam_role_policy').find(([name]) => name.startsWith('chat_typing_policy'))!;
  const actions = (JSON.parse(String(policy['policy'])) as { Statement: { Action: string[] }[] }).Statement.flatMap((s) => s.Action).sort();
  expect(actions).toEqual(['dynamodb:GetItem', 'logs:CreateLogStream', 'logs:PutLogEvents']);
  const [[, deployment]] = of('aws_apigatewayv2_deployment') as [[string, { depends_on: string[] }]];
  expect(deployment.depends_on).toContain(`aws_apigatewayv2_route.${routeName}`);
});

it('refuses a route that exists and a bad name', () => {
  expect(scratch.generate('route', 'send').stderr).toContain('a chat function "send" already exists');
  const bad = scratch.generate('route', 'Typing-2');
  expect(bad.status).not.toBe(0);
});
