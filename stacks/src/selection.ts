import { BASE_ENVIRONMENTS, deployedComponents, EnvironmentError, previewName, resolveEnvironment, type Environment } from '@relay/platform-config';

export const COMPONENTS = ['bootstrap', 'chat', 'platform', 'web', 'loadgen', 'edge'] as const;
export type Component = (typeof COMPONENTS)[number];

/** Previews are per-developer copies of the chat backend only, inside the dev account. */
export const PREVIEW_COMPONENTS: readonly Component[] = ['chat'];

/**
 * Whether an environment has a component at all: only catalogue entries with `loadgen` run a
 * fleet, and only those with `loadTestEdge` have the nightly's front door (which no deploy applies).
 */
export function hasComponent(env: Environment, component: Component): boolean {
  if (component === 'edge') return env.loadTestEdge;
  return component === 'bootstrap' || (deployedComponents(env) as Component[]).includes(component);
}

export interface StackPlan {
  id: string;
  component: Component;
  env: Environment;
}

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * Which stacks to synthesize, from the environment:
 *   RELAY_ENVS=dev,stag      base environments (default: dev, stag, prod unless a preview is asked for)
 *   RELAY_PREVIEW=alice      the preview chat-dev-alice
 *   RELAY_COMPONENTS=chat    components (default: all)
 * Every name is validated before any construct is created.
 */
export function selectStacks(vars: Record<string, string | undefined>): StackPlan[] {
  const preview = vars['RELAY_PREVIEW']?.trim();
  const requested = list(vars['RELAY_ENVS']);
  const envNames = requested.length > 0 ? requested : preview ? [] : [...BASE_ENVIRONMENTS];
  const components = list(vars['RELAY_COMPONENTS']);
  for (const c of components) {
    if (!(COMPONENTS as readonly string[]).includes(c)) {
      throw new EnvironmentError(`unknown component "${c}": expected one of ${COMPONENTS.join(', ')}`);
    }
  }
  const wanted = (c: Component) => components.length === 0 || components.includes(c);

  const plans: StackPlan[] = [];
  for (const name of envNames) {
    if (!(BASE_ENVIRONMENTS as readonly string[]).includes(name)) {
      throw new EnvironmentError(`RELAY_ENVS takes ${BASE_ENVIRONMENTS.join(', ')}; "${name}" is not one (previews: RELAY_PREVIEW=<name>)`);
    }
    const env = resolveEnvironment(name);
    for (const component of COMPONENTS) if (wanted(component) && hasComponent(env, component)) plans.push({ id: `${component}-${env.name}`, component, env });
  }
  if (preview) {
    const env = resolveEnvironment(previewName(preview));
    for (const component of PREVIEW_COMPONENTS) if (wanted(component)) plans.push({ id: `${component}-${env.name}`, component, env });
  }
  if (plans.length === 0) throw new EnvironmentError('nothing to synthesize: check RELAY_ENVS, RELAY_PREVIEW and RELAY_COMPONENTS');
  return plans;
}
