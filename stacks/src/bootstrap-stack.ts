import type { Construct } from 'constructs';
import { ApiGatewayAccount } from '@cdktf/provider-aws/lib/api-gateway-account';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { assumeRolePolicy, RelayStack, StateBucket } from '@relay/infra-constructs';
import type { Environment } from '@relay/platform-config';

/**
 * bootstrap-<env>: what every other stack of an account needs first: the state bucket and
 * API Gateway's permission to write logs (an account-wide setting, so it lives here, once).
 * It starts on local state (the bucket does not exist yet); see the README for the migration.
 */
export class BootstrapStack extends RelayStack {
  constructor(scope: Construct, id: string, props: { env: Environment; backend?: 's3' | 'local' }) {
    super(scope, id, { env: props.env, component: 'bootstrap', backend: props.backend ?? 'local' });
    new StateBucket(this, 'state-bucket', { env: props.env });
    const logsRole = new IamRole(this, 'apigateway-logs', {
      name: 'relay-apigateway-cloudwatch',
      assumeRolePolicy: assumeRolePolicy('apigateway.amazonaws.com', { StringEquals: { 'aws:SourceAccount': props.env.accountId } }),
    });
    new IamRolePolicyAttachment(this, 'apigateway-logs-policy', {
      role: logsRole.name,
      policyArn: 'arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs',
    });
    new ApiGatewayAccount(this, 'apigateway-account', { cloudwatchRoleArn: logsRole.arn });
  }
}
