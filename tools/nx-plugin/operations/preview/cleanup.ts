/**
 * What `terraform destroy` leaves of a closed preview, removed: its SSM parameters (the secrets
 * ensure-secrets.ts created outside Terraform, and anything else under /relay/dev-<name>/), log
 * groups a Lambda or API Gateway recreated after the destroy, and its state object and lock
 * (destroy leaves an empty state behind, which the sweep would keep finding). Only the preview's
 * own names are touched; relay-preview may reach no other (tools/policy/iam/escalation.spec.ts).
 */
import { CloudWatchLogsClient, DeleteLogGroupCommand, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteParametersCommand, GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';
import { parameterPath, resourcePrefix, stateLocation, type Environment } from '@relay/platform-config';

export interface CleanupClients {
  ssm: SSMClient;
  logs: CloudWatchLogsClient;
  s3: S3Client;
}

export interface CleanupReport {
  parameters: string[];
  logGroups: string[];
  stateObjects: string[];
}

/** Where a preview's log groups live: Lambda's and API Gateway's, named with its prefix. */
export const previewLogGroupPrefixes = (env: Environment) => [`/aws/lambda/${resourcePrefix(env)}-`, `/aws/apigateway/${resourcePrefix(env)}-`];

export async function cleanupPreview(env: Environment, clients: CleanupClients): Promise<CleanupReport> {
  if (env.kind !== 'preview') throw new Error(`refusing to clean up ${env.name}: only a preview's leftovers are removed`);
  const report: CleanupReport = { parameters: [], logGroups: [], stateObjects: [] };

  const path = parameterPath(env);
  let token: string | undefined;
  do {
    const page = await clients.ssm.send(new GetParametersByPathCommand({ Path: path, Recursive: true, NextToken: token }));
    report.parameters.push(...(page.Parameters ?? []).flatMap((p) => (p.Name ? [p.Name] : [])));
    token = page.NextToken;
  } while (token);
  // DeleteParameters takes at most 10 names a call.
  for (let i = 0; i < report.parameters.length; i += 10) {
    await clients.ssm.send(new DeleteParametersCommand({ Names: report.parameters.slice(i, i + 10) }));
  }

  for (const prefix of previewLogGroupPrefixes(env)) {
    let next: string | undefined;
    do {
      const page = await clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: prefix, nextToken: next }));
      for (const group of page.logGroups ?? []) {
        if (!group.logGroupName) continue;
        await clients.logs.send(new DeleteLogGroupCommand({ logGroupName: group.logGroupName }));
        report.logGroups.push(group.logGroupName);
      }
      next = page.nextToken;
    } while (next);
  }

  const state = stateLocation(env, 'chat');
  for (const key of [state.key, `${state.key}.tflock`]) {
    await clients.s3.send(new DeleteObjectCommand({ Bucket: state.bucket, Key: key }));
    report.stateObjects.push(key);
  }
  return report;
}
