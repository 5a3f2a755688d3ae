import type { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { imageByDigest, LoadGenerator, LOG_PREFIXES, Network, RelayStack, RuntimeParameters, type RoleMode } from '@relay/infra-constructs';
import {
  FLEET_START_MARGIN_MS,
  imageRepositoryName,
  LOADGEN_CONTAINER,
  loadgenResultsBucket,
  logBucketName,
  resourcePrefix,
  type Environment,
} from '@relay/platform-config';

/** The Terraform variable the deploy pipeline fills with the pushed k6 image's digest. */
export const LOADGEN_IMAGE_DIGEST_VARIABLE = 'loadgen_image_digest';

/** Its own address space, beside the platform VPC's 10.40.0.0/16, so the two can be peered if ever needed. */
const LOADGEN_CIDR = '10.41.0.0/16';

/**
 * loadgen-<env>: the in-region k6 fleet of an environment whose catalogue entry has `loadgen`
 * (stag by default), in the target's own account and region. Idle it runs nothing: a VPC with
 * public subnets and no NAT gateway, a cluster without a service, a task definition, a results
 * bucket and a log group. The fleet orchestrator (loadgen:fleet) reads how to launch from
 * the one parameter this stack writes, /relay/<env>/loadgen/launch.
 */
export class LoadgenStack extends RelayStack {
  constructor(scope: Construct, id: string, props: { env: Environment; role?: RoleMode }) {
    super(scope, id, { env: props.env, component: 'loadgen', role: props.role });
    const { env } = props;
    const { loadgen } = env;
    if (!loadgen) throw new Error(`${env.name} has no loadgen entry in the catalogue: it runs no fleet`);
    const prefix = resourcePrefix(env);
    const { image } = imageByDigest(this, LOADGEN_IMAGE_DIGEST_VARIABLE, env, 'loadgen');
    const repositoryName = imageRepositoryName(env, 'loadgen');
    const logBucket = logBucketName(env);
    const network = new Network(this, 'network', {
      prefix: `${prefix}-loadgen`,
      region: env.region,
      cidr: LOADGEN_CIDR,
      flowLogBucketArn: `arn:aws:s3:::${logBucket}`,
      flowLogPrefix: `${LOG_PREFIXES.flowLogs}/${prefix}-loadgen`,
    });
    const fleet = new LoadGenerator(this, 'fleet', {
      env: { ...env, loadgen },
      vpcId: network.vpc.id,
      subnetIds: network.publicSubnetIds,
      image,
      repositoryArn: `arn:aws:ecr:${env.region}:${env.accountId}:repository/${repositoryName}`,
      resultsBucket: loadgenResultsBucket(env),
      accessLogs: { bucket: logBucket, prefix: `${LOG_PREFIXES.s3}/${loadgenResultsBucket(env)}/` },
    });
    const launch = {
      cluster: fleet.cluster.arn,
      taskDefinition: fleet.taskDefinition.family,
      container: LOADGEN_CONTAINER,
      subnets: network.publicSubnetIds,
      securityGroups: [fleet.securityGroup.id],
      bucket: fleet.results.bucket.bucket,
      taskRoleArn: fleet.taskRole.arn,
      maxTasks: loadgen.maxTasks,
      cpu: loadgen.cpu,
      memoryMb: loadgen.memoryMb,
      startMarginMs: FLEET_START_MARGIN_MS,
    };
    new RuntimeParameters(this, 'config', { env, values: { 'loadgen/launch': JSON.stringify(launch) } });
    new TerraformOutput(this, 'loadgen_task_definition', { value: fleet.taskDefinition.arn });
  }
}
