import { BASE_ENVIRONMENTS, resolveEnvironment, type Environment } from '@relay/platform-config';

/**
 * Failed checkov checks the project accepts, each for one check id on the resources and stacks
 * it names, with the reason. No blanket skips: a new resource that fails a check is an open
 * finding until someone writes down here why it may.
 */
export interface CheckovException {
  check: string;
  /** Stack folders, e.g. /^platform-(dev|stag)$/. */
  stack: RegExp;
  /** checkov's resource id (type.name_HASH, sometimes resource.name_HASH). */
  resource: RegExp;
  reason: string;
}

/** Matches checkov's id of a resource whose construct path is one of these (cdktf appends a hash). */
const named = (...paths: string[]) => new RegExp(`(^|\\.)(${paths.join('|')})_[0-9A-F]{8}$`);
const ANY_STACK = /^/;

/**
 * A component's stacks in the catalogue environments with a property, so an exception follows
 * the property (no WAF, no deletion protection) and a generated environment inherits it.
 * `previews` also matches the previews of those environments (dev-<name>).
 */
function stacksWhere(components: string[], has: (env: Environment) => boolean, previews = false): RegExp {
  const envs = BASE_ENVIRONMENTS.map((name) => resolveEnvironment(name))
    .filter(has)
    .map((env) => env.name);
  if (envs.length === 0) return /(?!)/;
  return new RegExp(`^(${components.join('|')})-(${envs.join('|')})${previews ? '(-[a-z0-9]+)?' : ''}$`);
}
const noWaf = (env: Environment) => !env.waf;
const CHAT = /^chat-/;
const CHAT_FUNCTIONS = named('chat_[a-z]+_function');
const LOG_GROUPS = named('chat_[a-z]+_logs', 'chat_access-logs', 'broadcast_logs', 'broadcast_access-logs', 'waf_logs', 'edge_web-acl_logs', 'fleet_logs');
/** The nightly's load-test edge (edge stack): prod's front door, alive only in the nightly window. */
const EDGE = /^edge-/;
const LOADGEN = /^loadgen-/;
const RESULTS_BUCKET = named('fleet_results_bucket');
const BUCKETS = named('site_content_bucket', 'logs_bucket', 'state-bucket');

export const CHECKOV_EXCEPTIONS: CheckovException[] = [
  // Lambda
  {
    check: 'CKV_AWS_116',
    stack: CHAT,
    resource: CHAT_FUNCTIONS,
    reason:
      'no function is invoked asynchronously: routes are synchronous (API Gateway) and deliver is a stream consumer whose failures go to its on-failure SQS destination',
  },
  {
    check: 'CKV_AWS_117',
    stack: CHAT,
    resource: CHAT_FUNCTIONS,
    reason:
      'the functions reach only regional AWS APIs; inside a VPC they would need a NAT gateway or endpoints (the cost Network avoids) for no private resource',
  },
  {
    check: 'CKV_AWS_115',
    stack: CHAT,
    resource: CHAT_FUNCTIONS,
    reason:
      'reserving concurrency per route would carve up the account pool the spike needs; deliver is reserved in prod (catalogue reservedDeliverConcurrency), routes are bounded by the stage throttle',
  },
  {
    check: 'CKV_AWS_272',
    stack: CHAT,
    resource: CHAT_FUNCTIONS,
    reason:
      "control: only relay-deploy can update function code, and its trust names main's deploy.yml and preview-deploy.yml only (tools/policy/iam/workflow-trust.spec.ts: no pull request or branch definition can assume it); a preview's pull-request code reaches only that preview's functions, named and scoped by main's stacks, under the permissions boundary. A Signer profile would guard a path no one else can write to",
  },
  {
    check: 'CKV_AWS_173',
    stack: CHAT,
    resource: CHAT_FUNCTIONS,
    reason: 'environment variables hold names only (tables, endpoints, SSM parameter names); secret values are read from SSM SecureStrings at runtime',
  },
  {
    check: 'CKV_AWS_50',
    stack: CHAT,
    resource: CHAT_FUNCTIONS,
    reason:
      'latency is measured by EMF metrics (post-to-last-delivery p95) and structured logs; X-Ray on the delivery hot path adds cost and per-post overhead at spike volume',
  },
  // API Gateway
  {
    check: 'CKV_AWS_309',
    stack: CHAT,
    resource: named('chat_[a-z]+-route'),
    reason:
      'WebSocket APIs authorize on $connect only; the connect Lambda verifies the bearer token and refuses the upgrade, and every later frame rides that authenticated connection',
  },
  {
    check: 'CKV2_AWS_51',
    stack: CHAT,
    resource: named('chat_stage'),
    reason: 'public browser and phone clients cannot present client certificates; they authenticate with signed bearer tokens on $connect',
  },
  // Logs and encryption at rest with AWS-owned keys
  {
    check: 'CKV_AWS_158',
    stack: ANY_STACK,
    resource: LOG_GROUPS,
    reason:
      'CloudWatch Logs encrypts at rest with AWS-owned keys; the logs carry no secrets (WAF redacts Authorization), and a CMK would add key cost and key-policy coupling to every log group',
  },
  {
    check: 'CKV_AWS_338',
    stack: ANY_STACK,
    resource: LOG_GROUPS,
    reason: "retention is the catalogue's per-environment decision (retention.logDays: prod 90 days, non-prod 3 to 14), kept short for cost",
  },
  {
    check: 'CKV_AWS_119',
    stack: /^(chat|platform)-/,
    resource: named('chat_tables_[a-z]+', 'follows_table'),
    reason:
      'DynamoDB encrypts at rest with AWS-owned keys; a CMK adds per-request KMS cost on the delivery hot path and no control the account boundary does not give',
  },
  {
    check: 'CKV_AWS_136',
    stack: /^bootstrap-/,
    resource: named('broadcast-images_repository', 'loadgen-images_repository'),
    reason: 'AES256 (SSE-S3) at rest; the image holds no secret (secrets come from SSM at start)',
  },
  {
    check: 'CKV_AWS_145',
    stack: /^(bootstrap|web)-/,
    resource: BUCKETS,
    reason:
      'SSE-S3: ALB access-log delivery supports no KMS; web content is public through CloudFront anyway; state holds no secret (secrets live only in SSM)',
  },
  {
    check: 'CKV2_AWS_34',
    stack: ANY_STACK,
    resource: named('config_[a-z-]+'),
    reason:
      'runtime configuration, not secrets (URLs, table names, ids); secrets are SecureStrings created outside Terraform (tools/nx-plugin/operations/secrets/ensure-secrets.ts)',
  },
  {
    check: 'CKV_AWS_297',
    stack: stacksWhere(['platform'], (env) => env.offHours !== null),
    resource: named('off-hours_(night-stop|morning-start)'),
    reason: "the schedule's input is a scalable-target id and two numbers; an AWS-owned key is enough",
  },
  {
    check: 'CKV_AWS_145',
    stack: LOADGEN,
    resource: RESULTS_BUCKET,
    reason: 'SSE-S3: k6 summaries and samples of a test run hold no secret or user data (tokens are test tokens and never written there)',
  },
  // S3
  { check: 'CKV2_AWS_62', stack: /^(bootstrap|web)-/, resource: BUCKETS, reason: 'nothing consumes object events of these buckets' },
  {
    check: 'CKV2_AWS_62',
    stack: LOADGEN,
    resource: RESULTS_BUCKET,
    reason: 'the orchestrator collects a run by its task prefixes when the tasks stop; nothing consumes object events',
  },
  {
    check: 'CKV_AWS_144',
    stack: LOADGEN,
    resource: RESULTS_BUCKET,
    reason: 'load-test results expire after 30 days and a lost run is re-run; replication would double storage for no recovery gain',
  },
  {
    check: 'CKV_AWS_21',
    stack: LOADGEN,
    resource: RESULTS_BUCKET,
    reason:
      'each object is written once by one task of one run (presigned POST per task prefix) and expires with the run; versions would keep nothing worth recovering',
  },
  {
    check: 'CKV_AWS_144',
    stack: /^(bootstrap|web)-/,
    resource: BUCKETS,
    reason: 'web content is rebuilt from git by any deploy, logs are disposable, and state is versioned; replication would double storage for no recovery gain',
  },
  // CKV_AWS_18 (access logging) passes for the log bucket although it logs nowhere: checkov
  // attributes the state bucket's logging config, whose target it is, to it. Logging the log
  // bucket into itself would loop, so nothing is missing.
  {
    check: 'CKV2_AWS_65',
    stack: /^bootstrap-/,
    resource: named('logs_bucket_ownership'),
    reason: 'CloudFront standard logging delivers through a bucket ACL; ACLs stay on for the log bucket only, public ACLs are blocked',
  },
  {
    check: 'CKV_AWS_21',
    stack: stacksWhere(['web'], (env) => env.kind !== 'prod'),
    resource: named('site_content_bucket'),
    reason: 'non-prod web content is rebuilt from git on every deploy; prod is versioned',
  },
  // CloudFront and WAF
  { check: 'CKV_AWS_374', stack: /^web-/, resource: named('site_cdn'), reason: 'fans are worldwide; no country is excluded' },
  {
    check: 'CKV_AWS_310',
    stack: /^web-/,
    resource: named('site_cdn'),
    reason: 'one S3 origin, regional durability; a second origin would need replication of content rebuilt from git anyway',
  },
  {
    check: 'CKV_AWS_259',
    stack: /^web-/,
    resource: named('site_security-headers'),
    reason:
      'HSTS is two years with subdomains; the preload directive commits the whole registrable domain to browser lists, which is the domain owner\u2019s call, not one stack\u2019s',
  },
  {
    check: 'CKV2_AWS_47',
    stack: stacksWhere(['web'], (env) => env.waf),
    resource: named('site_cdn'),
    reason: 'the web ACL runs KnownBadInputs (Log4j); AnonymousIpList is left out on purpose: it blocks VPN users, and fans abroad use VPNs',
  },
  {
    check: 'CKV2_AWS_76',
    stack: new RegExp(`${stacksWhere(['platform'], (env) => env.waf).source}|${EDGE.source}`),
    resource: named('broadcast_alb', 'edge_alb'),
    reason:
      "control: the web ACL's per-IP rate-based rule (checked by tools/policy/checkov/checkov.spec.ts) bounds what any one address, anonymous or not, can send, and KnownBadInputs (Log4j) runs; AnonymousIpList would lock out fans worldwide who reach Relay through VPNs and privacy relays (see CKV_AWS_374)",
  },
  {
    check: 'CKV_AWS_68',
    stack: stacksWhere(['web'], noWaf),
    resource: named('site_cdn'),
    reason: 'dev runs without WAF to cost almost nothing (catalogue waf: false); stag and prod have it',
  },
  { check: 'CKV2_AWS_47', stack: stacksWhere(['web'], noWaf), resource: named('site_cdn'), reason: 'dev runs without WAF (catalogue waf: false)' },
  {
    check: 'CKV_AWS_309',
    stack: stacksWhere(['platform'], (env) => env.apiFrontDoor === 'http-api'),
    resource: named('broadcast_route'),
    reason:
      'the broadcast service verifies the bearer token on every route itself, the same code behind an ALB or an HTTP API; an authorizer would verify it twice and answer /health without one',
  },
  // Load balancer, ECS
  {
    check: 'CKV_AWS_260',
    stack: /^(platform|edge)-/,
    resource: named('broadcast_alb-in-80', 'edge_alb-in-80'),
    reason: 'port 80 only answers with a 301 to HTTPS (the redirect listener); closing it would break typed http:// links',
  },
  {
    check: 'CKV_AWS_150',
    stack: EDGE,
    resource: named('edge_alb'),
    reason: 'the nightly destroys the load-test edge after every run (ADR 10); protection would leave it billing by the hour',
  },
  {
    check: 'CKV_AWS_333',
    stack: /^(platform|edge)-/,
    resource: named('broadcast_service', 'edge_service'),
    reason: 'public IPs instead of a NAT gateway, for cost (Network explains); the task security group admits only the load balancer',
  },
  {
    check: 'CKV_AWS_65',
    stack: stacksWhere(['platform'], (env) => !env.fargate.containerInsights),
    resource: named('broadcast_cluster'),
    reason:
      'Container Insights bills per metric; dev goes without (catalogue fargate.containerInsights), stag and prod have it with the running < desired alarm',
  },
  {
    check: 'CKV_AWS_65',
    stack: LOADGEN,
    resource: named('fleet_cluster'),
    reason:
      'each generator task samples its own CPU, memory and network from the task metadata endpoint into the run report; Container Insights would bill per metric for the same figures',
  },
  {
    check: 'CKV2_AWS_5',
    stack: LOADGEN,
    resource: named('fleet_task-sg'),
    reason:
      "attached at RunTask time: the orchestrator launches the fleet's tasks in it (it is in /relay/<env>/loadgen/launch); no service holds it between runs",
  },
  // Data
  {
    check: 'CKV_AWS_28',
    stack: stacksWhere(['chat', 'platform'], (env) => !env.protection.pointInTimeRecovery, true),
    resource: named('chat_tables_[a-z]+', 'follows_table'),
    reason: 'dev data is disposable (catalogue protection.pointInTimeRecovery: false); stag and prod have PITR',
  },
];
