import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { motoBin, startMoto, type MotoServer } from '@relay/emulators';
import { actualCosts, compareActuals, GAP_REPORTED, tagValue } from './actuals';
import type { EnvEstimate } from '@relay/cost-model';

/**
 * cost:actuals against moto's Cost Explorer, which answers GetCostAndUsage from results queued
 * through its API (it tracks no cost). The queued groups take the shape of AWS's recorded
 * example (awscli's get-cost-and-usage example, read from the installed package below).
 */
jest.setTimeout(120_000);

let moto: MotoServer;
beforeAll(async () => {
  moto = await startMoto('us-east-1');
});
afterAll(() => moto.stop());

const group = (stack: string, usd: string) => ({ Keys: [`relay:stack$${stack}`], Metrics: { UnblendedCost: { Amount: usd, Unit: 'USD' } } });
async function queue(results: unknown[]): Promise<void> {
  const response = await fetch(`${moto.endpoint}/moto-api/static/ce/cost-and-usage-results`, { method: 'POST', body: JSON.stringify({ results }) });
  expect(response.status).toBe(201);
}

const estimate: EnvEstimate = {
  env: 'dev',
  kind: 'dev',
  fixedMonthlyUsd: 36.5,
  budgetUsd: 10,
  stacks: [
    { id: 'chat-dev', component: 'chat', fixedMonthlyUsd: 8.7, items: [] },
    { id: 'platform-dev', component: 'platform', fixedMonthlyUsd: 27.8, items: [] },
  ],
};

describe('cost:actuals', () => {
  it('reads tag groups as AWS keys them: "<tag>$<value>", empty for spend without the tag', () => {
    const python = path.join(motoBin(), 'python');
    const awscli = spawnSync(python, ['-c', 'import awscli, os; print(os.path.dirname(awscli.__file__))'], { encoding: 'utf8' }).stdout.trim();
    const example = readFileSync(path.join(awscli, 'examples/ce/get-cost-and-usage.rst'), 'utf8');
    const output = JSON.parse(example.slice(example.indexOf('{', example.indexOf('Output::')))) as { ResultsByTime: { Groups: { Keys: string[] }[] }[] };
    const keys = output.ResultsByTime[0]!.Groups.map((g) => g.Keys[1]!);
    expect(keys.map((k) => tagValue(k, 'Environment'))).toEqual([undefined, 'Dev']);
    expect(() => tagValue('Amazon Simple Storage Service', 'Environment')).toThrow(/not a group of the tag Environment/);
  });

  it("sums each stack's bill over the periods through the real SDK client, untagged spend apart", async () => {
    await queue([
      {
        ResultsByTime: [
          {
            TimePeriod: { Start: '2026-11-05', End: '2026-12-01' },
            Total: {},
            Groups: [group('chat-dev', '7.10'), group('platform-dev', '20.00'), group('', '1.50')],
            Estimated: false,
          },
          { TimePeriod: { Start: '2026-12-01', End: '2026-12-05' }, Total: {}, Groups: [group('platform-dev', '3.00')], Estimated: true },
        ],
      },
    ]);
    const client = new CostExplorerClient(moto.clientConfig);
    const costs = await actualCosts(client, 'dev', 30, new Date('2026-12-05T00:00:00Z'));
    expect(Object.fromEntries(costs)).toEqual({ 'chat-dev': 7.1, 'platform-dev': 23, '(untagged)': 1.5 });
  });

  it('sets the bill beside the estimate for the same days and reports a gap above 25%', () => {
    const days = 30;
    const scale = (days * 24) / 730;
    const close = compareActuals(
      new Map([
        ['chat-dev', 8.7 * scale],
        ['platform-dev', 27.8 * scale * 1.1],
      ]),
      estimate,
      days,
    );
    expect(close.gap).toBeLessThan(GAP_REPORTED);
    expect(close.lines.at(-1)).toMatch(/within 25%/);
    const far = compareActuals(
      new Map([
        ['chat-dev', 30],
        ['(untagged)', 20],
      ]),
      estimate,
      days,
    );
    expect(far.gap).toBeGreaterThan(GAP_REPORTED);
    expect(far.lines).toContain('| (untagged) | $20.00 | $0.00 |');
    expect(far.lines.at(-1)).toMatch(/above 25%/);
  });
});
