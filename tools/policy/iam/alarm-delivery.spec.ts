import { resolveEnvironment } from '@relay/platform-config';
import { synthesizeEverything, type SynthesizedStack } from '@relay/emulators';
import { evaluate } from './evaluate';

/**
 * An alarm that cannot publish notifies nobody, and nothing says so. CloudWatch publishes to an
 * encrypted SNS topic only when the topic's KMS key policy lets cloudwatch.amazonaws.com use the
 * key; the AWS-managed alias/aws/sns key's policy never does. Every alarm action of every stack
 * is followed to its topic and the topic's key, whose policy is evaluated for CloudWatch.
 */
jest.setTimeout(120_000);

const stacks = synthesizeEverything();
const reference = /^\$\{([a-z0-9_]+)\.([^.}]+)\.([a-z_]+)\}$/;

function resolve(stack: SynthesizedStack, value: unknown): { type: string; config: Record<string, unknown> } | undefined {
  const match = reference.exec(String(value));
  const config = match ? stack.resource[match[1]!]?.[match[2]!] : undefined;
  return match && config ? { type: match[1]!, config } : undefined;
}

/** Why CloudWatch could not publish to this alarm action, or undefined when it can. */
function cannotPublish(stack: SynthesizedStack, action: unknown, account: string): string | undefined {
  const topic = resolve(stack, action);
  if (topic?.type !== 'aws_sns_topic') return `action ${String(action)} is not a topic of the stack`;
  const keyId = topic.config['kms_master_key_id'];
  if (keyId === undefined) return undefined; // unencrypted: the policy aspect refuses those anyway
  const key = resolve(stack, keyId);
  if (key?.type !== 'aws_kms_key') return `topic ${String(topic.config['name'])} is encrypted with ${String(keyId)}, whose policy this stack does not control`;
  for (const kmsAction of ['kms:GenerateDataKey', 'kms:Decrypt']) {
    const decision = evaluate([key.config['policy']], {
      action: kmsAction,
      resource: '*',
      principal: { Service: 'cloudwatch.amazonaws.com' },
      context: { 'aws:SourceAccount': account },
    });
    if (decision !== 'allow') return `the key of topic ${String(topic.config['name'])} does not let CloudWatch ${kmsAction} (${decision})`;
  }
  return undefined;
}

const withAlarms = Object.entries(stacks).filter(([, s]) => s.resource['aws_cloudwatch_metric_alarm']);

describe('every alarm can notify someone', () => {
  it('finds the alarms (so an empty table cannot pass)', () => {
    expect(withAlarms.map(([id]) => id).sort()).toEqual(expect.arrayContaining(['chat-dev', 'chat-prod', 'platform-prod']));
  });

  it.each(withAlarms.map(([id]) => id))('%s: each alarm and OK action reaches a topic CloudWatch may encrypt to', (id) => {
    const stack = stacks[id]!;
    const account = resolveEnvironment(id.slice(id.indexOf('-') + 1)).accountId;
    const problems = Object.entries(stack.resource['aws_cloudwatch_metric_alarm']!).flatMap(([name, alarm]) =>
      [...((alarm['alarm_actions'] as unknown[]) ?? []), ...((alarm['ok_actions'] as unknown[]) ?? [])].flatMap((action) => {
        const problem = cannotPublish(stack, action, account);
        return problem ? [`${name}: ${problem}`] : [];
      }),
    );
    expect([...new Set(problems)]).toEqual([]);
  });

  it('refuses the AWS-managed key and a key policy without CloudWatch', () => {
    const stack: SynthesizedStack = {
      resource: {
        aws_sns_topic: { managed: { name: 't1', kms_master_key_id: 'alias/aws/sns' }, own: { name: 't2', kms_master_key_id: '${aws_kms_key.k.arn}' } },
        aws_kms_key: {
          k: {
            policy: JSON.stringify({
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'kms:*', Resource: '*' }],
            }),
          },
        },
      },
    };
    expect(cannotPublish(stack, '${aws_sns_topic.managed.arn}', '111111111111')).toMatch(/whose policy this stack does not control/);
    expect(cannotPublish(stack, '${aws_sns_topic.own.arn}', '111111111111')).toMatch(/does not let CloudWatch kms:GenerateDataKey/);
  });
});
