import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';

export interface NetworkProps {
  prefix: string;
  region: string;
  cidr?: string;
  /** The account's log bucket ARN: flow logs of all traffic go there. */
  flowLogBucketArn: string;
  flowLogPrefix: string;
}

/**
 * A two-AZ VPC with public subnets only. Deliberate, for cost: Fargate tasks get public IPs so
 * they reach ECR, SSM, CloudWatch and DynamoDB without a NAT gateway (about $35/month per AZ
 * plus data, more than the tasks themselves) or five interface endpoints (~$7/month each per
 * AZ). The exposure is bounded by the task security group, which admits only the load
 * balancer's, and by the default security group, which allows nothing. Flow logs record
 * every accepted and rejected packet.
 */
export class Network extends Construct {
  readonly vpc: Vpc;
  readonly publicSubnetIds: string[];

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const cidr = props.cidr ?? '10.40.0.0/16';
    this.vpc = new Vpc(this, 'vpc', { cidrBlock: cidr, enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: props.prefix } });
    new DefaultSecurityGroup(this, 'default-sg-closed', { vpcId: this.vpc.id, ingress: [], egress: [] });
    new FlowLog(this, 'flow-logs', {
      vpcId: this.vpc.id,
      trafficType: 'ALL',
      logDestinationType: 's3',
      logDestination: `${props.flowLogBucketArn}/${props.flowLogPrefix}/`,
      maxAggregationInterval: 600,
    });
    // Named zones, not "whatever is available": a new zone must not move a subnet.
    const zones = new DataAwsAvailabilityZones(this, 'zones', {
      state: 'available',
      filter: [{ name: 'zone-name', values: [`${props.region}a`, `${props.region}c`] }],
    });
    const gateway = new InternetGateway(this, 'igw', { vpcId: this.vpc.id });
    const routes = new RouteTable(this, 'public-routes', { vpcId: this.vpc.id });
    new Route(this, 'default-route', { routeTableId: routes.id, destinationCidrBlock: '0.0.0.0/0', gatewayId: gateway.id });
    this.publicSubnetIds = [0, 1].map((i) => {
      const subnet = new Subnet(this, `public-${i}`, {
        vpcId: this.vpc.id,
        cidrBlock: Fn.cidrsubnet(cidr, 4, i),
        availabilityZone: Fn.element(zones.names, i),
        mapPublicIpOnLaunch: false,
        tags: { Name: `${props.prefix}-public-${i}` },
      });
      new RouteTableAssociation(this, `public-${i}-routes`, { subnetId: subnet.id, routeTableId: routes.id });
      return subnet.id;
    });
  }
}
