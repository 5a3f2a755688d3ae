import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';

/**
 * A two-AZ VPC with public subnets only: Fargate tasks get public IPs behind a security group
 * that admits only the load balancer. No NAT gateway, which would cost more than the tasks.
 */
export class Network extends Construct {
  readonly vpc: Vpc;
  readonly publicSubnetIds: string[];

  constructor(scope: Construct, id: string, props: { prefix: string; cidr?: string }) {
    super(scope, id);
    const cidr = props.cidr ?? '10.40.0.0/16';
    this.vpc = new Vpc(this, 'vpc', { cidrBlock: cidr, enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: props.prefix } });
    const zones = new DataAwsAvailabilityZones(this, 'zones', { state: 'available' });
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
