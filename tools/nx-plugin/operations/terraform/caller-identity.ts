/**
 * Prints {"account","arn"} of the current AWS credentials (STS GetCallerIdentity), or fails
 * with the SDK's reason. Used by the terraform runner's preflight.
 *   node --import tsx tools/nx-plugin/operations/terraform/caller-identity.ts [region]
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

async function main(): Promise<void> {
  const client = new STSClient({ region: process.argv[2] ?? process.env['AWS_REGION'] ?? 'us-east-1', maxAttempts: 2 });
  const identity = await client.send(new GetCallerIdentityCommand({}));
  if (!identity.Account || !identity.Arn) throw new Error('STS returned no account');
  process.stdout.write(JSON.stringify({ account: identity.Account, arn: identity.Arn }));
}

main().catch((error: unknown) => {
  process.stderr.write(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  process.exit(1);
});
