import type { PolicyResource } from "@pulumi/policy";

import { stackPolicy } from "../lib/define";
import { peek, requireKnown, UNKNOWN } from "../lib/unknown";

const VPC = "aws:ec2/vpc:Vpc";
const VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";
const ROUTE_TABLE_ASSOCIATION = "aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation";
/** S3's gateway service in any region and partition: `com.amazonaws.ap-northeast-2.s3`, `cn.com.amazonaws...`. */
const S3_SERVICE = /^(cn\.)?com\.amazonaws\.[a-z0-9-]+\.s3$/;

/**
 * Every VPC has an S3 gateway endpoint on its route tables (seed §7.1 "S3 data transfer: free inside the VPC,
 * use a VPC endpoint", §7.4): without one, private subnets reach S3 through a NAT gateway, billed per GB, and
 * training data is the bulk of their traffic. Gateway endpoints themselves cost nothing. An endpoint belongs to
 * a VPC by its `vpcId` (the engine's property dependencies); interface endpoints for S3 do not count, they are
 * billed per hour and GB.
 */
export const costVpcS3GatewayEndpoint = stackPolicy({
  name: "cost-vpc-s3-gateway-endpoint",
  description: "Every VPC has an S3 gateway endpoint associated with its route tables.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Add an aws.ec2.VpcEndpoint with vpcId: vpc.id, serviceName: `com.amazonaws.${region}.s3`, vpcEndpointType: "Gateway" ' +
    "and routeTableIds: the private subnets' route tables.",
  validate: (args, report) => {
    const vpcs = args.resources.filter((r) => r.type === VPC);
    if (vpcs.length === 0) args.notApplicable("The stack declares no VPCs");
    const associations = args.resources.filter((r) => r.type === ROUTE_TABLE_ASSOCIATION);
    for (const vpc of vpcs) {
      const name = JSON.stringify(vpc.name);
      const endpoints = args.resources.filter(
        (r) => r.type === VPC_ENDPOINT && (r.propertyDependencies.vpcId ?? []).some((d) => d.urn === vpc.urn),
      );
      const gateways = endpoints.filter((e) => isS3Gateway(e) === true);
      if (gateways.length === 0) {
        const undecided = endpoints.find((e) => isS3Gateway(e) === UNKNOWN);
        if (undecided !== undefined) {
          // Its service or type is unknown until deploy: CrossGuard notes that the policy could not run.
          requireKnown((): unknown[] => [undecided.props.serviceName, undecided.props.vpcEndpointType]);
          return;
        }
        report(
          `VPC ${name} has no S3 gateway endpoint: its S3 traffic goes through a NAT gateway, billed per GB`,
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
  },
});

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
