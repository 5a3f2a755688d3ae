import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { synthesizeInto } from '@relay/emulators';
import { HOURS_PER_MONTH, price } from '@relay/prices';
import { BASE_ENVIRONMENTS } from '@relay/platform-config';
import { DAYS_PER_MONTH, estimateEnvs, estimateStack, overBudget, unpricedCharges, UnpricedResourceError } from './estimate';
import { scheduledWeek } from './off-hours';
import { CONTAINER_INSIGHTS_METRICS } from './resource-prices';
import { costDiff } from './pr-diff';
import { costReport, reportJson } from './report';
import { readSynthesized, type StackInput } from './synthesized';

/** The real stacks, synthesized as `nx run stacks:synth` does, and one preview beside them. */
jest.setTimeout(300_000);
const root = path.resolve(__dirname, '../..');
const outdir = synthesizeInto(mkdtempSync(path.join(tmpdir(), 'relay-cost-')));
const previewOutdir = synthesizeInto(mkdtempSync(path.join(tmpdir(), 'relay-cost-preview-')), { RELAY_PREVIEW: 'costspec' });
const stacks = [...readSynthesized(outdir), ...readSynthesized(previewOutdir)];
const byId = (id: string): StackInput => stacks.find((s) => s.id === id)!;

describe('the cost model over the synthesized stacks', () => {
  it('prices or declares free every resource type the stacks hold', () => {
    expect(stacks.length).toBeGreaterThan(BASE_ENVIRONMENTS.length);
    expect(unpricedCharges(stacks)).toEqual([]);
  });

  it('fails on a resource type that is neither, and names it with its stack', () => {
    const broken = structuredClone(byId('platform-dev'));
    broken.stack.resource['aws_memorydb_cluster'] = { cache: { name: 'x' } };
    expect(unpricedCharges([broken])).toEqual([expect.stringContaining('aws_memorydb_cluster (in platform-dev): neither priced nor declared free')]);
    expect(() => estimateEnvs([broken])).toThrow(UnpricedResourceError);
  });

  it('fails on a setting that bills beyond what its type is priced for, and names the resource and the setting', () => {
    const broken = structuredClone(byId('platform-prod'));
    const [clusterName, cluster] = Object.entries(broken.stack.resource['aws_ecs_cluster']!)[0]!;
    cluster['setting'] = [{ name: 'containerInsights', value: 'enhanced' }];
    const [taskName, task] = Object.entries(broken.stack.resource['aws_ecs_task_definition']!)[0]!;
    task['ephemeral_storage'] = { size_in_gib: 40 };
    const [aclName, acl] = Object.entries(broken.stack.resource['aws_wafv2_web_acl']!)[0]!;
    acl['rule'] = [
      ...(acl['rule'] as unknown[]),
      { name: 'bots', statement: { managed_rule_group_statement: { name: 'AWSManagedRulesBotControlRuleSet', vendor_name: 'AWS' } } },
    ];
    expect(unpricedCharges([broken]).sort()).toEqual(
      [
        `aws_ecs_cluster.${clusterName} (in platform-prod): Container Insights with enhanced observability bills per observation, not by the metric; price it in tools/cost-model/resource-prices.ts`,
        `aws_ecs_task_definition.${taskName} (in platform-prod): 40 GiB of ephemeral storage bills by the GB-hour above the 20 GiB Fargate includes; price it in tools/cost-model/resource-prices.ts`,
        `aws_wafv2_web_acl.${aclName} (in platform-prod): managed rule group AWSManagedRulesBotControlRuleSet bills a subscription and per-request fees beyond its rule's; price it in tools/cost-model/resource-prices.ts`,
      ].sort(),
    );
    expect(() => estimateEnvs([broken])).toThrow(UnpricedResourceError);
  });

  it("prices Container Insights' metrics for the hours the cluster's tasks run, and nothing where it is off", () => {
    const metricsOf = (id: string) => estimateStack(byId(id)).items.filter((i) => i.what === 'Container Insights metrics');
    const region = byId('platform-prod').env.region;
    const perMonth = CONTAINER_INSIGHTS_METRICS.cluster + CONTAINER_INSIGHTS_METRICS.service + CONTAINER_INSIGHTS_METRICS.taskFamily;
    // prod: one service, tasks all month.
    expect(byId('platform-prod').env.fargate.containerInsights).toBe(true);
    expect(metricsOf('platform-prod').map((i) => i.monthlyUsd)).toEqual([expect.closeTo(perMonth * price('cloudwatch.metric-month', region), 6)]);
    // stag: the same metrics, only while its off-hours week keeps a task up.
    const week = scheduledWeek(byId('platform-stag').stack)!;
    const upShare = week.hours.filter((h) => h.desired > 0).length / 168;
    expect(upShare).toBeLessThan(1);
    expect(metricsOf('platform-stag').map((i) => i.monthlyUsd)).toEqual([expect.closeTo(perMonth * upShare * price('cloudwatch.metric-month', region), 6)]);
    // dev and the fleet's cluster have it off.
    expect(byId('platform-dev').env.fargate.containerInsights).toBe(false);
    expect(metricsOf('platform-dev')).toEqual([]);
    expect(metricsOf('loadgen-stag')).toEqual([]);
  });

  it('tags every taggable resource with its env and stack, so Cost Explorer can group the bill as the estimate does', () => {
    const untagged = stacks.flatMap(({ id, env, stack }) =>
      Object.entries(stack.resource).flatMap(([type, resources]) =>
        Object.entries(resources)
          .filter(([, r]) => r['tags'] !== undefined)
          .filter(([, r]) => {
            const tags = r['tags'] as Record<string, string>;
            return tags['relay:env'] !== env.name || tags['relay:stack'] !== id;
          })
          .map(([name]) => `${id}: ${type}.${name}`),
      ),
    );
    expect(untagged).toEqual([]);
  });

  it('prices every base environment and the preview, each stack with its arithmetic', () => {
    const envs = estimateEnvs(stacks);
    expect(envs.map((e) => e.env).sort()).toEqual([...BASE_ENVIRONMENTS, 'dev-costspec'].sort());
    for (const env of envs) {
      // A preview bills only per use (no alarms, key or dashboard of its own): nothing by the month.
      expect(env.fixedMonthlyUsd).toBeGreaterThan(env.kind === 'preview' ? -1e-9 : 0);
      for (const stack of env.stacks) for (const item of stack.items) expect(item.arithmetic).toMatch(/= \$\d+\.\d\d$/);
    }
  });

  it("keeps dev idle within $10 a month, a preview within $0.30 a day, and stag within a quarter of prod (issue #29's targets)", () => {
    const envs = estimateEnvs(stacks);
    const dev = envs.find((e) => e.env === 'dev')!;
    const preview = envs.find((e) => e.kind === 'preview')!;
    expect(dev.fixedMonthlyUsd).toBeLessThanOrEqual(10);
    expect(preview.fixedMonthlyUsd / DAYS_PER_MONTH).toBeLessThanOrEqual(0.3);
    const [stag, prod] = ['stag', 'prod'].map((name) => envs.find((e) => e.env === name)!);
    expect(stag!.fixedMonthlyUsd).toBeLessThanOrEqual(prod!.fixedMonthlyUsd / 4);
    // What got stag there: no standing load balancer or regional WAF; the nightly's edge has them.
    const stagItems = stag!.stacks.flatMap((st) => st.items);
    expect(stagItems.filter((i) => /^aws_lb\./.test(i.resource))).toEqual([]);
    expect(stag!.stacks.find((st) => st.id === 'platform-stag')!.items.filter((i) => i.resource.startsWith('aws_wafv2_web_acl.'))).toEqual([]);
    // What got dev there: no hourly load balancer, no dashboard, a handful of alarms.
    const devItems = dev.stacks.flatMap((st) => st.items);
    expect(devItems.filter((i) => /^aws_lb\.|^aws_cloudwatch_dashboard\./.test(i.resource))).toEqual([]);
    expect(devItems.filter((i) => i.resource.startsWith('aws_cloudwatch_metric_alarm.')).length).toBeLessThanOrEqual(10);
  });

  it('keeps every env and the preview within its catalogue budget', () => {
    const envs = estimateEnvs(stacks);
    expect(envs.map((e) => [e.env, e.budgetUsd])).toEqual(expect.arrayContaining([['dev', 10]]));
    expect(overBudget(envs)).toEqual([]);
  });

  it('fails the budget check when a change adds a fixed charge past it, naming the env, the figure and the largest charges', () => {
    // dev as it was before its HTTP API front door: an ALB running all month.
    const withAlb = stacks.map((s) => {
      if (s.id !== 'platform-dev') return s;
      const copy = structuredClone(s);
      const alb = Object.values(byId('platform-prod').stack.resource['aws_lb']!)[0]!;
      copy.stack.resource['aws_lb'] = { broadcast_alb_0000FFFF: alb };
      return copy;
    });
    const [problem, ...rest] = overBudget(estimateEnvs(withAlb));
    expect(rest).toEqual([]);
    expect(problem).toMatch(/^dev: \$29\.54 a month idle, over its budget of \$10\.00 \(largest: aws_lb\.broadcast_alb_0000FFFF \$16\.43, /);
    expect(problem).toContain('budget.idleMonthlyUsd in libs/platform-config/src/catalogue.ts');
  });

  it("prices dev's HTTP API front door by the Cloud Map zone and the hours its tasks are registered", () => {
    const items = estimateStack(byId('platform-dev')).items;
    const region = byId('platform-dev').env.region;
    const zone = items.find((i) => i.resource.startsWith('aws_service_discovery_private_dns_namespace.'))!;
    expect(zone.monthlyUsd).toBeCloseTo(price('route53.hosted-zone-month', 'us-east-1'), 6);
    const registered = items.find((i) => i.resource.startsWith('aws_service_discovery_service.'))!;
    const [compute] = items.filter((i) => i.what.startsWith('Fargate'));
    const taskHours = Number(/(\d+) task-h/.exec(compute!.arithmetic)![1]);
    expect(registered.monthlyUsd).toBeCloseTo((taskHours / HOURS_PER_MONTH) * price('cloudmap.registered-resource-month', region), 2);
  });

  it('charges an internet-facing ALB its hours and a public IPv4 address per zone', () => {
    const items = estimateStack(byId('platform-prod')).items.filter((i) => i.resource.startsWith('aws_lb.'));
    const region = byId('platform-prod').env.region;
    expect(items.map((i) => i.what)).toEqual(['ALB hours', 'public IPv4, one per zone']);
    expect(items[0]!.monthlyUsd).toBeCloseTo(HOURS_PER_MONTH * price('elb.alb-hour', region), 6);
    expect(items[1]!.monthlyUsd).toBeCloseTo(2 * HOURS_PER_MONTH * price('vpc.public-ipv4-hour', region), 6);
  });

  it('runs a scheduled service only for the hours its off-hours week keeps tasks up, and an unscheduled one all month', () => {
    const dev = byId('platform-dev');
    const week = scheduledWeek(dev.stack)!;
    const taskHours = (week.hours.reduce((sum, h) => sum + h.desired, 0) * HOURS_PER_MONTH) / 168;
    const [devCompute] = estimateStack(dev).items.filter((i) => i.what.startsWith('Fargate'));
    expect(devCompute!.arithmetic).toContain(`${taskHours.toFixed(0)} task-h`);
    expect(devCompute!.arithmetic).toContain('Spot 100%');
    expect(scheduledWeek(byId('platform-prod').stack)).toBeUndefined();
    const [prodCompute] = estimateStack(byId('platform-prod')).items.filter((i) => i.what.startsWith('Fargate'));
    expect(prodCompute!.arithmetic).toMatch(/^Fargate arm64: 1460 task-h \(2 task\(s\) all month\)/);
  });

  it('writes the JSON other tools read: envs, the preview a day, the units', () => {
    const json = reportJson(costReport(stacks, { roomSizes: [1000], now: new Date() })) as {
      snapshotDate: string;
      envs: Record<string, { fixedMonthlyUsd: number }>;
      preview: { dailyUsd: number; fixedMonthlyUsd: number };
      perMillion: { what: string; usd: number }[];
    };
    expect(json.snapshotDate).toMatch(/^\d{4}-\d\d-\d\d$/);
    expect(Object.keys(json.envs).sort()).toEqual([...BASE_ENVIRONMENTS].sort());
    expect(json.preview.dailyUsd).toBeCloseTo(json.preview.fixedMonthlyUsd / (730 / 24), 3);
    expect(json.perMillion.map((u) => u.what)).toEqual(['1M chat messages to a room of 1,000', '1M broadcast REST calls']);
  });
});

describe('the load-test edge (ADR 10)', () => {
  const envs = estimateEnvs(stacks);
  const stag = envs.find((e) => e.env === 'stag')!;

  it('is priced per night it lives, outside the idle month', () => {
    const edge = stag.loadTestEdge!;
    expect(edge.stacks.map((s) => s.id)).toEqual(['edge-stag']);
    expect(stag.stacks.map((s) => s.id)).not.toContain('edge-stag');
    const month = edge.stacks[0]!.fixedMonthlyUsd;
    expect(edge.nightlyUsd).toBeCloseTo((month * edge.hoursPerNight) / HOURS_PER_MONTH, 6);
    // Prod's front door, a month's worth: its ALB, the ALB's addresses, the WAF and its rules, the service.
    const charged = new Set(edge.stacks[0]!.items.map((i) => i.what));
    for (const what of ['ALB hours', 'public IPv4, one per zone', 'web ACL', 'rules']) expect([what, charged.has(what)]).toEqual([what, true]);
    expect([...charged].some((w) => w.startsWith('Fargate'))).toBe(true);
    for (const env of envs.filter((e) => e.env !== 'stag')) expect([env.env, env.loadTestEdge]).toEqual([env.env, undefined]);
  });

  it('lives no longer than it is priced for: the nightly jobs from its apply to its destroy fit in those hours', () => {
    const { jobs } = parse(readFileSync(path.join(root, '.github/workflows/nightly-spike.yml'), 'utf8')) as {
      jobs: Record<string, { 'timeout-minutes': number; needs?: string | string[] }>;
    };
    expect(Object.keys(jobs)).toEqual(['edge-up', 'spike', 'edge-down']);
    expect([jobs['spike']!.needs, jobs['edge-down']!.needs]).toEqual(['edge-up', ['edge-up', 'spike']]);
    const minutes = Object.values(jobs).reduce((sum, job) => sum + job['timeout-minutes'], 0);
    expect(minutes).toBeLessThanOrEqual(stag.loadTestEdge!.hoursPerNight * 60);
  });

  it("prices the service by the platform's task definition and the ALB's addresses by the platform's subnets it looks up", () => {
    const items = stag.loadTestEdge!.stacks[0]!.items;
    const subnets = Object.values(byId('platform-stag').stack.resource['aws_subnet']!).length;
    const addresses = items.find((i) => i.what === 'public IPv4, one per zone')!;
    expect(addresses.monthlyUsd).toBeCloseTo(subnets * HOURS_PER_MONTH * price('vpc.public-ipv4-hour', byId('platform-stag').env.region), 6);
    const task = Object.values(byId('platform-stag').stack.resource['aws_ecs_task_definition']!)[0]!;
    expect(items.find((i) => i.what.startsWith('Fargate'))!.arithmetic).toContain(`${Number(task['cpu']) / 1024} vCPU`);
    // Alone, without the stack that defines them, it cannot be priced and says why.
    expect(() => estimateEnvs([byId('edge-stag')])).toThrow(
      /aws_ecs_service\.edge_service_[0-9A-F]+: its task definition is neither in the stack nor in another stack of the env/,
    );
  });

  it("adds a night of the edge to the nightly spike's cost", () => {
    const report = costReport(stacks, { roomSizes: [64], now: new Date(), nightlySpike: () => ({ what: 'a night', usd: 1, lines: [] }) });
    expect(report.nightlySpike!.usd).toBeCloseTo(1 + stag.loadTestEdge!.nightlyUsd, 6);
    expect(report.nightlySpike!.lines.join('\n')).toContain(`load-test edge (edge-stag), up ${stag.loadTestEdge!.hoursPerNight} h a night`);
    const json = reportJson(report) as { envs: Record<string, { loadTestEdge?: { nightlyUsd: number } }> };
    expect(json.envs['stag']!.loadTestEdge!.nightlyUsd).toBeCloseTo(stag.loadTestEdge!.nightlyUsd, 3);
  });
});

describe("a pull request's cost diff", () => {
  it('names each resource the change adds or removes, with its monthly cost, per env', () => {
    const head = estimateEnvs(stacks);
    const withoutAlb = stacks.map((s) => {
      if (s.id !== 'platform-prod') return s;
      const copy = structuredClone(s);
      delete copy.stack.resource['aws_lb'];
      return copy;
    });
    const alb = Object.keys(byId('platform-prod').stack.resource['aws_lb']!)[0]!;
    const region = byId('platform-prod').env.region;
    const added = HOURS_PER_MONTH * (price('elb.alb-hour', region) + 2 * price('vpc.public-ipv4-hour', region));
    expect(costDiff(estimateEnvs(withoutAlb), head)).toEqual([`+$${added.toFixed(2)}/month in prod: aws_lb.${alb}`]);
    expect(costDiff(head, estimateEnvs(withoutAlb))).toEqual([`-$${added.toFixed(2)}/month in prod: aws_lb.${alb}`]);
    expect(costDiff(head, head)).toEqual([]);
  });
});
