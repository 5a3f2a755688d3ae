import { synthesizeEverything } from '@relay/emulators';
import { validateStatements, type ActionFinding } from './validate-actions';

jest.setTimeout(120_000);

describe('every IAM action exists and fits its resources (AWS service authorization data)', () => {
  const stacks = synthesizeEverything();

  it.each(Object.keys(stacks).sort())('%s', async (id) => {
    const findings: ActionFinding[] = [];
    for (const type of ['aws_iam_role_policy', 'aws_iam_policy']) {
      for (const [name, config] of Object.entries(stacks[id]!.resource[type] ?? {})) {
        findings.push(...(await validateStatements(`${type}.${name}`, JSON.parse(String(config['policy'])))));
      }
    }
    expect(findings).toEqual([]);
  });

  it('catches the classes it exists for', async () => {
    const findings = await validateStatements('example', {
      Statement: [
        { Effect: 'Allow', Action: ['elasticloadbalancing:ModifyLoadBalancer'], Resource: '*' },
        { Effect: 'Allow', Action: ['lambda:CreateEventSourceMapping'], Resource: 'arn:aws:lambda:r:1:event-source-mapping:*' },
        { Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: 'arn:aws:s3:::bucket' },
        { Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: 'arn:aws:dynamodb:r:1:table/relay-dev-*' },
        { Effect: 'Allow', Action: ['s3:*'], Resource: '*' },
        {
          Effect: 'Deny',
          Action: ['iam:TagRole', 'iam:CreateRole'],
          Resource: '*',
          Condition: { StringNotEquals: { 'iam:PermissionsBoundary': 'arn:aws:iam::1:policy/b' } },
        },
      ],
    });
    expect(findings.map((f) => [f.action, f.problem.split(':')[0]])).toEqual([
      ['elasticloadbalancing:ModifyLoadBalancer', 'no such action in AWS service authorization data'],
      ['lambda:CreateEventSourceMapping', 'AWS authorizes this action only on Resource "*"'],
      ['dynamodb:GetItem', expect.stringContaining('no resource of the statement fits')],
      ['s3:*', 'wildcard action'],
      ['iam:TagRole', 'condition key iam'],
    ]);
  });
});
