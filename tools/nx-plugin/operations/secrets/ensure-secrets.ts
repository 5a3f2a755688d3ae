/**
 * Gives an environment (or a preview) its secrets before the first apply, outside Terraform:
 * each of RUNTIME_SECRETS that is missing, or still holds a placeholder or a too-short value,
 * becomes a SecureString with a fresh random value. A real value is never overwritten or
 * printed: rotating one is a deliberate `aws ssm put-parameter --overwrite`.
 *   node --import tsx tools/nx-plugin/operations/secrets/ensure-secrets.ts <env> [--dry-run]
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { GetParameterCommand, ParameterNotFound, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { checkSecret } from '@relay/runtime-contract';
import { resolveEnvironment, RUNTIME_SECRETS, secretParameter, type Environment } from '@relay/platform-config';
import { runIfMain } from '../../scripts/run-if-main';

export type SecretOutcome = 'created' | 'replaced placeholder' | 'kept';

/** 48 random bytes: 64 base64url characters, far above HS256's 32-byte minimum. */
export function newSecretValue(): string {
  return randomBytes(48).toString('base64url');
}

export async function ensureSecrets(
  client: SSMClient,
  env: Environment,
  options: { dryRun?: boolean; log?: (line: string) => void } = {},
): Promise<Record<string, SecretOutcome>> {
  const log = options.log ?? console.log;
  const outcomes: Record<string, SecretOutcome> = {};
  for (const secret of RUNTIME_SECRETS) {
    const { name } = secretParameter(env, secret);
    let current: string | undefined;
    try {
      current = (await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }))).Parameter?.Value;
    } catch (error) {
      if (!(error instanceof ParameterNotFound)) throw error;
    }
    let usable = current !== undefined;
    if (usable) {
      try {
        checkSecret(current, name);
      } catch {
        usable = false;
      }
    }
    const outcome: SecretOutcome = current === undefined ? 'created' : usable ? 'kept' : 'replaced placeholder';
    outcomes[name] = outcome;
    log(`${name}: ${outcome}${options.dryRun && outcome !== 'kept' ? ' (dry run: nothing written)' : ''}`);
    if (outcome === 'kept' || options.dryRun) continue;
    await client.send(
      new PutParameterCommand({
        Name: name,
        Type: 'SecureString',
        Value: newSecretValue(),
        // Creating never races a concurrent creator into overwriting; replacing a placeholder must.
        Overwrite: outcome === 'replaced placeholder',
        Description: `Relay ${env.name} ${secret}: random, created by ensure-secrets; rotate with put-parameter --overwrite`,
        ...(outcome === 'created'
          ? {
              Tags: [
                { Key: 'env', Value: env.name },
                { Key: 'managed-by', Value: 'ensure-secrets' },
              ],
            }
          : {}),
      }),
    );
  }
  return outcomes;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'dry-run': { type: 'boolean', default: false } } });
  const [envName] = positionals;
  if (!envName) throw new Error('usage: ensure-secrets.ts <env> [--dry-run]');
  const env = resolveEnvironment(envName);
  const client = new SSMClient({ region: env.region });
  try {
    await ensureSecrets(client, env, { dryRun: values['dry-run'] });
  } finally {
    client.destroy();
  }
}

runIfMain(module, main);
