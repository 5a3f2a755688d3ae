/**
 * npx nx run cost:estimate [--env dev|stag|prod|preview] [--format table|json|markdown]
 *                          [--room-size 1000,64] [--no-spike]
 * (the executor @relay/nx-plugin:cost; run directly, it also takes --outdir, default cdktf.out)
 * What every environment costs, read from the synthesized stacks (cdktf.out, which the target
 * synthesizes first): each env's fixed monthly cost per stack with the arithmetic, a preview's cost
 * a day (a preview is synthesized aside when cdktf.out has none), the cost per million messages and
 * REST calls, and a nightly spike run's. Prices: tools/prices/snapshot.json, dated. It fails (exit
 * 1, after the report) when an env's idle cost exceeds its catalogue budget.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { synthesizeInto } from '@relay/emulators';
import { workspaceRoot } from '@relay/k6-process';
import { costReport, formatReport, overBudget, readSynthesized, reportJson, type StackInput } from '@relay/cost-model';
import { nightlySpikeCost } from './spike';

const ENVS = ['dev', 'stag', 'prod', 'preview'];
const FORMATS = ['table', 'json', 'markdown'] as const;

/** A preview's stacks, from cdktf.out when it holds one, else synthesized aside. */
function previewStacks(stacks: StackInput[]): StackInput[] {
  const found = stacks.filter((s) => s.env.kind === 'preview');
  if (found.length > 0) return found;
  return readSynthesized(synthesizeInto(mkdtempSync(path.join(tmpdir(), 'relay-cost-preview-')), { RELAY_PREVIEW: 'estimate' }));
}

function main(): void {
  const { values } = parseArgs({
    options: {
      env: { type: 'string' },
      format: { type: 'string', default: 'table' },
      outdir: { type: 'string', default: path.join(workspaceRoot, process.env['CDKTF_OUTDIR'] ?? 'cdktf.out') },
      'room-size': { type: 'string', default: '1000,64' },
      'no-spike': { type: 'boolean', default: false },
    },
  });
  const format = values.format as (typeof FORMATS)[number];
  if (!FORMATS.includes(format)) throw new Error(`--format takes ${FORMATS.join(', ')}, not "${values.format}"`);
  if (values.env !== undefined && !ENVS.includes(values.env)) throw new Error(`--env takes ${ENVS.join(', ')}, not "${values.env}"`);
  const roomSizes = (values['room-size'] ?? '').split(',').map(Number);
  if (roomSizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--room-size takes positive integers, not "${values['room-size']}"`);

  const synthesized = readSynthesized(values.outdir ?? 'cdktf.out');
  const base = synthesized.filter((s) => s.env.kind !== 'preview');
  const wanted = values.env;
  const stacks = [
    ...(wanted === 'preview' ? [] : base.filter((s) => !wanted || s.env.name === wanted)),
    ...(!wanted || wanted === 'preview' ? previewStacks(synthesized) : []),
  ];
  const report = costReport(stacks, { roomSizes, now: new Date(), nightlySpike: values['no-spike'] ? undefined : (env) => nightlySpikeCost(env) });
  console.log(format === 'json' ? JSON.stringify(reportJson(report), null, 2) : formatReport(report, format));
  const over = overBudget([...Object.values(report.envs), ...(report.preview ? [report.preview] : [])]);
  if (over.length > 0) throw new Error(`over budget:\n${over.join('\n')}`);
}

try {
  main();
} catch (error) {
  console.error(`cost:estimate: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
