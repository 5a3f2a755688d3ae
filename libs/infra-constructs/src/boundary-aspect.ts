import type { IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';

/**
 * Puts the account's permissions boundary on every role of a stack, so no construct, present or
 * future, can create a role without it: the deploy role may create roles only with this
 * boundary (deploy-permissions.ts), and an apply of a role without it would be refused by AWS.
 */
export class PermissionsBoundaryAspect implements IAspect {
  constructor(private readonly boundaryArn: string) {}

  visit(node: IConstruct): void {
    if (node instanceof IamRole) node.permissionsBoundary = this.boundaryArn;
  }
}
