import type { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { Environment } from '@relay/platform-config';
import { assumeRolePolicy, policyDocument, type Statement } from './iam';

/**
 * A role for ECS tasks of this account only (a task or execution role), with its statements as
 * one inline policy (none without statements). Created as `<id>-role` and `<id>-policy` in `scope`.
 */
export function ecsTaskRole(scope: Construct, id: string, roleName: string, env: Environment, statements: Statement[]): IamRole {
  const role = new IamRole(scope, `${id}-role`, {
    name: roleName,
    assumeRolePolicy: assumeRolePolicy('ecs-tasks.amazonaws.com', { StringEquals: { 'aws:SourceAccount': env.accountId } }),
  });
  if (statements.length > 0) {
    new IamRolePolicy(scope, `${id}-policy`, { role: role.id, name: 'least-privilege', policy: policyDocument(statements) });
  }
  return role;
}
