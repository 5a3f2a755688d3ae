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
      policy({ Effect: 'Allow', NotAction: 's3:*', Resource: '*' }),
      policy({ Effect: 'Allow', Action: 's3:*', NotResource: 'arn:aws:s3:::x' }),
      policy({ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { StringEqualsIfExists: { 'aws:x': 'y' } } }),
      policy({ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { 'ForAnyValue:StringLike': { 'aws:x': 'y' } } }),
      policy({ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { StringEquals: { 'aws:x': '${aws:username}' } } }),
      { Version: '2008-10-17', Statement: [] },
    ];
    for (const p of cases) expect(() => evaluate([p], { action: 's3:GetObject', resource: 'x' })).toThrow(UnsupportedPolicyElement);
  });
});
