import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import { ValidationError } from "../validation";
import { privateSubnetCidrs, resolveNetworkArgs, validateNetworkArgs, type NetworkArgs } from "./args";

export * from "./args";

const HTTPS = 443;

/**
 * The platform's network: a VPC with private subnets only (no internet gateway, no NAT: nothing in it can
 * reach the internet, and nothing there can reach in), an S3 gateway endpoint so the lake is reached without
 * leaving AWS's network and for free (seed §7.4), optional SageMaker API/runtime interface endpoints, and
 * security groups for training jobs and model endpoints. Built from @pulumi/aws resources rather than
 * awsx's remote Vpc component so that every subnet, route and endpoint is visible to policies and tests.
 */
export class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly cidrBlock: string;
  readonly privateSubnetIds: pulumi.Output<string>[];
  /** For SageMaker training jobs: talks to itself (distributed training) and to S3 and endpoints over TLS. */
  readonly trainingSecurityGroupId: pulumi.Output<string>;
  /** For SageMaker model endpoints: reaches S3 and endpoints over TLS, accepts nothing. */
  readonly endpointSecurityGroupId: pulumi.Output<string>;
  readonly s3GatewayEndpointId: pulumi.Output<string>;
  /** The S3 gateway endpoint's prefix list, for security-group rules that let a workload reach S3. */
  readonly s3PrefixListId: pulumi.Output<string>;

  constructor(name: string, args: NetworkArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
    const settings = resolveNetworkArgs(args);
    const issues = validateNetworkArgs(settings);
    if (issues.length > 0) throw new ValidationError(`Network ${name}`, issues);
    super("mlplat:network:Network", name, {}, opts);

    const tags = settings.tags;
    const parent = { parent: this };
    const region = aws.getRegionOutput({}, parent).region;
    const zones = aws.getAvailabilityZonesOutput({ state: "available" }, parent).names;

    const vpc = new aws.ec2.Vpc(
      `${name}-vpc`,
      {
        cidrBlock: settings.cidrBlock,
        enableDnsSupport: true,
        enableDnsHostnames: true,
        tags: { ...tags, Name: `${name}-vpc` },
      },
      parent,
    );
    // The default security group allows all traffic between its members: leave it with no rules at all.
    new aws.ec2.DefaultSecurityGroup(
      `${name}-default-sg`,
      { vpcId: vpc.id, tags: { ...tags, Name: `${name}-default` } },
      parent,
    );

    const routeTable = new aws.ec2.RouteTable(
      `${name}-private-rt`,
      { vpcId: vpc.id, tags: { ...tags, Name: `${name}-private` } },
      parent,
    );
    const subnets = privateSubnetCidrs(settings.cidrBlock, settings.availabilityZoneCount).map(
      (cidrBlock, i) => {
        const subnet = new aws.ec2.Subnet(
          `${name}-private-${i}`,
          {
            vpcId: vpc.id,
            cidrBlock,
            availabilityZone: zones.apply((names) => zoneAt(names, i)),
            mapPublicIpOnLaunch: false,
            tags: { ...tags, Name: `${name}-private-${i}` },
          },
          parent,
        );
        new aws.ec2.RouteTableAssociation(
          `${name}-private-${i}-rta`,
          { subnetId: subnet.id, routeTableId: routeTable.id },
          parent,
        );
        return subnet;
      },
    );

    const s3 = new aws.ec2.VpcEndpoint(
      `${name}-s3`,
      {
        vpcId: vpc.id,
        serviceName: pulumi.interpolate`com.amazonaws.${region}.s3`,
        vpcEndpointType: "Gateway",
        routeTableIds: [routeTable.id],
        tags: { ...tags, Name: `${name}-s3` },
      },
      parent,
    );

    const dynamoDb = settings.dynamoDbEndpoint
      ? new aws.ec2.VpcEndpoint(
          `${name}-dynamodb`,
          {
            vpcId: vpc.id,
            serviceName: pulumi.interpolate`com.amazonaws.${region}.dynamodb`,
            vpcEndpointType: "Gateway",
            routeTableIds: [routeTable.id],
            tags: { ...tags, Name: `${name}-dynamodb` },
          },
          parent,
        )
      : undefined;

    const tlsOut = (description: string) => [
      {
        description: `${description}: S3 through the gateway endpoint`,
        protocol: "tcp",
        fromPort: HTTPS,
        toPort: HTTPS,
        prefixListIds: [s3.prefixListId],
      },
      ...(dynamoDb
        ? [
            {
              description: `${description}: DynamoDB through the gateway endpoint`,
              protocol: "tcp",
              fromPort: HTTPS,
              toPort: HTTPS,
              prefixListIds: [dynamoDb.prefixListId],
            },
          ]
        : []),
      {
        description: `${description}: interface endpoints in the VPC`,
        protocol: "tcp",
        fromPort: HTTPS,
        toPort: HTTPS,
        cidrBlocks: [settings.cidrBlock],
      },
    ];
    const training = new aws.ec2.SecurityGroup(
      `${name}-training-sg`,
      {
        vpcId: vpc.id,
        description: "SageMaker training jobs",
        ingress: [
          {
            description: "Distributed training between the job's instances",
            protocol: "-1",
            fromPort: 0,
            toPort: 0,
            self: true,
          },
        ],
        egress: [
          {
            description: "Distributed training between the job's instances",
            protocol: "-1",
            fromPort: 0,
            toPort: 0,
            self: true,
          },
          ...tlsOut("Training"),
          ...settings.trainingServicePorts.map((port) => ({
            description: `Training: services in the VPC on port ${port}`,
            protocol: "tcp",
            fromPort: port,
            toPort: port,
            cidrBlocks: [settings.cidrBlock],
          })),
        ],
        tags: { ...tags, Name: `${name}-training` },
      },
      parent,
    );
    const endpoint = new aws.ec2.SecurityGroup(
      `${name}-endpoint-sg`,
      {
        vpcId: vpc.id,
        description: "SageMaker model endpoints",
        egress: tlsOut("Endpoints"),
        tags: { ...tags, Name: `${name}-endpoint` },
      },
      parent,
    );

    if (settings.sageMakerEndpoints) {
      const interfaceSg = new aws.ec2.SecurityGroup(
        `${name}-interface-endpoints-sg`,
        {
          vpcId: vpc.id,
          description: "Interface endpoints: HTTPS from inside the VPC",
          ingress: [
            {
              description: "HTTPS from the VPC",
              protocol: "tcp",
              fromPort: HTTPS,
              toPort: HTTPS,
              cidrBlocks: [settings.cidrBlock],
            },
          ],
          tags: { ...tags, Name: `${name}-interface-endpoints` },
        },
        parent,
      );
      for (const service of ["sagemaker.api", "sagemaker.runtime"]) {
        new aws.ec2.VpcEndpoint(
          `${name}-${service.replace(".", "-")}`,
          {
            vpcId: vpc.id,
            serviceName: pulumi.interpolate`com.amazonaws.${region}.${service}`,
            vpcEndpointType: "Interface",
            privateDnsEnabled: true,
            subnetIds: subnets.map((s) => s.id),
            securityGroupIds: [interfaceSg.id],
            tags: { ...tags, Name: `${name}-${service}` },
          },
          parent,
        );
      }
    }

    this.vpcId = vpc.id;
    this.cidrBlock = settings.cidrBlock;
    this.privateSubnetIds = subnets.map((s) => s.id);
    this.trainingSecurityGroupId = training.id;
    this.endpointSecurityGroupId = endpoint.id;
    this.s3GatewayEndpointId = s3.id;
    this.s3PrefixListId = s3.prefixListId;
    this.registerOutputs({
      vpcId: this.vpcId,
      privateSubnetIds: this.privateSubnetIds,
      trainingSecurityGroupId: this.trainingSecurityGroupId,
      endpointSecurityGroupId: this.endpointSecurityGroupId,
      s3GatewayEndpointId: this.s3GatewayEndpointId,
    });
  }
}

function zoneAt(names: string[], index: number): string {
  const zone = names[index];
  if (zone === undefined) {
    throw new Error(
      `availabilityZoneCount: got ${index + 1} or more, but the region has only ${names.length} available zones`,
    );
  }
  return zone;
}
