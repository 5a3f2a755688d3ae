import type { SynthesizedStack } from '@relay/emulators';

/** A role as synthesized: its trust, inline policies, managed attachments and boundary. */
export interface SynthesizedRole {
  name: string;
  trust: unknown;
  policies: unknown[];
  managed: string[];
  boundary?: string;
}

const roleIdOf = (reference: unknown) => /^\$\{aws_iam_role\.(.+)\.(id|name)\}$/.exec(String(reference))?.[1] ?? '';

/** Every aws_iam_role of a stack by name, with the inline policies and attachments that name it. */
export function rolesOf(stack: SynthesizedStack): Record<string, SynthesizedRole> {
  const byId: Record<string, SynthesizedRole> = {};
  for (const [id, config] of Object.entries(stack.resource['aws_iam_role'] ?? {})) {
    byId[id] = {
      name: String(config['name']),
      trust: JSON.parse(String(config['assume_role_policy'])),
      policies: [],
      managed: [],
      ...(config['permissions_boundary'] !== undefined ? { boundary: String(config['permissions_boundary']) } : {}),
    };
  }
  for (const config of Object.values(stack.resource['aws_iam_role_policy'] ?? {}))
    byId[roleIdOf(config['role'])]?.policies.push(JSON.parse(String(config['policy'])));
  for (const config of Object.values(stack.resource['aws_iam_role_policy_attachment'] ?? {}))
    byId[roleIdOf(config['role'])]?.managed.push(String(config['policy_arn']));
  return Object.fromEntries(Object.values(byId).map((role) => [role.name, role]));
}

/** A managed policy (aws_iam_policy) of a stack by its name. */
export function managedPolicy(stack: SynthesizedStack, name: string): unknown {
  const config = Object.values(stack.resource['aws_iam_policy'] ?? {}).find((c) => c['name'] === name);
  if (!config) throw new Error(`no aws_iam_policy named ${name} in the stack`);
  return JSON.parse(String(config['policy']));
}
