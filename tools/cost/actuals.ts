/**
 * npx nx run cost:actuals --env dev|stag|prod [--days 30]   (run directly, also --outdir)
 * The bill beside the estimate: Cost Explorer's unblended cost of the last N days in the
 * credentials' account (each env has its own), for resources tagged relay:env=<env>, grouped by
 * relay:stack, against the estimate's fixed monthly figure for the same days. The estimate
 * prices what an env pays idle; use shows up as the gap, so a gap above 25% is reported for a
 * person to read (cost-actuals.yml, weekly), not failed. Untagged spend is listed on its own.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CostExplorerClient, GetCostAndUsageCommand } from '@aws-sdk/client-cost-explorer';
import { workspaceRoot } from '@relay/k6-process';
import { estimateEnvs, readSynthesized, type EnvEstimate } from '@relay/cost-model';

/** Above this share the estimate and the bill disagree enough for someone to look. */
export const GAP_REPORTED = 0.25;

const day = (d: Date) => d.toISOString().slice(0, 10);

/** A tag group's value: Cost Explorer keys tag groups "<tag>$<value>", with an empty value for spend without the tag. */
export function tagValue(groupKey: string, tag: string): string | undefined {
  if (!groupKey.startsWith(`${tag}$`)) throw new Error(`"${groupKey}" is not a group of the tag ${tag}`);
  return groupKey.slice(tag.length + 1) || undefined;
}

/** Each relay:stack's cost over the `days` before `today` (Cost Explorer's end date is exclusive). */
export async function actualCosts(client: CostExplorerClient, env: string, days: number, today: Date): Promise<Map<string, number>> {
  const start = new Date(today.getTime() - days * 86_400_000);
  const costs = new Map<string, number>();
  let NextPageToken: string | undefined;
  do {
    const page = await client.send(
      new GetCostAndUsageCommand({
        TimePeriod: { Start: day(start), End: day(today) },
        Granularity: 'MONTHLY',
        Metrics: ['UnblendedCost'],
        Filter: { Tags: { Key: 'relay:env', Values: [env], MatchOptions: ['EQUALS'] } },
        GroupBy: [{ Type: 'TAG', Key: 'relay:stack' }],
        NextPageToken,
      }),
    );
    for (const period of page.ResultsByTime ?? [])
      for (const group of period.Groups ?? []) {
        const stack = tagValue(group.Keys?.[0] ?? '', 'relay:stack') ?? '(untagged)';
        const amount = Number(group.Metrics?.['UnblendedCost']?.Amount ?? 0);
        costs.set(stack, (costs.get(stack) ?? 0) + amount);
      }
    NextPageToken = page.NextPageToken;
  } while (NextPageToken);
  return costs;
}

export interface Comparison {
  lines: string[];
  actualUsd: number;
  estimatedUsd: number;
  /** |actual - estimated| / estimated */
  gap: number;
}

/** The bill against the estimate for the same days, stack by stack, in Markdown. */
export function compareActuals(actual: Map<string, number>, estimate: EnvEstimate, days: number): Comparison {
  const scale = (days * 24) / 730;
  const estimated = new Map(estimate.stacks.map((s) => [s.id, s.fixedMonthlyUsd * scale]));
  const stacks = [...new Set([...estimated.keys(), ...actual.keys()])].sort();
  const actualUsd = [...actual.values()].reduce((a, b) => a + b, 0);
  const estimatedUsd = [...estimated.values()].reduce((a, b) => a + b, 0);
  const gap = estimatedUsd > 0 ? Math.abs(actualUsd - estimatedUsd) / estimatedUsd : actualUsd > 0 ? Infinity : 0;
  const lines = [
    `### ${estimate.env}: the bill of the last ${days} days against the estimate`,
    '',
    '| stack | actual | estimated (fixed) |',
    '| --- | ---: | ---: |',
    ...stacks.map((s) => `| ${s} | $${(actual.get(s) ?? 0).toFixed(2)} | $${(estimated.get(s) ?? 0).toFixed(2)} |`),
    `| **all** | **$${actualUsd.toFixed(2)}** | **$${estimatedUsd.toFixed(2)}** |`,
    '',
    gap > GAP_REPORTED
      ? `Gap ${Number.isFinite(gap) ? `${(gap * 100).toFixed(0)}%` : '(nothing estimated)'}: above ${GAP_REPORTED * 100}%. Use is not in the estimate; a gap this size in an idle env means a charge the model does not see.`
      : `Gap ${(gap * 100).toFixed(0)}%: within ${GAP_REPORTED * 100}%.`,
  ];
  return { lines, actualUsd, estimatedUsd, gap };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      env: { type: 'string' },
      days: { type: 'string', default: '30' },
      outdir: { type: 'string', default: path.join(workspaceRoot, process.env['CDKTF_OUTDIR'] ?? 'cdktf.out') },
    },
  });
  const env = values.env;
  const days = Number(values.days);
  if (!env || !['dev', 'stag', 'prod'].includes(env)) throw new Error(`--env takes dev, stag or prod, not "${env ?? ''}"`);
  if (!Number.isInteger(days) || days < 1 || days > 365) throw new Error(`--days takes a whole number from 1 to 365, not "${values.days}"`);
  const estimate = estimateEnvs(readSynthesized(values.outdir ?? 'cdktf.out').filter((s) => s.env.name === env))[0];
  if (!estimate) throw new Error(`${values.outdir} holds no stack of ${env}: synthesize it first`);
  // Cost Explorer answers from us-east-1 only.
  const client = new CostExplorerClient({ region: 'us-east-1' });
  const comparison = compareActuals(await actualCosts(client, env, days, new Date()), estimate, days);
  console.log(comparison.lines.join('\n'));
  if (comparison.gap > GAP_REPORTED)
    console.log(
      `::warning title=cost gap in ${env}::the bill is ${comparison.actualUsd.toFixed(2)} USD against ${comparison.estimatedUsd.toFixed(2)} estimated`,
    );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`cost:actuals: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
