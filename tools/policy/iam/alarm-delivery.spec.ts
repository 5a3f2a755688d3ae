import { resolveEnvironment } from '@relay/platform-config';
import { synthesizeEverything, type SynthesizedStack } from '@relay/emulators';
import { evaluate } from './evaluate';

/**
 * An alarm that cannot publish notifies nobody, and nothing says so. CloudWatch publishes to an
 * encrypted SNS topic only when the topic's KMS key policy lets cloudwatch.amazonaws.com use the
 * key; the AWS-managed alias/aws/sns key's policy never does. Every alarm action of every stack
 * is followed to its topic and the topic's key, whose policy is evaluated for CloudWatch; every
 * budget's subscriber the same way for Budgets, and a topic's own policy (which replaces SNS's
 * default) for both.
 */
jest.setTimeout(120_000);

const stacks = synthesizeEverything();
const reference = /^\$\{([a-z0-9_]+)\.([^.}]+)\.([a-z_]+)\}$/;

function resolve(stack: SynthesizedStack, value: unknown): { type: string; config: Record<string, unknown> } | undefined {
  const match = reference.exec(String(value));
  const config = match ? stack.resource[match[1]!]?.[match[2]!] : undefined;
  return match && config ? { type: match[1]!, config } : undefined;
}

const CLOUDWATCH = 'cloudwatch.amazonaws.com';
const BUDGETS = 'budgets.amazonaws.com';

/** Why a service (CloudWatch's alarms, Budgets) could not publish to this topic, or undefined when it can. */
function cannotPublish(stack: SynthesizedStack, action: unknown, account: string, region = 'ap-northeast-2', service = CLOUDWATCH): string | undefined {
  const topic = resolve(stack, action);
  if (topic?.type !== 'aws_sns_topic') return `action ${String(action)} is not a topic of the stack`;
  const name = String(topic.config['name']);
  const policy = topic.config['policy'];
  if (policy === undefined) {
    // SNS's default policy lets this account's own alarms publish, and nothing else.
    if (service !== CLOUDWATCH) return `topic ${name} has SNS's default policy, through which ${service} cannot publish`;
  } else {
    const decision = evaluate([policy], {
      action: 'sns:Publish',
      resource: `arn:aws:sns:${region}:${account}:${name}`,
      principal: { Service: service },
      context: { 'aws:SourceAccount': account },
    });
    if (decision !== 'allow') return `the policy of topic ${name} does not let ${service} publish (${decision})`;
  }
  const keyId = topic.config['kms_master_key_id'];
  if (keyId === undefined) return undefined; // unencrypted: the policy aspect refuses those anyway
  const key = resolve(stack, keyId);
  if (key?.type !== 'aws_kms_key') return `topic ${name} is encrypted with ${String(keyId)}, whose policy this stack does not control`;
  for (const kmsAction of ['kms:GenerateDataKey', 'kms:Decrypt']) {
    const decision = evaluate([key.config['policy']], {
      action: kmsAction,
      resource: '*',
      principal: { Service: service },
      context: { 'aws:SourceAccount': account },
    });
    if (decision !== 'allow') return `the key of topic ${name} does not let ${service === CLOUDWATCH ? 'CloudWatch' : service} ${kmsAction} (${decision})`;
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
    const { accountId: account, region } = resolveEnvironment(id.slice(id.indexOf('-') + 1));
    const problems = Object.entries(stack.resource['aws_cloudwatch_metric_alarm']!).flatMap(([name, alarm]) =>
      [...((alarm['alarm_actions'] as unknown[]) ?? []), ...((alarm['ok_actions'] as unknown[]) ?? [])].flatMap((action) => {
        const problem = cannotPublish(stack, action, account, region);
        return problem ? [`${name}: ${problem}`] : [];
      }),
    );
    expect([...new Set(problems)]).toEqual([]);
  });

  const withBudgets = Object.entries(stacks).filter(([, s]) => s.resource['aws_budgets_budget']);

  it('finds a budget in every base env and none in a preview', () => {
    expect(withBudgets.map(([id]) => id).sort()).toEqual(['chat-dev', 'chat-prod', 'chat-stag']);
  });

  it.each(withBudgets.map(([id]) => id))('%s: the budget alerts a topic that Budgets may publish and encrypt to', (id) => {
    const stack = stacks[id]!;
    const env = resolveEnvironment(id.slice(id.indexOf('-') + 1));
    const problems = Object.entries(stack.resource['aws_budgets_budget']!).flatMap(([name, budget]) => {
      const notifications = (budget['notification'] as { subscriber_sns_topic_arns?: unknown[]; notification_type: string }[]) ?? [];
      expect(notifications.map((n) => n.notification_type).sort()).toEqual(['ACTUAL', 'FORECASTED']);
      expect(budget['limit_amount']).toBe((env.budget.idleMonthlyUsd + (env.loadgen?.plannedMonthlyUsd ?? 0)).toFixed(2));
      return notifications.flatMap((n) =>
        (n.subscriber_sns_topic_arns ?? []).flatMap((topic) => {
          const problem = cannotPublish(stack, topic, env.accountId, env.region, BUDGETS);
          return problem ? [`${name}: ${problem}`] : [];
        }),
      );
    });
    expect(problems).toEqual([]);
  });

  it("refuses a topic left on SNS's default policy, and a policy without CloudWatch, when Budgets shares it", () => {
    const key = {
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: [CLOUDWATCH, BUDGETS] }, Action: ['kms:GenerateDataKey*', 'kms:Decrypt'], Resource: '*' }],
      }),
    };
    const onlyBudgets = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: BUDGETS }, Action: 'sns:Publish', Resource: 'arn:aws:sns:ap-northeast-2:111111111111:t2' }],
    });
    const stack: SynthesizedStack = {
      resource: {
        aws_sns_topic: {
          plain: { name: 't1', kms_master_key_id: '${aws_kms_key.k.arn}' },
          budgetsOnly: { name: 't2', kms_master_key_id: '${aws_kms_key.k.arn}', policy: onlyBudgets },
        },
        aws_kms_key: { k: key },
      },
    };
    expect(cannotPublish(stack, '${aws_sns_topic.plain.arn}', '111111111111', 'ap-northeast-2', BUDGETS)).toMatch(/default policy/);
    expect(cannotPublish(stack, '${aws_sns_topic.plain.arn}', '111111111111')).toBeUndefined();
    expect(cannotPublish(stack, '${aws_sns_topic.budgetsOnly.arn}', '111111111111', 'ap-northeast-2', BUDGETS)).toBeUndefined();
    expect(cannotPublish(stack, '${aws_sns_topic.budgetsOnly.arn}', '111111111111')).toMatch(/does not let cloudwatch.amazonaws.com publish/);
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
