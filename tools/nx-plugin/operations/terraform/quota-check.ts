/**
 * The quota preflight, as its own process (the runner is synchronous):
 *   node --import tsx tools/nx-plugin/operations/terraform/quota-check.ts <env> [--list]
 * Exits 1 naming each quota below what the environment's catalogue records need. --list prints
 * the needs without calling AWS (the bootstrap's checklist of what to request).
 */
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { resolveEnvironment } from '@relay/platform-config';
import { quotaNeeds, quotaProblems } from '@relay/quotas';

async function main(): Promise<void> {
  const [envName, flag] = process.argv.slice(2);
  if (!envName) throw new Error('usage: quota-check.ts <env> [--list]');
  const env = resolveEnvironment(envName);
  if (flag === '--list') {
    for (const need of quotaNeeds(env)) console.log(`${need.service} "${need.name}" >= ${need.needed}   (${need.why})`);
    return;
  }
  const problems = await quotaProblems(env, new ServiceQuotasClient({ region: env.region }));
  if (problems.length > 0) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  console.log(`quotas: ${env.name}'s account has what its catalogue records need`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
