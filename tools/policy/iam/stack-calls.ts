import { resolveEnvironment, type Environment } from '@relay/platform-config';
import { referencedBlock, type SynthesizedStack } from '@relay/emulators';
import { rolesOf } from './synthesized-roles';
import { TERRAFORM_ACTIONS, TERRAFORM_DATA_READS, type ApiCall, type ResourceContext } from './terraform-actions';

/** One call Terraform makes for a stack: which resource (or data source), in which phase. */
export interface StackCall {
  address: string;
  phase: 'create' | 'read' | 'update' | 'delete';
  call: ApiCall;
}

/** The region a resource is applied in: its provider alias's (us-east-1 for CloudFront's), else the stack's. */
function regionOf(stack: SynthesizedStack, config: Record<string, unknown>, fallback: string): string {
  const alias = typeof config['provider'] === 'string' ? config['provider'].replace(/^aws\./, '') : undefined;
  if (!alias) return fallback;
  const providers = (stack['provider'] as { aws: { alias?: string; region: string }[] }).aws;
  const provider = providers.find((p) => p.alias === alias);
  if (!provider) throw new Error(`no provider aws.${alias} in the stack`);
  return provider.region;
}

/** Resolves ${type.name.attribute} and ${data.type.name.attribute} to the referenced block's configuration. */
function contextFor(stack: SynthesizedStack, region: string, account: string): ResourceContext {
  return {
    region,
    account,
    config(reference) {
      const block = referencedBlock(stack, reference);
      if (!block) throw new Error(`cannot resolve ${String(reference)}`);
      return block.config;
    },
  };
}

/**
 * Every call Terraform makes to create, refresh, update and delete each resource of a stack,
 * and to read each of its data sources, as tools/policy/iam/terraform-actions.ts maps them.
 */
export function stackCalls(stack: SynthesizedStack, env: Environment): StackCall[] {
  const ctx = contextFor(stack, env.region, env.accountId);
  const calls: StackCall[] = [];
  for (const [type, resources] of Object.entries(stack.resource)) {
    const builder = TERRAFORM_ACTIONS[type];
    if (!builder) throw new Error(`no Terraform call map for ${type} (tools/policy/iam/terraform-actions.ts)`);
    for (const [name, config] of Object.entries(resources)) {
      const built = builder(config, { ...ctx, region: regionOf(stack, config, env.region) });
      for (const phase of ['create', 'read', 'update', 'delete'] as const) {
        for (const call of built[phase]) calls.push({ address: `${type}.${name}`, phase, call });
      }
    }
  }
  for (const [type, sources] of Object.entries((stack['data'] ?? {}) as SynthesizedStack['resource'])) {
    const reads = TERRAFORM_DATA_READS[type];
    if (!reads) throw new Error(`no Terraform call map for data source ${type} (tools/policy/iam/terraform-actions.ts)`);
    for (const [name, config] of Object.entries(sources)) {
      for (const call of reads(config, { ...ctx, region: regionOf(stack, config, env.region) }))
        calls.push({ address: `data.${type}.${name}`, phase: 'read', call });
    }
  }
  return calls;
}

/** The inline policies of a bootstrap role of the account an environment lives in. */
export function bootstrapRolePolicies(stacks: Record<string, SynthesizedStack>, env: Environment, roleName: string): unknown[] {
  const bootstrap = Object.entries(stacks).find(
    ([id]) => id.startsWith('bootstrap-') && resolveEnvironment(id.slice('bootstrap-'.length)).accountId === env.accountId,
  )?.[1];
  if (!bootstrap) throw new Error(`no bootstrap stack for account ${env.accountId}`);
  const role = rolesOf(bootstrap)[roleName];
  if (!role) throw new Error(`no role ${roleName} in the bootstrap stack of ${env.accountId}`);
  return role.policies;
}
