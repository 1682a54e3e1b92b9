import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { type KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import { WorkloadRole } from '../iam/role';
import { type Naming } from '../naming';

/** Props of {@link Network}. */
export interface NetworkProps {
  naming: Naming;
  /** Encrypts the flow-log group. */
  key: KmsKey;
}

const POSTGRES_PORT = 5432;
const HTTPS_PORT = 443;

/**
 * A VPC with isolated subnets only: no internet gateway, no NAT. Lambdas reach
 * AWS APIs through VPC endpoints (only those they call) and Aurora on 5432;
 * nothing else is open. Flow logs go to a KMS-encrypted log group.
 */
export class Network extends Construct {
  readonly vpc: Vpc;
  /** Isolated subnets, one per availability zone. */
  readonly subnets: Subnet[];
  /** Lambdas: may talk to Aurora (5432) and the endpoints (443), nothing else. */
  readonly functionSecurityGroup: SecurityGroup;
  /** Aurora: accepts 5432 from the Lambdas only. */
  readonly databaseSecurityGroup: SecurityGroup;
  /** Interface endpoints: accept 443 from the Lambdas only. */
  readonly endpointSecurityGroup: SecurityGroup;
  /** The S3 gateway endpoint (its policy is narrowed to the data bucket by the stack). */
  readonly s3Endpoint: VpcEndpoint;
  readonly interfaceEndpoints: VpcEndpoint[];
  readonly flowLogGroup: CloudwatchLogGroup;
  readonly flowLog: FlowLog;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const { naming } = props;
    const { network } = naming.config;

    this.vpc = new Vpc(this, 'vpc', {
      cidrBlock: network.vpcCidr,
      // Private DNS for interface endpoints needs both.
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: naming.name('vpc') },
    });

    this.flowLogGroup = new CloudwatchLogGroup(this, 'flow-logs', {
      name: `/aws/vpc/${naming.name('flow-logs')}`,
      retentionInDays: network.flowLogs.retentionDays,
      kmsKeyId: props.key.arn,
    });
    const flowLogRole = new WorkloadRole(this, 'flow-logs-delivery', {
      naming,
      name: 'flow-logs',
      service: 'vpc-flow-logs.amazonaws.com',
      description: 'VPC flow logs into their log group',
      statements: [
        {
          Sid: 'WriteFlowLogs',
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
          Resource: [this.flowLogGroup.arn, `${this.flowLogGroup.arn}:*`],
        },
        // DescribeLogGroups has no resource-level permission.
        { Sid: 'FindLogGroup', Effect: 'Allow', Action: 'logs:DescribeLogGroups', Resource: '*' },
      ],
    });
    this.flowLog = new FlowLog(this, 'flow-log', {
      vpcId: this.vpc.id,
      trafficType: network.flowLogs.trafficType,
      logDestinationType: 'cloud-watch-logs',
      logDestination: this.flowLogGroup.arn,
      iamRoleArn: flowLogRole.arn,
      maxAggregationInterval: 600,
      tags: { Name: naming.name('flow-log') },
      dependsOn: [flowLogRole.policy],
    });

    // The default security group allows all traffic between its members; empty it so nothing relies on it.
    new DefaultSecurityGroup(this, 'default-sg', { vpcId: this.vpc.id, ingress: [], egress: [] });

    const routeTable = new RouteTable(this, 'isolated-routes', {
      vpcId: this.vpc.id,
      tags: { Name: naming.name('isolated') },
    });
    this.subnets = network.subnets.map((spec, index) => {
      const subnet = new Subnet(this, `isolated-${index}`, {
        vpcId: this.vpc.id,
        availabilityZone: spec.availabilityZone,
        cidrBlock: spec.cidr,
        mapPublicIpOnLaunch: false,
        tags: { Name: naming.name(`isolated-${spec.availabilityZone}`), tier: 'isolated' },
      });
      new RouteTableAssociation(this, `isolated-${index}-routes`, { subnetId: subnet.id, routeTableId: routeTable.id });
      return subnet;
    });

    const group = (name: string, description: string) =>
      new SecurityGroup(this, `${name}-sg`, {
        name: naming.name(name),
        description,
        vpcId: this.vpc.id,
        tags: { Name: naming.name(name) },
      });
    this.functionSecurityGroup = group('functions', 'airfill Lambdas');
    this.databaseSecurityGroup = group('database', 'airfill Aurora cluster');
    this.endpointSecurityGroup = group('endpoints', 'airfill VPC interface endpoints');

    // Separate rule resources (not inline blocks) so groups can reference each other without a cycle.
    new VpcSecurityGroupEgressRule(this, 'functions-to-database', {
      securityGroupId: this.functionSecurityGroup.id,
      referencedSecurityGroupId: this.databaseSecurityGroup.id,
      ipProtocol: 'tcp',
      fromPort: POSTGRES_PORT,
      toPort: POSTGRES_PORT,
      description: 'PostgreSQL to Aurora',
    });
    new VpcSecurityGroupIngressRule(this, 'database-from-functions', {
      securityGroupId: this.databaseSecurityGroup.id,
      referencedSecurityGroupId: this.functionSecurityGroup.id,
      ipProtocol: 'tcp',
      fromPort: POSTGRES_PORT,
      toPort: POSTGRES_PORT,
      description: 'PostgreSQL from the Lambdas',
    });
    new VpcSecurityGroupEgressRule(this, 'functions-to-endpoints', {
      securityGroupId: this.functionSecurityGroup.id,
      referencedSecurityGroupId: this.endpointSecurityGroup.id,
      ipProtocol: 'tcp',
      fromPort: HTTPS_PORT,
      toPort: HTTPS_PORT,
      description: 'HTTPS to the interface endpoints',
    });
    new VpcSecurityGroupIngressRule(this, 'endpoints-from-functions', {
      securityGroupId: this.endpointSecurityGroup.id,
      referencedSecurityGroupId: this.functionSecurityGroup.id,
      ipProtocol: 'tcp',
      fromPort: HTTPS_PORT,
      toPort: HTTPS_PORT,
      description: 'HTTPS from the Lambdas',
    });

    this.s3Endpoint = new VpcEndpoint(this, 's3-endpoint', {
      vpcId: this.vpc.id,
      serviceName: `com.amazonaws.${naming.region}.s3`,
      vpcEndpointType: 'Gateway',
      routeTableIds: [routeTable.id],
      tags: { Name: naming.name('s3') },
    });
    // A gateway endpoint is reached by route, so the Lambdas' egress names its prefix list.
    new VpcSecurityGroupEgressRule(this, 'functions-to-s3', {
      securityGroupId: this.functionSecurityGroup.id,
      prefixListId: this.s3Endpoint.prefixListId,
      ipProtocol: 'tcp',
      fromPort: HTTPS_PORT,
      toPort: HTTPS_PORT,
      description: 'HTTPS to S3 through the gateway endpoint',
    });

    this.interfaceEndpoints = network.interfaceEndpoints.map(
      (service) =>
        new VpcEndpoint(this, `endpoint-${service.replace(/\./g, '-')}`, {
          vpcId: this.vpc.id,
          serviceName: `com.amazonaws.${naming.region}.${service}`,
          vpcEndpointType: 'Interface',
          privateDnsEnabled: true,
          subnetIds: this.subnets.map((subnet) => subnet.id),
          securityGroupIds: [this.endpointSecurityGroup.id],
          tags: { Name: naming.name(service) },
        }),
    );
  }
}
