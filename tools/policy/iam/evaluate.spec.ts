import { evaluate, globMatch, UnsupportedPolicyElement } from './evaluate';

/** Examples after AWS's policy evaluation logic and condition documentation. */
const policy = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });

describe('IAM evaluator semantics', () => {
  it('denies by default when nothing allows (implicit deny)', () => {
    expect(
      evaluate([policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::a/*' })], { action: 's3:PutObject', resource: 'arn:aws:s3:::a/k' }),
    ).toBe('implicit-deny');
    expect(evaluate([], { action: 's3:GetObject', resource: 'arn:aws:s3:::a/k' })).toBe('implicit-deny');
  });

  it('lets an explicit deny override any allow, across policies', () => {
    const allowAll = policy({ Effect: 'Allow', Action: 's3:*', Resource: '*' });
    const denyDelete = policy({ Effect: 'Deny', Action: 's3:DeleteBucket', Resource: 'arn:aws:s3:::prod-*' });
    expect(evaluate([allowAll, denyDelete], { action: 's3:DeleteBucket', resource: 'arn:aws:s3:::prod-logs' })).toBe('explicit-deny');
    expect(evaluate([allowAll, denyDelete], { action: 's3:DeleteBucket', resource: 'arn:aws:s3:::dev-logs' })).toBe('allow');
  });

  it('matches actions case-insensitively with wildcards, resources case-sensitively', () => {
    const p = policy({
      Effect: 'Allow',
      Action: 'iam:*AccessKey*',
      Resource: 'arn:aws:iam::123456789012:user/${aws:username}'.replace('${aws:username}', 'Bob'),
    });
    expect(evaluate([p], { action: 'iam:CreateAccessKey', resource: 'arn:aws:iam::123456789012:user/Bob' })).toBe('allow');
    expect(evaluate([p], { action: 'IAM:listaccesskeys', resource: 'arn:aws:iam::123456789012:user/Bob' })).toBe('allow');
    expect(evaluate([p], { action: 'iam:CreateAccessKey', resource: 'arn:aws:iam::123456789012:user/bob' })).toBe('implicit-deny');
    expect(globMatch('arn:aws:s3:::bucket/?.txt', 'arn:aws:s3:::bucket/a.txt')).toBe(true);
    expect(globMatch('arn:aws:s3:::bucket/?.txt', 'arn:aws:s3:::bucket/ab.txt')).toBe(false);
  });

  it('distinguishes a bucket from its objects', () => {
    const p = policy({ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: 'arn:aws:s3:::amzn-s3-demo-bucket/*' });
    expect(evaluate([p], { action: 's3:GetObject', resource: 'arn:aws:s3:::amzn-s3-demo-bucket/photo.jpg' })).toBe('allow');
    expect(evaluate([p], { action: 's3:ListBucket', resource: 'arn:aws:s3:::amzn-s3-demo-bucket' })).toBe('implicit-deny');
  });

  it('ORs the values of one condition key and ANDs keys and operators', () => {
    const p = policy({
      Effect: 'Allow',
      Action: 'ec2:StartInstances',
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:PrincipalTag/team': ['red', 'blue'], 'aws:RequestedRegion': 'eu-west-1' },
        Bool: { 'aws:MultiFactorAuthPresent': 'true' },
      },
    });
    const ask = (team: string, region: string, mfa: boolean) =>
      evaluate([p], {
        action: 'ec2:StartInstances',
        resource: 'i-1',
        context: { 'aws:PrincipalTag/team': team, 'aws:RequestedRegion': region, 'aws:MultiFactorAuthPresent': mfa },
      });
    expect(ask('blue', 'eu-west-1', true)).toBe('allow');
    expect(ask('green', 'eu-west-1', true)).toBe('implicit-deny');
    expect(ask('red', 'us-east-1', true)).toBe('implicit-deny');
    expect(ask('red', 'eu-west-1', false)).toBe('implicit-deny');
  });

  it('fails a positive condition on a missing key and satisfies a negated one', () => {
    const p = policy(
      { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'red' } } },
      { Effect: 'Deny', Action: 's3:GetObject', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-1' } } },
    );
    expect(evaluate([p], { action: 's3:GetObject', resource: 'x', context: {} })).toBe('explicit-deny');
    expect(evaluate([p], { action: 's3:GetObject', resource: 'x', context: { 'aws:PrincipalOrgID': 'o-1' } })).toBe('implicit-deny');
    expect(evaluate([p], { action: 's3:GetObject', resource: 'x', context: { 'aws:PrincipalOrgID': 'o-1', 'aws:PrincipalTag/team': 'red' } })).toBe('allow');
  });

  it("evaluates AWS's GitHub OIDC trust example", () => {
    const provider = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';
    const trust = policy({
      Effect: 'Allow',
      Principal: { Federated: provider },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
        StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:octo-org/octo-repo:*' },
      },
    });
    const ask = (sub: string, aud = 'sts.amazonaws.com', federated = provider) =>
      evaluate([trust], {
        action: 'sts:AssumeRoleWithWebIdentity',
        principal: { Federated: federated },
        context: { 'token.actions.githubusercontent.com:sub': sub, 'token.actions.githubusercontent.com:aud': aud },
      });
    expect(ask('repo:octo-org/octo-repo:ref:refs/heads/main')).toBe('allow');
    expect(ask('repo:octo-org/other-repo:ref:refs/heads/main')).toBe('implicit-deny');
    expect(ask('repo:octo-org/octo-repo:ref:refs/heads/main', 'someone-else')).toBe('implicit-deny');
    expect(ask('repo:octo-org/octo-repo:ref:refs/heads/main', 'sts.amazonaws.com', 'arn:aws:iam::123456789012:oidc-provider/elsewhere')).toBe('implicit-deny');
  });

  it('throws on anything it does not implement instead of guessing', () => {
    const cases = [
      policy({ Effect: 'Allow', Action: 's3:*', Resource: '*', NotPrincipal: { AWS: '111122223333' } }),
      policy({ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { NumericLessThan: { 's3:max-keys': '10' } } }),
      policy({ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { 'ForSomeValues:StringLike': { 'aws:x': 'y' } } }),
      policy({ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { NullIfExists: { 'aws:x': 'true' } } }),
      policy({ Effect: 'Allow', Action: 's3:*', NotAction: 'iam:*', Resource: '*' }),
      { Version: '2008-10-17', Statement: [] },
    ];
    for (const p of cases) expect(() => evaluate([p], { action: 's3:GetObject', resource: 'x' })).toThrow(UnsupportedPolicyElement);
  });
});

/**
 * Where the evaluator used to disagree with AWS. Each case follows an example of AWS's IAM User
 * Guide (policy evaluation logic, condition operators, multivalued keys, policy variables,
 * permissions boundaries) and failed on the evaluator before it was fixed.
 */
describe('IAM evaluator agrees with AWS on', () => {
  it('condition key names, which AWS matches case-insensitively', () => {
    // "Deny any request not sent over TLS", with the key written in lower case.
    const denyPlain = policy(
      { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
      { Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:securetransport': 'false' } } },
    );
    expect(evaluate([denyPlain], { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: { 'aws:SecureTransport': false } })).toBe('explicit-deny');
    expect(evaluate([denyPlain], { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: { 'aws:SecureTransport': true } })).toBe('allow');
    const tagged = policy({ Effect: 'Allow', Action: 'ec2:StartInstances', Resource: '*', Condition: { StringEquals: { 'AWS:PrincipalTag/team': 'red' } } });
    expect(evaluate([tagged], { action: 'ec2:StartInstances', resource: 'i-1', context: { 'aws:PrincipalTag/team': 'red' } })).toBe('allow');
  });

  it('ArnLike, comparing each colon-separated part on its own', () => {
    // A `*` in the region part does not reach into the account part.
    const p = policy({
      Effect: 'Allow',
      Action: 'sqs:SendMessage',
      Resource: '*',
      Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:sns:*:123456789012:alerts-*' } },
    });
    const from = (source: string) => evaluate([p], { action: 'sqs:SendMessage', resource: 'q', context: { 'aws:SourceArn': source } });
    expect(from('arn:aws:sns:eu-west-1:123456789012:alerts-prod')).toBe('allow');
    expect(from('arn:aws:sns:eu-west-1:999999999999:alerts-prod')).toBe('implicit-deny');
    const swallow = policy({
      Effect: 'Allow',
      Action: 'lambda:InvokeFunction',
      Resource: '*',
      Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:*:bucket' } },
    });
    // As one glob, "arn:aws:s3:*:bucket" would swallow "::other-account-object:" parts.
    expect(evaluate([swallow], { action: 'lambda:InvokeFunction', resource: 'f', context: { 'aws:SourceArn': 'arn:aws:s3:x:y:z:bucket' } })).toBe(
      'implicit-deny',
    );
    expect(evaluate([swallow], { action: 'lambda:InvokeFunction', resource: 'f', context: { 'aws:SourceArn': 'arn:aws:s3:::bucket' } })).toBe('implicit-deny');
  });

  it('ArnEquals, which takes wildcards exactly as ArnLike does', () => {
    const p = policy({
      Effect: 'Deny',
      Action: 'sns:Publish',
      Resource: '*',
      Condition: { ArnNotEquals: { 'aws:SourceArn': 'arn:aws:cloudwatch:*:123456789012:alarm:*' } },
    });
    const allow = policy({ Effect: 'Allow', Action: 'sns:Publish', Resource: '*' });
    const publish = (source: string) => evaluate([allow, p], { action: 'sns:Publish', resource: 't', context: { 'aws:SourceArn': source } });
    expect(publish('arn:aws:cloudwatch:ap-northeast-2:123456789012:alarm:relay-prod-x')).toBe('allow');
    expect(publish('arn:aws:cloudwatch:ap-northeast-2:999999999999:alarm:relay-prod-x')).toBe('explicit-deny');
  });

  it('a trust naming an account (":root" or its id), which admits every principal of that account', () => {
    const trust = (aws: string) => policy({ Effect: 'Allow', Principal: { AWS: aws }, Action: 'sts:AssumeRole' });
    for (const named of ['arn:aws:iam::111122223333:root', '111122223333']) {
      const ask = (arn: string) => evaluate([trust(named)], { action: 'sts:AssumeRole', principal: { AWS: arn } });
      expect(ask('arn:aws:iam::111122223333:role/anything')).toBe('allow');
      expect(ask('arn:aws:sts::111122223333:assumed-role/ci/session')).toBe('allow');
      expect(ask('arn:aws:iam::444455556666:role/anything')).toBe('implicit-deny');
    }
    expect(
      evaluate([trust('arn:aws:iam::111122223333:role/exact')], { action: 'sts:AssumeRole', principal: { AWS: 'arn:aws:iam::111122223333:role/other' } }),
    ).toBe('implicit-deny');
  });

  it('NotAction and NotResource', () => {
    // "Allow everything except IAM", and "deny everything outside one bucket".
    const p = policy(
      { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' },
      { Effect: 'Deny', Action: 's3:*', NotResource: ['arn:aws:s3:::team-bucket', 'arn:aws:s3:::team-bucket/*'] },
    );
    expect(evaluate([p], { action: 'dynamodb:GetItem', resource: 'arn:aws:dynamodb:eu-west-1:1:table/t' })).toBe('allow');
    expect(evaluate([p], { action: 'iam:CreateUser', resource: 'arn:aws:iam::1:user/x' })).toBe('implicit-deny');
    expect(evaluate([p], { action: 's3:GetObject', resource: 'arn:aws:s3:::team-bucket/k' })).toBe('allow');
    expect(evaluate([p], { action: 's3:GetObject', resource: 'arn:aws:s3:::other/k' })).toBe('explicit-deny');
  });

  it('Null and the IfExists suffix', () => {
    // "Deny when the request was not made with temporary credentials" (aws:TokenIssueTime absent).
    const p = policy(
      { Effect: 'Allow', Action: 'ec2:RunInstances', Resource: '*', Condition: { StringEqualsIfExists: { 'ec2:InstanceType': ['t3.micro', 't3.small'] } } },
      { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Null: { 'aws:TokenIssueTime': 'true' } } },
    );
    const temporary = { 'aws:TokenIssueTime': '2026-01-01T00:00:00Z' };
    expect(evaluate([p], { action: 'ec2:RunInstances', resource: 'r', context: { ...temporary, 'ec2:InstanceType': 't3.micro' } })).toBe('allow');
    expect(evaluate([p], { action: 'ec2:RunInstances', resource: 'r', context: { ...temporary, 'ec2:InstanceType': 'p5.48xlarge' } })).toBe('implicit-deny');
    expect(evaluate([p], { action: 'ec2:RunInstances', resource: 'r', context: { ...temporary } })).toBe('allow');
    expect(evaluate([p], { action: 'ec2:RunInstances', resource: 'r', context: { 'ec2:InstanceType': 't3.micro' } })).toBe('explicit-deny');
  });

  it('ForAnyValue and ForAllValues over multivalued keys, including the empty-set pitfall', () => {
    const anyValue = policy({
      Effect: 'Allow',
      Action: 'ec2:CreateTags',
      Resource: '*',
      Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['env', 'team'] } },
    });
    const allValues = policy({
      Effect: 'Allow',
      Action: 'ec2:CreateTags',
      Resource: '*',
      Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env', 'team'] } },
    });
    const tags = (keys?: string[]) => ({ action: 'ec2:CreateTags', resource: 'r', context: { 'aws:TagKeys': keys } });
    expect(evaluate([anyValue], tags(['env', 'cost']))).toBe('allow');
    expect(evaluate([anyValue], tags(['cost']))).toBe('implicit-deny');
    expect(evaluate([anyValue], tags())).toBe('implicit-deny');
    expect(evaluate([allValues], tags(['env', 'team']))).toBe('allow');
    expect(evaluate([allValues], tags(['env', 'cost']))).toBe('implicit-deny');
    // AWS: ForAllValues holds when the key is missing, which is why its docs pair it with Null.
    expect(evaluate([allValues], tags())).toBe('allow');
    const noneOf = policy({ Effect: 'Deny', Action: '*', Resource: '*', Condition: { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['env'] } } });
    expect(evaluate([allValues, noneOf], tags(['env', 'team']))).toBe('explicit-deny');
    expect(evaluate([allValues, noneOf], tags(['env']))).toBe('allow');
  });

  it('policy variables in Resource and condition values', () => {
    // "Allow each user their own home folder" and the ${*} literal.
    const p = policy(
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::home/${aws:username}/*' },
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::home', Condition: { StringLike: { 's3:prefix': ['${aws:username}/${*}'] } } },
      { Effect: 'Allow', Action: 's3:PutObject', Resource: "arn:aws:s3:::drop/${aws:PrincipalTag/team, 'shared'}/*" },
    );
    const as = (user: string | undefined, action: string, resource: string, extra = {}) =>
      evaluate([p], { action, resource, context: { ...(user ? { 'aws:username': user } : {}), ...extra } });
    expect(as('alice', 's3:GetObject', 'arn:aws:s3:::home/alice/notes.txt')).toBe('allow');
    expect(as('alice', 's3:GetObject', 'arn:aws:s3:::home/bob/notes.txt')).toBe('implicit-deny');
    expect(as(undefined, 's3:GetObject', 'arn:aws:s3:::home//notes.txt')).toBe('implicit-deny');
    expect(as('alice', 's3:ListBucket', 'arn:aws:s3:::home', { 's3:prefix': 'alice/*' })).toBe('allow');
    expect(as('alice', 's3:ListBucket', 'arn:aws:s3:::home', { 's3:prefix': 'alice/x' })).toBe('implicit-deny');
    expect(as('alice', 's3:PutObject', 'arn:aws:s3:::drop/shared/x')).toBe('allow');
    expect(as('alice', 's3:PutObject', 'arn:aws:s3:::drop/red/x', { 'aws:PrincipalTag/team': 'red' })).toBe('allow');
    expect(as('alice', 's3:PutObject', 'arn:aws:s3:::drop/shared/x', { 'aws:PrincipalTag/team': 'red' })).toBe('implicit-deny');
  });

  it('a permissions boundary, which limits but never grants', () => {
    // The IAM User Guide's example: identity allows s3 and iam; the boundary allows s3 and ec2.
    const identity = policy({ Effect: 'Allow', Action: ['s3:*', 'iam:*'], Resource: '*' });
    const boundary = policy({ Effect: 'Allow', Action: ['s3:*', 'ec2:*'], Resource: '*' }, { Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' });
    expect(evaluate([identity], { action: 'iam:CreateUser', resource: 'u' }, { boundary })).toBe('implicit-deny');
    expect(evaluate([identity], { action: 'ec2:RunInstances', resource: 'i' }, { boundary })).toBe('implicit-deny');
    expect(evaluate([identity], { action: 's3:GetObject', resource: 'o' }, { boundary })).toBe('allow');
    expect(evaluate([identity], { action: 's3:DeleteBucket', resource: 'b' }, { boundary })).toBe('explicit-deny');
  });
});
