import type { AwsCli } from '@relay/emulators';
import { FLEET_START_MARGIN_MS, LOADGEN_CONTAINER, loadgenLaunchParameter, loadgenResultsBucket, type Environment } from '@relay/platform-config';
import type { LaunchConfig } from './remote-fleet';

/**
 * What an applied loadgen stack leaves in an account, created in moto with the aws CLI: a VPC
 * with DNS hostnames (as Network makes it), a subnet, the task security group, the cluster, the
 * task definition, the results bucket, and the launch parameter the orchestrator reads. Its
 * start margin is Fargate's unless the caller's tasks run elsewhere (the Fargate stand-in's are
 * local processes, up in a second or two).
 */
export function seedLoadgenInMoto(
  aws: AwsCli,
  env: Environment & { loadgen: NonNullable<Environment['loadgen']> },
  options: { startMarginMs?: number } = {},
): LaunchConfig {
  const name = `relay-${env.name}-loadgen`;
  const vpc = (aws.json('ec2', 'create-vpc', '--cidr-block', '10.41.0.0/16')['Vpc'] as { VpcId: string }).VpcId;
  // moto names an awsvpc task's interface only in a VPC with DNS hostnames, as Network creates it.
  aws('ec2', 'modify-vpc-attribute', '--vpc-id', vpc, '--enable-dns-hostnames', '{"Value":true}');
  const subnet = (aws.json('ec2', 'create-subnet', '--vpc-id', vpc, '--cidr-block', '10.41.0.0/20')['Subnet'] as { SubnetId: string }).SubnetId;
  const group = aws.json('ec2', 'create-security-group', '--group-name', `${name}-task`, '--description', 'fleet', '--vpc-id', vpc)['GroupId'] as string;
  const cluster = (aws.json('ecs', 'create-cluster', '--cluster-name', name)['cluster'] as { clusterArn: string }).clusterArn;
  const { cpu, memoryMb } = env.loadgen;
  aws(
    'ecs',
    'register-task-definition',
    '--family',
    name,
    '--network-mode',
    'awsvpc',
    '--requires-compatibilities',
    'FARGATE',
    '--cpu',
    String(cpu),
    '--memory',
    String(memoryMb),
    '--container-definitions',
    // moto adds up container-level memory for RunTask even on Fargate, where AWS takes the task's.
    JSON.stringify([{ name: LOADGEN_CONTAINER, image: 'k6', essential: true, memory: memoryMb }]),
  );
  const bucket = loadgenResultsBucket(env);
  aws('s3api', 'create-bucket', '--bucket', bucket, '--create-bucket-configuration', `LocationConstraint=${env.region}`);
  const launch: LaunchConfig = {
    cluster,
    taskDefinition: name,
    container: LOADGEN_CONTAINER,
    subnets: [subnet],
    securityGroups: [group],
    bucket,
    maxTasks: env.loadgen.maxTasks,
    cpu,
    memoryMb,
    startMarginMs: options.startMarginMs ?? FLEET_START_MARGIN_MS,
  };
  const value = { ...launch, taskRoleArn: `arn:aws:iam::${env.accountId}:role/${name}-task` };
  aws(
    'ssm',
    'put-parameter',
    '--cli-input-json',
    JSON.stringify({ Name: loadgenLaunchParameter(env), Type: 'String', Value: JSON.stringify(value), Overwrite: true }),
  );
  return launch;
}
