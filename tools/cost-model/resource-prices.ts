import { HOURS_PER_MONTH, price } from '@relay/prices';
import { scheduledWeek } from './off-hours';
import { referencedBlock } from '@relay/emulators';
import type { SynthesizedStack } from './synthesized';

type Resource = Record<string, unknown>;

/** One charge an idle environment pays every month, with its arithmetic. */
export interface LineItem {
  /** type.name in the stack. */
  resource: string;
  /** What is charged (alarm metrics, ALB hours): the table groups a stack's items by it. */
  what: string;
  monthlyUsd: number;
  arithmetic: string;
}

export interface PricingContext {
  stack: SynthesizedStack;
  region: string;
  /** The env's other stacks, where a data source of this one finds what it prices (the load-test edge's). */
  siblings?: SynthesizedStack[];
}

/**
 * How a resource type is priced:
 *   fixed: what it costs idle each month (it may still cost more with use);
 *   usage: nothing idle, a price per unit of use (the per-million figures price those);
 *   free:  no charge of its own (a setting, a permission, or billed through another resource).
 * A type found in the synthesized stacks with none of these fails the check and names itself.
 */
export type Pricing = (
  | { kind: 'fixed'; monthly: (resource: Resource, name: string, context: PricingContext) => LineItem[] }
  | { kind: 'usage'; why: string }
  | { kind: 'free'; why: string }
) & {
  /**
   * A setting of this type that bills and that the declaration above does not price (a paid
   * managed rule group, enhanced observability, storage beyond what Fargate includes): why, or
   * undefined. A resource with one fails the check like an unpriced type, and names the setting.
   */
  unpricedSetting?: (resource: Resource) => string | undefined;
};

const money = (usd: number) => `$${usd.toFixed(2)}`;
const hourly = (type: string, name: string, what: string, count: number, key: string, region: string): LineItem => {
  const rate = price(key, region);
  const monthlyUsd = count * HOURS_PER_MONTH * rate;
  return { resource: `${type}.${name}`, what, monthlyUsd, arithmetic: `${what}: ${count} × ${HOURS_PER_MONTH} h × $${rate}/h = ${money(monthlyUsd)}` };
};
const monthly = (type: string, name: string, what: string, count: number, key: string, region: string): LineItem => {
  const rate = price(key, region);
  return { resource: `${type}.${name}`, what, monthlyUsd: count * rate, arithmetic: `${what}: ${count} × $${rate}/month = ${money(count * rate)}` };
};

/** The resource a "${type.name.attr}" reference in the same stack points at. */
function referenced(stack: SynthesizedStack, reference: unknown): Resource | undefined {
  const block = referencedBlock(stack, reference);
  return block?.kind === 'resource' ? block.config : undefined;
}

/** A data source of the stack, of this type, that a "${data.type.name.attr}" reference points at. */
function dataSource(stack: SynthesizedStack, reference: unknown, type: string): Resource | undefined {
  const block = referencedBlock(stack, reference);
  return block?.kind === 'data' && block.type === type ? block.config : undefined;
}

/** A task definition of the stack, or one another stack of the env defines and this one looks up by family. */
function taskDefinitionOf(reference: unknown, { stack, siblings = [] }: PricingContext): Resource | undefined {
  const own = referenced(stack, reference);
  if (own) return own;
  const family = dataSource(stack, reference, 'aws_ecs_task_definition')?.['task_definition'];
  return siblings.flatMap((s) => Object.values(s.resource['aws_ecs_task_definition'] ?? {})).find((t) => t['family'] === family);
}

/** How many subnets a list names: literally, or through a lookup by Name tag of another stack's subnets. */
function subnetCountOf(subnets: unknown, name: string, { stack, siblings = [] }: PricingContext): number {
  if (Array.isArray(subnets)) return subnets.length;
  const filters = (dataSource(stack, subnets, 'aws_subnets')?.['filter'] ?? []) as { name: string; values: string[] }[];
  const pattern = filters.find((f) => f.name === 'tag:Name')?.values[0];
  if (!pattern) throw new Error(`${name}: cannot count its subnets (${String(subnets)})`);
  const matches = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  const count = siblings
    .flatMap((s) => Object.values(s.resource['aws_subnet'] ?? {}))
    .filter((sub) => matches.test(String((sub['tags'] as Record<string, unknown> | undefined)?.['Name']))).length;
  if (count === 0) throw new Error(`${name}: no subnet of the env is named ${pattern}`);
  return count;
}

/** The scalable target that scales this ECS service, if any. */
function scalableTargetOf(stack: SynthesizedStack, serviceName: string): Resource | undefined {
  return Object.values(stack.resource['aws_appautoscaling_target'] ?? {}).find((t) => String(t['resource_id']).includes(`aws_ecs_service.${serviceName}.`));
}

const HOURS_PER_WEEK = 168;

/** An ECS service's tasks hour by hour over a week: the off-hours schedule's week where the stack has one, else its scaling minimum every hour. */
function weekOf(service: Resource, name: string, { stack }: PricingContext): { desired: number[]; when: string } {
  const week = scheduledWeek(stack);
  if (week) return { desired: week.hours.map((h) => h.desired), when: `the off-hours schedule's ${week.hours.filter((h) => h.desired > 0).length} h a week` };
  const minimum = Number(scalableTargetOf(stack, name)?.['min_capacity'] ?? service['desired_count'] ?? 0);
  return { desired: Array<number>(HOURS_PER_WEEK).fill(minimum), when: `${minimum} task(s) all month` };
}

/** The task-hours a month an ECS service runs. */
function taskHoursOf(service: Resource, name: string, context: PricingContext): { taskHours: number; when: string } {
  const { desired, when } = weekOf(service, name, context);
  return { taskHours: (desired.reduce((sum, d) => sum + d, 0) * HOURS_PER_MONTH) / HOURS_PER_WEEK, when };
}

/** Hours a month an ECS service has a task running. */
function hoursRunningOf(service: Resource, name: string, context: PricingContext): number {
  return (weekOf(service, name, context).desired.filter((d) => d > 0).length * HOURS_PER_MONTH) / HOURS_PER_WEEK;
}

/**
 * An ECS service on Fargate: its tasks for the hours they run (the off-hours schedule's week when
 * the stack has one, else the scaling minimum all month), at the task's vCPU and memory, On-Demand
 * or Spot by the capacity provider weights, plus a public IPv4 address per task where assigned.
 */
function fargateService(service: Resource, name: string, context: PricingContext): LineItem[] {
  const { stack, region } = context;
  const task = taskDefinitionOf(service['task_definition'], context);
  if (!task) throw new Error(`aws_ecs_service.${name}: its task definition is neither in the stack nor in another stack of the env`);
  const vcpu = Number(task['cpu']) / 1024;
  const memoryGb = Number(task['memory']) / 1024;
  const architecture = String((task['runtime_platform'] as { cpu_architecture?: string } | undefined)?.cpu_architecture ?? 'X86_64').toLowerCase();
  const { taskHours, when } = taskHoursOf(service, name, { stack, region });
  const strategy = (service['capacity_provider_strategy'] as { capacity_provider: string; weight: number }[] | undefined) ?? [
    { capacity_provider: 'FARGATE', weight: 1 },
  ];
  const total = strategy.reduce((sum, s) => sum + s.weight, 0);
  const spotShare = strategy.filter((s) => s.capacity_provider === 'FARGATE_SPOT').reduce((sum, s) => sum + s.weight, 0) / total;
  const vcpuHour = price(`fargate.${architecture}.vcpu-hour`, region);
  const gbHour = price(`fargate.${architecture}.gb-hour`, region);
  const discount = price('fargate-spot.share-of-on-demand', region);
  const rate = (vcpu * vcpuHour + memoryGb * gbHour) * (1 - spotShare + spotShare * discount);
  const compute = taskHours * rate;
  const items: LineItem[] = [
    {
      resource: `aws_ecs_service.${name}`,
      what: `Fargate ${architecture}`,
      monthlyUsd: compute,
      arithmetic:
        `Fargate ${architecture}: ${taskHours.toFixed(0)} task-h (${when}) × (${vcpu} vCPU × $${vcpuHour} + ${memoryGb} GB × $${gbHour})/h` +
        `${spotShare > 0 ? ` × Spot ${(spotShare * 100).toFixed(0)}% at ${discount} of On-Demand` : ''} = ${money(compute)}`,
    },
  ];
  if ((service['network_configuration'] as { assign_public_ip?: boolean } | undefined)?.assign_public_ip) {
    const ipv4 = price('vpc.public-ipv4-hour', region);
    items.push({
      resource: `aws_ecs_service.${name}`,
      what: 'public IPv4 per task',
      monthlyUsd: taskHours * ipv4,
      arithmetic: `public IPv4 per task: ${taskHours.toFixed(0)} task-h × $${ipv4}/h = ${money(taskHours * ipv4)}`,
    });
  }
  return items;
}

/**
 * Container Insights' metrics per dimension set, from the CloudWatch User Guide's list of ECS
 * Container Insights metrics on Fargate: ten resource metrics (CPU, memory, ephemeral storage
 * and network, each reserved or utilized, and storage read and write) at each of cluster,
 * service and task family, plus the cluster's ServiceCount and TaskCount and the service's
 * desired, running and pending tasks, deployments and task sets.
 */
export const CONTAINER_INSIGHTS_METRICS = { cluster: 12, service: 15, taskFamily: 10 } as const;

/**
 * A cluster with Container Insights on: its metrics bill as custom metrics, prorated by the hour,
 * and ECS sends them only while a task runs (the off-hours schedule's nights cost nothing). Each
 * service counts with its own task family; the cluster's metrics run while any service does.
 */
function ecsCluster(cluster: Resource, name: string, context: PricingContext): LineItem[] {
  if (insightsSetting(cluster) !== 'enabled') return [];
  const services = Object.entries(context.stack.resource['aws_ecs_service'] ?? {}).filter(([, s]) => String(s['cluster']).includes(`aws_ecs_cluster.${name}.`));
  const hours = services.map(([serviceName, service]) => hoursRunningOf(service, serviceName, context));
  const clusterHours = Math.max(0, ...hours);
  const perService = CONTAINER_INSIGHTS_METRICS.service + CONTAINER_INSIGHTS_METRICS.taskFamily;
  const metricHours = clusterHours * CONTAINER_INSIGHTS_METRICS.cluster + hours.reduce((sum, h) => sum + h * perService, 0);
  const rate = price('cloudwatch.metric-month', context.region);
  const monthlyUsd = (metricHours / HOURS_PER_MONTH) * rate;
  return [
    {
      resource: `aws_ecs_cluster.${name}`,
      what: 'Container Insights metrics',
      monthlyUsd,
      arithmetic:
        `Container Insights metrics: (${CONTAINER_INSIGHTS_METRICS.cluster} for the cluster × ${clusterHours.toFixed(0)} h + ${perService} per service × ` +
        `${hours.map((h) => `${h.toFixed(0)} h`).join(' + ') || '0 h'}) / ${HOURS_PER_MONTH} h × $${rate}/metric-month = ${money(monthlyUsd)}`,
    },
  ];
}

const insightsSetting = (cluster: Resource) =>
  ((cluster['setting'] as { name: string; value: string }[] | undefined) ?? []).find((s) => s.name === 'containerInsights')?.value ?? 'disabled';

/** Managed rule groups that bill a subscription and per-request fees beyond a rule's. */
const PAID_RULE_GROUPS = ['AWSManagedRulesBotControlRuleSet', 'AWSManagedRulesATPRuleSet', 'AWSManagedRulesACFPRuleSet', 'AWSManagedRulesAntiDDoSRuleSet'];

/** Fargate includes 20 GiB of ephemeral storage a task; more bills by the GB-hour. */
const FARGATE_INCLUDED_STORAGE_GIB = 20;

/** An internet-facing load balancer holds a public IPv4 address in each of its subnets' zones. */
function loadBalancer(lb: Resource, name: string, context: PricingContext): LineItem[] {
  const { region } = context;
  if (lb['load_balancer_type'] !== 'application')
    throw new Error(`aws_lb.${name}: only application load balancers are priced (${String(lb['load_balancer_type'])})`);
  const items = [hourly('aws_lb', name, 'ALB hours', 1, 'elb.alb-hour', region)];
  if (!lb['internal'])
    items.push(hourly('aws_lb', name, 'public IPv4, one per zone', subnetCountOf(lb['subnets'], `aws_lb.${name}`, context), 'vpc.public-ipv4-hour', region));
  const reserved = Number((lb['minimum_load_balancer_capacity'] as { capacity_units?: number } | undefined)?.capacity_units ?? 0);
  if (reserved > 0) items.push(hourly('aws_lb', name, 'reserved LCUs', reserved, 'elb.lcu-hour', region));
  return items;
}

/**
 * Cloud Map bills each registered instance by the hour it is registered: ECS registers the tasks
 * of the service that names this registry, for the hours the service prices them.
 */
function registry(service: Resource, name: string, context: PricingContext): LineItem[] {
  const ecs = Object.entries(context.stack.resource['aws_ecs_service'] ?? {}).find(([, s]) =>
    String(JSON.stringify(s['service_registries'] ?? '')).includes(`aws_service_discovery_service.${name}.`),
  );
  if (!ecs) return [];
  const [serviceName, ecsService] = ecs;
  const taskHours = taskHoursOf(ecsService, serviceName, context).taskHours;
  const rate = price('cloudmap.registered-resource-month', context.region);
  const monthlyUsd = (taskHours / HOURS_PER_MONTH) * rate;
  return [
    {
      resource: `aws_service_discovery_service.${name}`,
      what: 'registered tasks',
      monthlyUsd,
      arithmetic: `registered tasks: ${taskHours.toFixed(0)} task-h / ${HOURS_PER_MONTH} h × $${rate}/month = ${money(monthlyUsd)}`,
    },
  ];
}

/** A metric alarm bills per metric it watches (metric math: each metric it reads), high resolution (period < 60 s) at a higher rate. */
function metricAlarm(alarm: Resource, name: string, { region }: PricingContext): LineItem[] {
  const queries = (alarm['metric_query'] as { metric?: unknown }[] | undefined) ?? [];
  const metrics = queries.length > 0 ? queries.filter((q) => q.metric).length : 1;
  const periods = [alarm['period'], ...queries.map((q) => (q.metric as { period?: number } | undefined)?.period)].filter((p) => p !== undefined).map(Number);
  const high = periods.some((p) => p < 60);
  return [
    monthly(
      'aws_cloudwatch_metric_alarm',
      name,
      `${high ? 'high-resolution ' : ''}alarm metrics`,
      metrics,
      high ? 'cloudwatch.high-resolution-alarm-month' : 'cloudwatch.alarm-month',
      region,
    ),
  ];
}

/** A web ACL's monthly fee and one rule fee per rule (a managed rule group counts as one). */
function webAcl(acl: Resource, name: string, { region }: PricingContext): LineItem[] {
  const rules = ((acl['rule'] as unknown[] | undefined) ?? []).length;
  return [
    monthly('aws_wafv2_web_acl', name, 'web ACL', 1, 'waf.web-acl-month', region),
    monthly('aws_wafv2_web_acl', name, 'rules', rules, 'waf.rule-month', region),
  ];
}

const fixedEach =
  (what: string, key: string) =>
  (_resource: Resource, name: string, { region }: PricingContext, type: string): LineItem[] => [monthly(type, name, what, 1, key, region)];

function dynamoTable(table: Resource, name: string, { region }: PricingContext): LineItem[] {
  if (table['billing_mode'] !== 'PROVISIONED') return [];
  const reads = Number(table['read_capacity'] ?? 0);
  const writes = Number(table['write_capacity'] ?? 0);
  return [
    hourly('aws_dynamodb_table', name, 'provisioned reads', reads, 'dynamodb.provisioned.rcu-hour', region),
    hourly('aws_dynamodb_table', name, 'provisioned writes', writes, 'dynamodb.provisioned.wcu-hour', region),
  ];
}

const withType =
  (type: string, f: (resource: Resource, name: string, context: PricingContext, type: string) => LineItem[]) =>
  (resource: Resource, name: string, context: PricingContext) =>
    f(resource, name, context, type);

type UnpricedSetting = Pricing['unpricedSetting'];
const free = (why: string, unpricedSetting?: UnpricedSetting): Pricing => ({ kind: 'free', why, unpricedSetting });
const usage = (why: string, unpricedSetting?: UnpricedSetting): Pricing => ({ kind: 'usage', why, unpricedSetting });
const fixed = (
  type: string,
  f: (resource: Resource, name: string, context: PricingContext, type: string) => LineItem[],
  unpricedSetting?: UnpricedSetting,
): Pricing => ({
  kind: 'fixed',
  monthly: withType(type, f),
  unpricedSetting,
});

/** Every resource type the stacks may hold, and how it is priced. */
export const RESOURCE_PRICING: Record<string, Pricing> = {
  aws_lb: fixed('aws_lb', loadBalancer),
  aws_ecs_service: fixed('aws_ecs_service', fargateService),
  aws_cloudwatch_metric_alarm: fixed('aws_cloudwatch_metric_alarm', metricAlarm),
  aws_cloudwatch_composite_alarm: fixed('aws_cloudwatch_composite_alarm', fixedEach('composite alarm', 'cloudwatch.composite-alarm-month')),
  aws_cloudwatch_dashboard: fixed('aws_cloudwatch_dashboard', fixedEach('dashboard', 'cloudwatch.dashboard-month')),
  aws_wafv2_web_acl: fixed('aws_wafv2_web_acl', webAcl, (acl) => {
    const groups = JSON.stringify(acl['rule'] ?? []);
    const paid = PAID_RULE_GROUPS.filter((g) => groups.includes(`"${g}"`));
    return paid.length > 0 ? `managed rule group ${paid.join(', ')} bills a subscription and per-request fees beyond its rule's` : undefined;
  }),
  aws_kms_key: fixed('aws_kms_key', fixedEach('customer managed key', 'kms.key-month')),
  aws_secretsmanager_secret: fixed('aws_secretsmanager_secret', fixedEach('secret', 'secretsmanager.secret-month')),
  aws_route53_zone: fixed('aws_route53_zone', (_r, name, _c, type) => [monthly(type, name, 'hosted zone', 1, 'route53.hosted-zone-month', 'us-east-1')]),
  aws_nat_gateway: fixed('aws_nat_gateway', (_r, name, { region }, type) => [hourly(type, name, 'NAT gateway hours', 1, 'vpc.nat-gateway-hour', region)]),
  aws_vpc_endpoint: fixed('aws_vpc_endpoint', (r, name, { region }, type) =>
    r['vpc_endpoint_type'] === 'Interface'
      ? [hourly(type, name, 'interface endpoint, per zone', ((r['subnet_ids'] as unknown[]) ?? []).length, 'vpc.interface-endpoint-hour', region)]
      : [],
  ),
  aws_ssm_parameter: fixed('aws_ssm_parameter', (r, name, { region }, type) =>
    r['tier'] === 'Advanced' ? [monthly(type, name, 'advanced parameter', 1, 'ssm.advanced-parameter-month', region)] : [],
  ),
  aws_dynamodb_table: fixed('aws_dynamodb_table', dynamoTable),
  // Cloud Map makes the namespace's private zone: billed as a Route 53 hosted zone.
  aws_service_discovery_private_dns_namespace: fixed('aws_service_discovery_private_dns_namespace', (_r, name, _c, type) => [
    monthly(type, name, 'private hosted zone', 1, 'route53.hosted-zone-month', 'us-east-1'),
  ]),
  aws_service_discovery_service: fixed('aws_service_discovery_service', registry),

  aws_lambda_function: usage('requests and GB-seconds'),
  aws_apigatewayv2_api: usage('WebSocket messages and connection minutes; an HTTP API, requests'),
  aws_apigatewayv2_stage: usage('billed through its API (messages, connection minutes, requests)'),
  aws_apigatewayv2_vpc_link: free('VPC links for HTTP APIs have no charge of their own'),
  aws_apigatewayv2_domain_name: free('custom domain names have no charge (the certificate is ACM’s, free)'),
  aws_apigatewayv2_api_mapping: free('configuration of its domain name'),
  aws_sqs_queue: usage('requests'),
  aws_sns_topic: usage('publishes and deliveries'),
  aws_cloudwatch_log_group: usage('GB ingested, and GB-months stored until its retention expires them'),
  aws_flow_log: usage('the log data it delivers'),
  aws_s3_bucket: usage('GB-months stored and requests'),
  aws_ecr_repository: usage('GB-months of image layers its lifecycle policy keeps'),
  aws_cloudfront_distribution: usage('requests and data transfer out'),
  aws_scheduler_schedule: usage('invocations (14 million a month free)'),
  aws_ecs_task_definition: free('billed through the service or RunTask that runs it', (task) => {
    const gib = Number((task['ephemeral_storage'] as { size_in_gib?: number } | undefined)?.size_in_gib ?? 0);
    return gib > FARGATE_INCLUDED_STORAGE_GIB
      ? `${gib} GiB of ephemeral storage bills by the GB-hour above the ${FARGATE_INCLUDED_STORAGE_GIB} GiB Fargate includes`
      : undefined;
  }),
  // A Fargate cluster has no charge of its own; Container Insights on it has.
  aws_ecs_cluster: fixed('aws_ecs_cluster', ecsCluster, (cluster) =>
    insightsSetting(cluster) === 'enhanced' ? 'Container Insights with enhanced observability bills per observation, not by the metric' : undefined,
  ),
  aws_ecs_cluster_capacity_providers: free('a setting of the cluster'),
  aws_lb_listener: free('billed through its load balancer'),
  aws_lb_target_group: free('billed through its load balancer'),
  aws_appautoscaling_target: free('Application Auto Scaling has no charge of its own'),
  aws_appautoscaling_policy: free('Application Auto Scaling has no charge of its own'),
  aws_scheduler_schedule_group: free('a grouping of schedules'),
  aws_wafv2_web_acl_association: free('billed through its web ACL'),
  aws_wafv2_web_acl_logging_configuration: free('billed as the log data it delivers (its log group or bucket)'),
  aws_wafv2_regex_pattern_set: free('WAF bills the rules that reference it'),
  aws_iam_role: free('IAM has no charge'),
  aws_iam_role_policy: free('IAM has no charge'),
  aws_iam_policy: free('IAM has no charge'),
  aws_iam_role_policy_attachment: free('IAM has no charge'),
  aws_iam_openid_connect_provider: free('IAM has no charge'),
  aws_api_gateway_account: free('an account setting'),
  aws_apigatewayv2_integration: free('configuration of its API'),
  aws_apigatewayv2_route: free('configuration of its API'),
  aws_apigatewayv2_route_response: free('configuration of its API'),
  aws_apigatewayv2_deployment: free('configuration of its API'),
  aws_lambda_permission: free('a resource policy'),
  aws_lambda_event_source_mapping: free('polling SQS and DynamoDB Streams for Lambda has no charge of its own'),
  aws_sns_topic_subscription: free('billed as deliveries of its topic'),
  aws_kms_alias: free('a name for a key'),
  aws_s3_bucket_lifecycle_configuration: free('a setting of its bucket'),
  aws_s3_bucket_logging: free('a setting of its bucket (the logs are billed as storage where they land)'),
  aws_s3_bucket_ownership_controls: free('a setting of its bucket'),
  aws_s3_bucket_policy: free('a setting of its bucket'),
  aws_s3_bucket_public_access_block: free('a setting of its bucket'),
  aws_s3_bucket_server_side_encryption_configuration: free('a setting of its bucket (SSE-S3 or a key priced on its own)'),
  aws_s3_bucket_versioning: free('a setting of its bucket (versions are billed as storage)'),
  aws_ecr_lifecycle_policy: free('a setting of its repository'),
  aws_acm_certificate: free('public ACM certificates have no charge'),
  aws_acm_certificate_validation: free('a wait, not a resource'),
  aws_route53_record: free('billed through its hosted zone and queries'),
  aws_cloudfront_origin_access_control: free('a setting of its distribution'),
  aws_cloudfront_response_headers_policy: free('a setting of its distribution'),
  aws_vpc: free('a VPC has no charge of its own'),
  aws_subnet: free('no charge'),
  aws_internet_gateway: free('no charge (data transfer is billed where it leaves)'),
  aws_route: free('no charge'),
  aws_route_table: free('no charge'),
  aws_route_table_association: free('no charge'),
  aws_security_group: free('no charge'),
  aws_default_security_group: free('no charge'),
  aws_vpc_security_group_egress_rule: free('no charge'),
  aws_vpc_security_group_ingress_rule: free('no charge'),
  aws_budgets_budget: free('budgets without actions have no charge'),
};
