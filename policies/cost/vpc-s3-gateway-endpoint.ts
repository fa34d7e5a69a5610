import type { PolicyResource } from "@pulumi/policy";

import { stackPolicy } from "../lib/define";
import { peek, requireKnown, UNKNOWN } from "../lib/unknown";

const VPC = "aws:ec2/vpc:Vpc";
const SUBNET = "aws:ec2/subnet:Subnet";
const NAT_GATEWAY = "aws:ec2/natGateway:NatGateway";
const AWSX_VPC = "awsx:ec2:Vpc";
const VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";
const ROUTE_TABLE_ASSOCIATION = "aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation";
/** S3's gateway service in any region and partition: `com.amazonaws.ap-northeast-2.s3`, `cn.com.amazonaws...`. */
const S3_SERVICE = /^(cn\.)?com\.amazonaws\.[a-z0-9-]+\.s3$/;

/**
 * Every VPC whose traffic leaves through a NAT gateway has an S3 gateway endpoint on its route tables (seed §7.1
 * "S3 data transfer: free inside the VPC, use a VPC endpoint", §7.4): without one, private subnets reach S3
 * through the NAT gateway, billed per GB, and training data is the bulk of their traffic. Gateway endpoints
 * themselves cost nothing. A VPC without a NAT gateway is not judged on that (its S3 traffic goes through no
 * NAT gateway: issue 15's false alarm). The NAT gateways are the program's `aws.ec2.NatGateway`s (public ones),
 * placed in a VPC by their `vpcId` or their subnet's (one that cannot be placed counts for every VPC), and those
 * of an `awsx.ec2.Vpc` whose `natGateways.strategy` is not `None` (awsx's default is one per zone when the VPC
 * has public and private subnets), judged on its `vpcEndpointSpecs`. An endpoint belongs to a VPC by its
 * `vpcId` (the engine's property dependencies); interface endpoints for S3 do not count, they are billed per
 * hour and GB. A gateway endpoint on no route table is reported in any VPC: S3 traffic does not use it.
 */
export const costVpcS3GatewayEndpoint = stackPolicy({
  name: "cost-vpc-s3-gateway-endpoint",
  description: "Every VPC with a NAT gateway has an S3 gateway endpoint associated with its route tables.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Add an aws.ec2.VpcEndpoint with vpcId: vpc.id, serviceName: `com.amazonaws.${region}.s3`, vpcEndpointType: "Gateway" ' +
    "and routeTableIds: the private subnets' route tables (for an awsx.ec2.Vpc, a vpcEndpointSpecs entry for S3).",
  validate: (args, report) => {
    const vpcs = args.resources.filter((r) => r.type === VPC);
    const awsxVpcs = args.resources.filter((r) => r.type === AWSX_VPC);
    if (vpcs.length === 0 && awsxVpcs.length === 0) args.notApplicable("The stack declares no VPCs");
    const associations = args.resources.filter((r) => r.type === ROUTE_TABLE_ASSOCIATION);
    const nats = args.resources.filter((r) => r.type === NAT_GATEWAY);
    for (const vpc of vpcs) {
      const name = JSON.stringify(vpc.name);
      const endpoints = args.resources.filter(
        (r) => r.type === VPC_ENDPOINT && (r.propertyDependencies.vpcId ?? []).some((d) => d.urn === vpc.urn),
      );
      const gateways = endpoints.filter((e) => isS3Gateway(e) === true);
      if (gateways.length === 0) {
        const nat = nats.find((n) => {
          const placed = vpcsOf(n, args.resources);
          return (placed.length === 0 || placed.includes(vpc.urn)) && isPublicNat(n);
        });
        if (nat === undefined) continue;
        const undecided = endpoints.find((e) => isS3Gateway(e) === UNKNOWN);
        if (undecided !== undefined) {
          // Its service or type is unknown until deploy: CrossGuard notes that the policy could not run.
          requireKnown((): unknown[] => [undecided.props.serviceName, undecided.props.vpcEndpointType]);
          return;
        }
        report(
          `VPC ${name} has no S3 gateway endpoint: its S3 traffic goes through NAT gateway ` +
            `${JSON.stringify(nat.name)}, billed per GB`,
          vpc.urn,
        );
        continue;
      }
      if (!gateways.some((g) => routed(g, associations))) {
        const [gateway] = gateways;
        report(
          `S3 gateway endpoint ${JSON.stringify(gateway?.name ?? "")} of VPC ${name} is on no route table: ` +
            "S3 traffic does not use it; set its routeTableIds",
          gateway?.urn ?? vpc.urn,
        );
      }
    }
    for (const vpc of awsxVpcs) {
      const strategy = natStrategyOf(vpc);
      if (strategy === "None") continue;
      const specs = peek((): unknown => vpc.props.vpcEndpointSpecs);
      if (specs === UNKNOWN) requireKnown((): unknown => vpc.props.vpcEndpointSpecs);
      if (list(specs).some((spec) => isS3GatewaySpec(spec))) continue;
      report(
        `VPC ${JSON.stringify(vpc.name)} (awsx.ec2.Vpc) has NAT gateways (natGateways.strategy ${strategy}) and ` +
          "no S3 gateway endpoint: its S3 traffic goes through them, billed per GB; add an S3 Gateway entry to " +
          "vpcEndpointSpecs",
        vpc.urn,
      );
    }
  },
});

/** True for a NAT gateway to the internet (the default), false for a private one, which does not reach S3. */
function isPublicNat(nat: PolicyResource): boolean {
  const connectivity = peek((): unknown => nat.props.connectivityType);
  if (connectivity === UNKNOWN) requireKnown((): unknown => nat.props.connectivityType);
  return connectivity !== "private";
}

/** The URNs of the VPCs a NAT gateway is in: by its `vpcId`, or its subnet's; empty when it cannot be placed. */
function vpcsOf(nat: PolicyResource, resources: readonly PolicyResource[]): string[] {
  const direct = (nat.propertyDependencies.vpcId ?? []).filter((d) => d.type === VPC).map((d) => d.urn);
  const subnetUrns = new Set((nat.propertyDependencies.subnetId ?? []).map((d) => d.urn));
  const viaSubnet = resources
    .filter((r) => r.type === SUBNET && subnetUrns.has(r.urn))
    .flatMap((s) => (s.propertyDependencies.vpcId ?? []).filter((d) => d.type === VPC).map((d) => d.urn));
  return [...direct, ...viaSubnet];
}

/**
 * An awsx.ec2.Vpc's NAT strategy: `natGateways.strategy`, else awsx's default, one per zone when its subnets
 * (subnetSpecs, default: public and private) include public and private ones, none otherwise.
 */
function natStrategyOf(vpc: PolicyResource): string {
  const read = (): unknown[] => [vpc.props.natGateways, vpc.props.subnetSpecs];
  const values = peek(read);
  if (values === UNKNOWN) requireKnown(read);
  const [natGateways, subnetSpecs] = values === UNKNOWN ? [] : values;
  const given = record(natGateways).strategy;
  if (typeof given === "string") return given;
  const types = list(subnetSpecs).map((s) => record(s).type);
  const both = types.length === 0 || (types.includes("Public") && types.includes("Private"));
  return both ? "OnePerAz" : "None";
}

/** True for an awsx vpcEndpointSpecs entry of S3's gateway endpoint (awsx's default type is Gateway). */
function isS3GatewaySpec(spec: unknown): boolean {
  const { serviceName, vpcEndpointType } = record(spec);
  return (
    (vpcEndpointType ?? "Gateway") === "Gateway" &&
    typeof serviceName === "string" &&
    S3_SERVICE.test(serviceName)
  );
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** True for an S3 gateway endpoint, false for any other endpoint, UNKNOWN when preview cannot tell. */
function isS3Gateway(endpoint: PolicyResource): boolean | typeof UNKNOWN {
  const service = peek((): unknown => endpoint.props.serviceName);
  // The provider's (and AWS's) default endpoint type is Gateway.
  const type = peek((): unknown => endpoint.props.vpcEndpointType ?? "Gateway");
  if (service === UNKNOWN || type === UNKNOWN) {
    if (type !== UNKNOWN && type !== "Gateway") return false;
    if (service !== UNKNOWN && !(typeof service === "string" && S3_SERVICE.test(service))) return false;
    return UNKNOWN;
  }
  return type === "Gateway" && typeof service === "string" && S3_SERVICE.test(service);
}

/** True when the endpoint is on a route table: its own `routeTableIds`, or a separate association. */
function routed(endpoint: PolicyResource, associations: readonly PolicyResource[]): boolean {
  const ids = peek((): unknown => endpoint.props.routeTableIds);
  if (ids === UNKNOWN || (Array.isArray(ids) && ids.length > 0)) return true;
  return associations.some((a) =>
    (a.propertyDependencies.vpcEndpointId ?? []).some((d) => d.urn === endpoint.urn),
  );
}
