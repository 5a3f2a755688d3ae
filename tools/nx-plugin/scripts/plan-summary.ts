/**
 * Markdown summary of the saved plans of one environment (resources to add, change, destroy
 * per stack), for a pull request's job summary:
 *   node --import tsx tools/nx-plugin/scripts/plan-summary.ts <env> >> "$GITHUB_STEP_SUMMARY"
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { IMAGE_VARIABLES, PLAN_JSON, STAND_IN_DIGEST } from '../operations/terraform/runner';

interface PlanJson {
  resource_changes?: { address: string; change: { actions: string[] } }[];
  variables?: Record<string, { value: unknown }>;
}

export interface StackChanges {
  stack: string;
  add: number;
  change: number;
  destroy: number;
  replaced: string[];
  /** Planned against the stand-in image digest (pull requests): image changes are not shown. */
  standInImage: boolean;
}

/** Counts like `terraform plan` does: a replacement is one add and one destroy. */
export function countChanges(stack: string, plan: PlanJson): StackChanges {
  const counts: StackChanges = {
    stack,
    add: 0,
    change: 0,
    destroy: 0,
    replaced: [],
    standInImage: Object.values(IMAGE_VARIABLES).some(({ variable }) => plan.variables?.[variable]?.value === STAND_IN_DIGEST),
  };
  for (const { address, change } of plan.resource_changes ?? []) {
    const actions = change.actions;
    if (actions.includes('create')) counts.add++;
    if (actions.includes('delete')) counts.destroy++;
    if (actions.includes('update')) counts.change++;
    if (actions.includes('create') && actions.includes('delete')) counts.replaced.push(address);
  }
  return counts;
}

export function markdown(env: string, stacks: StackChanges[]): string {
  const rows = stacks.map((s) => `| \`${s.stack}\` | ${s.add} | ${s.change} | ${s.destroy}${s.destroy > 0 ? ' ⚠️' : ''} |`);
  const replaced = stacks.flatMap((s) => s.replaced.map((a) => `- \`${s.stack}\`: \`${a}\``));
  return [
    `### Terraform plan: ${env}`,
    '',
    '| stack | add | change | destroy |',
    '|---|---:|---:|---:|',
    ...rows,
    ...(replaced.length ? ['', '**Replaced (destroyed, then created):**', ...replaced] : []),
    ...stacks
      .filter((s) => s.standInImage)
      .map(
        (s) =>
          `\n_\`${s.stack}\` was planned with a stand-in image digest (a pull request cannot read which image runs): its task definition shows as changed; the deploy plan uses the pushed image._`,
      ),
    '',
  ].join('\n');
}

if (require.main === module) {
  const env = process.argv[2];
  if (!env) {
    console.error('usage: plan-summary.ts <env>');
    process.exit(2);
  }
  const stacksDir = path.resolve(__dirname, '..', '..', '..', process.env['CDKTF_OUTDIR'] ?? 'cdktf.out', 'stacks');
  const ids = readdirSync(stacksDir).filter((id) => id.endsWith(`-${env}`) && existsSync(path.join(stacksDir, id, PLAN_JSON)));
  const stacks = ids.map((id) => countChanges(id, JSON.parse(readFileSync(path.join(stacksDir, id, PLAN_JSON), 'utf8')) as PlanJson));
  console.log(markdown(env, stacks));
}
