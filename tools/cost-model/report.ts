import { HOURS_PER_MONTH, PRICES, snapshotLine } from '@relay/prices';
import { DAYS_PER_MONTH, estimateEnvs, type EnvEstimate } from './estimate';
import type { LineItem } from './resource-prices';
import type { StackInput } from './synthesized';
import { perMillionMessages, perMillionRestCalls, type UnitCost } from './usage';

export interface CostReport {
  snapshotDate: string;
  /** The snapshot's date and, once it is older than 90 days, a warning. */
  prices: string;
  envs: Record<string, EnvEstimate>;
  preview?: EnvEstimate & { dailyUsd: number };
  perMillion: UnitCost[];
  nightlySpike?: UnitCost;
}

export interface ReportOptions {
  roomSizes: number[];
  now: Date;
  nightlySpike?: (env: StackInput['env']) => UnitCost;
}

/** The whole estimate: every base env and the preview found in the stacks, the unit costs, a night's spike. */
export function costReport(stacks: StackInput[], options: ReportOptions): CostReport {
  const estimates = estimateEnvs(stacks);
  const envs = Object.fromEntries(estimates.filter((e) => e.kind !== 'preview').map((e) => [e.env, e]));
  const preview = estimates.find((e) => e.kind === 'preview');
  const chat = stacks.find((s) => s.component === 'chat' && s.env.kind === 'prod') ?? stacks.find((s) => s.component === 'chat');
  const platform = stacks.find((s) => s.component === 'platform' && s.env.kind === 'prod') ?? stacks.find((s) => s.component === 'platform');
  const fleetEnv = stacks.find((s) => s.component === 'loadgen')?.env;
  return {
    snapshotDate: PRICES.snapshotDate,
    prices: snapshotLine(options.now),
    envs,
    preview: preview && { ...preview, dailyUsd: preview.fixedMonthlyUsd / DAYS_PER_MONTH },
    perMillion: [...(chat ? options.roomSizes.map((n) => perMillionMessages(chat, n)) : []), ...(platform ? [perMillionRestCalls(platform.env)] : [])],
    nightlySpike: fleetEnv && options.nightlySpike && withEdge(options.nightlySpike(fleetEnv), envs[fleetEnv.name]?.loadTestEdge),
  };
}

/** A night's spike with the load-test edge it runs against, which exists for that night only. */
function withEdge(spike: UnitCost, edge: EnvEstimate['loadTestEdge']): UnitCost {
  if (!edge) return spike;
  return { ...spike, usd: spike.usd + edge.nightlyUsd, lines: [...spike.lines, edgeLine(edge)] };
}

const edgeLine = (edge: NonNullable<EnvEstimate['loadTestEdge']>) =>
  `the load-test edge (${edge.stacks.map((s) => s.id).join(', ')}), up ${edge.hoursPerNight} h a night: ` +
  `${usd(edge.stacks.reduce((sum, s) => sum + s.fixedMonthlyUsd, 0))} a month's worth × ${edge.hoursPerNight}/${HOURS_PER_MONTH} h = ${usd(edge.nightlyUsd)}`;

const usd = (n: number) => `$${n.toFixed(2)}`;

function envLines(e: EnvEstimate, markdown: boolean): string[] {
  const lines: string[] = [];
  for (const stack of e.stacks) {
    lines.push(markdown ? `| ${e.env} | ${stack.id} | ${usd(stack.fixedMonthlyUsd)} |` : `  ${stack.id.padEnd(22)} ${usd(stack.fixedMonthlyUsd).padStart(9)}`);
    if (!markdown) lines.push(...groupedItems(stack.items).map((line) => `      ${line}`));
  }
  return lines;
}

/** A stack's charges, most first, alike ones (47 alarms) summed on one line. */
function groupedItems(items: LineItem[]): string[] {
  const groups = new Map<string, LineItem[]>();
  for (const item of items) groups.set(item.what, [...(groups.get(item.what) ?? []), item]);
  return [...groups.values()]
    .map((group) => ({ group, total: group.reduce((sum, i) => sum + i.monthlyUsd, 0) }))
    .filter(({ total }) => total >= 0.005)
    .sort((a, b) => b.total - a.total)
    .map(({ group: [first, ...rest], total }) => (rest.length === 0 ? `${first?.arithmetic}` : `${rest.length + 1} × (${first?.arithmetic}) = ${usd(total)}`));
}

/** The report as a table (what dominates, with its arithmetic) or as Markdown (a job summary). */
export function formatReport(report: CostReport, format: 'table' | 'markdown'): string {
  const md = format === 'markdown';
  const out: string[] = [];
  out.push(md ? '### What each environment costs idle (fixed monthly, USD)' : 'Fixed monthly cost: what each environment pays idle (USD)');
  if (md) out.push('', '| env | stack | fixed monthly |', '| --- | --- | ---: |');
  for (const e of Object.values(report.envs)) {
    if (!md) out.push(`${e.env}: ${usd(e.fixedMonthlyUsd)} a month (budget ${usd(e.budgetUsd)}${e.fixedMonthlyUsd > e.budgetUsd ? ': OVER' : ''})`);
    out.push(...envLines(e, md));
    if (md)
      out.push(`| **${e.env}** | all | **${usd(e.fixedMonthlyUsd)}** (budget ${usd(e.budgetUsd)}${e.fixedMonthlyUsd > e.budgetUsd ? ': **over**' : ''}) |`);
    if (e.loadTestEdge) {
      const edge = e.loadTestEdge;
      const ids = edge.stacks.map((s) => s.id).join(', ');
      if (md) out.push(`| ${e.env} | ${ids} (nightly window only) | ${usd(edge.nightlyUsd)} a night, not idle |`);
      else {
        out.push(`  ${ids}: only in the nightly window, not idle: ${edgeLine(edge)}`);
        for (const stack of edge.stacks) out.push(...groupedItems(stack.items).map((line) => `      (a month's worth) ${line}`));
      }
    }
  }
  if (report.preview) {
    const p = report.preview;
    const budget = `budget ${usd(p.budgetUsd / DAYS_PER_MONTH)} a day${p.fixedMonthlyUsd > p.budgetUsd ? ': OVER' : ''}`;
    if (md) out.push(`| ${p.env} (preview) | all | ${usd(p.fixedMonthlyUsd)} = ${usd(p.dailyUsd)} a day (${budget}) |`);
    else out.push(`a preview (${p.env}): ${usd(p.fixedMonthlyUsd)} a month = ${usd(p.dailyUsd)} a day (${budget})`, ...envLines(p, false));
  }
  out.push('', md ? '### Per unit of use' : 'Per unit of use:');
  for (const unit of [...report.perMillion, ...(report.nightlySpike ? [report.nightlySpike] : [])]) {
    out.push(md ? `- **${unit.what}: ${usd(unit.usd)}**` : `${unit.what}: ${usd(unit.usd)}`);
    for (const line of unit.lines) out.push(md ? `  - ${line.trim()}` : `  ${line}`);
  }
  out.push('', report.prices);
  return out.join('\n');
}

/** The JSON other tools read: envs' fixed monthly figures and stacks, the preview's daily cost, the units. */
export function reportJson(report: CostReport): unknown {
  const env = (e: EnvEstimate) => ({
    fixedMonthlyUsd: round(e.fixedMonthlyUsd),
    budgetUsd: e.budgetUsd,
    stacks: stacksJson(e.stacks),
    ...(e.loadTestEdge
      ? {
          loadTestEdge: {
            nightlyUsd: round(e.loadTestEdge.nightlyUsd),
            hoursPerNight: e.loadTestEdge.hoursPerNight,
            stacks: stacksJson(e.loadTestEdge.stacks),
          },
        }
      : {}),
  });
  return {
    snapshotDate: report.snapshotDate,
    prices: report.prices,
    envs: Object.fromEntries(Object.entries(report.envs).map(([name, e]) => [name, env(e)])),
    preview: report.preview && { env: report.preview.env, dailyUsd: round(report.preview.dailyUsd), ...env(report.preview) },
    perMillion: report.perMillion.map((u) => ({ what: u.what, usd: round(u.usd), lines: u.lines })),
    nightlySpike: report.nightlySpike && { what: report.nightlySpike.what, usd: round(report.nightlySpike.usd), lines: report.nightlySpike.lines },
  };
}

const round = (n: number) => Math.round(n * 10_000) / 10_000;
const stacksJson = (stacks: EnvEstimate['stacks']) =>
  Object.fromEntries(
    stacks.map((s) => [s.id, { fixedMonthlyUsd: round(s.fixedMonthlyUsd), items: s.items.map((i) => ({ ...i, monthlyUsd: round(i.monthlyUsd) })) }]),
  );
