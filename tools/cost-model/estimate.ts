import { LOAD_TEST_EDGE_HOURS } from '@relay/platform-config';
import { HOURS_PER_MONTH } from '@relay/prices';
import { RESOURCE_PRICING, type LineItem } from './resource-prices';
import type { StackInput, SynthesizedStack } from './synthesized';

export interface StackEstimate {
  id: string;
  component: string;
  fixedMonthlyUsd: number;
  items: LineItem[];
}

export interface EnvEstimate {
  env: string;
  kind: string;
  fixedMonthlyUsd: number;
  /** The catalogue's budget.idleMonthlyUsd: what the env may cost idle. */
  budgetUsd: number;
  stacks: StackEstimate[];
  /**
   * The nightly's load-test edge (ADR 10): not part of the idle month, it bills only for the
   * hours the nightly keeps it up. `stacks` are priced as if kept a whole month.
   */
  loadTestEdge?: { stacks: StackEstimate[]; hoursPerNight: number; nightlyUsd: number };
}

/** Components that exist only in the nightly window (applied and destroyed by nightly-spike.yml). */
export const NIGHTLY_WINDOW_COMPONENTS: readonly string[] = ['edge'];

export class UnpricedResourceError extends Error {}

/** The region a resource is created in: its provider alias's, else the stack's default provider's. */
function regionOf(resource: Record<string, unknown>, stack: SynthesizedStack): string {
  const providers = ((stack['provider'] as { aws?: { alias?: string; region?: string }[] } | undefined)?.aws ?? []).filter(Boolean);
  const alias = /^aws\.(.+)$/.exec(String(resource['provider'] ?? ''))?.[1];
  const provider = alias ? providers.find((p) => p.alias === alias) : providers.find((p) => !p.alias);
  if (!provider?.region) throw new Error(`no region for a resource with provider ${String(resource['provider'] ?? 'aws')}`);
  return provider.region;
}

/**
 * Every resource type in the stacks that is neither priced nor declared free, and every resource
 * with a setting that bills beyond what its type's pricing covers, with where it appears: a new
 * type or setting must say what it costs before the estimate can be trusted.
 */
export function unpricedCharges(stacks: StackInput[]): string[] {
  const found = new Map<string, string[]>();
  const settings: string[] = [];
  for (const { id, stack } of stacks)
    for (const [type, resources] of Object.entries(stack.resource ?? {})) {
      const pricing = RESOURCE_PRICING[type];
      if (!pricing) {
        found.set(type, [...(found.get(type) ?? []), id]);
        continue;
      }
      const { unpricedSetting } = pricing;
      if (!unpricedSetting) continue;
      for (const [name, resource] of Object.entries(resources)) {
        const why = unpricedSetting(resource);
        if (why) settings.push(`${type}.${name} (in ${id}): ${why}; price it in tools/cost-model/resource-prices.ts`);
      }
    }
  return [
    ...[...found].map(([type, ids]) => `${type} (in ${ids.join(', ')}): neither priced nor declared free in tools/cost-model/resource-prices.ts`),
    ...settings,
  ];
}

/** What one stack costs idle each month. */
export function estimateStack({ id, component, stack }: StackInput, siblings: SynthesizedStack[] = []): StackEstimate {
  const items: LineItem[] = [];
  for (const [type, resources] of Object.entries(stack.resource ?? {})) {
    const pricing = RESOURCE_PRICING[type];
    if (!pricing) throw new UnpricedResourceError(`${type} in ${id}: neither priced nor declared free in tools/cost-model/resource-prices.ts`);
    if (pricing.kind !== 'fixed') continue;
    for (const [name, resource] of Object.entries(resources))
      items.push(...pricing.monthly(resource, name, { stack, region: regionOf(resource, stack), siblings }));
  }
  return { id, component, items, fixedMonthlyUsd: items.reduce((sum, i) => sum + i.monthlyUsd, 0) };
}

/** Each environment's stacks and their sum, in the catalogue's order of the stacks given. */
export function estimateEnvs(stacks: StackInput[]): EnvEstimate[] {
  const unpriced = unpricedCharges(stacks);
  if (unpriced.length > 0) throw new UnpricedResourceError(unpriced.join('\n'));
  const envs = new Map<string, EnvEstimate>();
  for (const input of stacks) {
    const siblings = stacks.filter((s) => s.env.name === input.env.name && s !== input).map((s) => s.stack);
    const estimate = estimateStack(input, siblings);
    const env = envs.get(input.env.name) ?? {
      env: input.env.name,
      kind: input.env.kind,
      fixedMonthlyUsd: 0,
      budgetUsd: input.env.budget.idleMonthlyUsd,
      stacks: [],
    };
    if (NIGHTLY_WINDOW_COMPONENTS.includes(input.component)) {
      const edge = (env.loadTestEdge ??= { stacks: [], hoursPerNight: LOAD_TEST_EDGE_HOURS, nightlyUsd: 0 });
      edge.stacks.push(estimate);
      edge.nightlyUsd += (estimate.fixedMonthlyUsd * LOAD_TEST_EDGE_HOURS) / HOURS_PER_MONTH;
    } else {
      env.stacks.push(estimate);
      env.fixedMonthlyUsd += estimate.fixedMonthlyUsd;
    }
    envs.set(input.env.name, env);
  }
  return [...envs.values()];
}

/** Days in an average month: a preview's monthly figure over this is its cost per day. */
export const DAYS_PER_MONTH = 730 / 24;

/**
 * Each env whose idle cost exceeds its budget, said so that the fix is findable: the figure, the
 * budget, the largest charges, and where the budget is set. Empty when every env is within.
 */
export function overBudget(envs: EnvEstimate[]): string[] {
  return envs
    .filter((e) => e.fixedMonthlyUsd > e.budgetUsd + 1e-9)
    .map((e) => {
      const largest = e.stacks
        .flatMap((s) => s.items)
        .sort((a, b) => b.monthlyUsd - a.monthlyUsd)
        .slice(0, 3)
        .map((i) => `${i.resource} $${i.monthlyUsd.toFixed(2)}`)
        .join(', ');
      return (
        `${e.env}: $${e.fixedMonthlyUsd.toFixed(2)} a month idle, over its budget of $${e.budgetUsd.toFixed(2)} ` +
        `(largest: ${largest}; budget.idleMonthlyUsd in libs/platform-config/src/catalogue.ts)`
      );
    });
}
