import { CHAT_FUNCTIONS } from '@relay/runtime-contract';
import { sdkCallsOf } from '@relay/policy';
import { synthesizeStacks, type SynthesizedStack } from '@relay/emulators';

/**
 * Each Lambda and the broadcast task may do exactly what its code calls: the actions in its
 * role's policy (as synthesized) equal the AWS calls derived from its source (tools/policy/iam/sdk-calls.ts, @relay/policy),
 * plus only what AWS itself does with the role on the function's behalf, listed here.
 */
jest.setTimeout(180_000);

const stacks = synthesizeStacks({ RELAY_ENVS: 'stag' });
/** Used by AWS services with the function's role, not by its code. */
const SERVICE_USES: Record<string, string[]> = {
  '*': ['logs:CreateLogStream', 'logs:PutLogEvents'],
  // The event source mapping reads the stream and sends failed batches to the dead-letter queue.
  deliver: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams', 'sqs:SendMessage'],
  // The chunk queue's event source mapping receives and deletes the chunks.
  fanout: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
};

function roleActions(stack: SynthesizedStack, roleName: string): string[] {
  const roleId = Object.entries(stack.resource['aws_iam_role'] ?? {}).find(([, c]) => c['name'] === roleName)?.[0];
  if (!roleId) throw new Error(`no role ${roleName}`);
  const statements = Object.values(stack.resource['aws_iam_role_policy'] ?? {})
    .filter((c) => c['role'] === `\${aws_iam_role.${roleId}.id}`)
    .flatMap((c) => (JSON.parse(String(c['policy'])) as { Statement: { Effect: string; Action: string[] }[] }).Statement);
  return [...new Set(statements.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action))].sort();
}

const entries = Object.fromEntries([
  ...CHAT_FUNCTIONS.map((fn) => [fn.name, `apps/${fn.app}/src/functions/${fn.name}.ts`]),
  ['broadcast', 'apps/broadcast-api/src/main.ts'],
]);
const derived = sdkCallsOf(Object.values(entries));

describe('runtime roles allow exactly what the code calls', () => {
  it.each(CHAT_FUNCTIONS.map((fn) => fn.name))('chat function %s', (name) => {
    const granted = roleActions(stacks['chat-stag']!, `relay-stag-chat-${name}-fn`);
    const needed = [...derived[entries[name]!]!, ...SERVICE_USES['*']!, ...(SERVICE_USES[name] ?? [])].sort();
    expect(granted).toEqual([...new Set(needed)].sort());
  });

  it('the broadcast service task', () => {
    expect(roleActions(stacks['platform-stag']!, 'relay-stag-broadcast-task')).toEqual(derived[entries['broadcast']!]);
  });

  it('derives calls through repositories, closures and interfaces (and not from merely creating a client)', () => {
    expect(derived[entries['default']!]).toEqual([]);
    expect(derived[entries['send']!]).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    expect(derived[entries['deliver']!]).toContain('execute-api:ManageConnections');
    expect(derived[entries['connect']!]).not.toContain('execute-api:ManageConnections');
  });
});
