/** Checkov's VPC endpoint and security group checks as Pulumi resources (see ../case.ts). */
import type { DeclaredResource } from "../../../../scripts/cli/offline/runner";
import { declared, TAGS } from "../../helpers";
import type { ServiceCases } from "../case";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const VPC = "aws:ec2/vpc:Vpc";
const DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup";
const ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";
const ENDPOINT_SERVICE = "aws:ec2/vpcEndpointService:VpcEndpointService";

const HTTPS_OUT = {
  description: "HTTPS to S3 through the gateway endpoint",
  protocol: "tcp",
  fromPort: 443,
  toPort: 443,
  prefixListIds: ["pl-63a5400a"],
};

/** A described security group with these inputs. */
const group = (inputs: Record<string, unknown>, extra: Partial<DeclaredResource> = {}) =>
  declared(
    SG,
    "app-sg",
    { vpcId: "vpc-1", description: "Model server", egress: [HTTPS_OUT], tags: TAGS, ...inputs },
    extra,
  );

const inbound = (port: number, cidr: Record<string, unknown>) => ({
  description: "Clients",
  protocol: "tcp",
  fromPort: port,
  toPort: port,
  ...cidr,
});

/** A VPC and its adopted default security group with these inputs. */
const vpcWithDefault = (inputs: Record<string, unknown>): DeclaredResource[] => {
  const vpc = declared(VPC, "net-vpc", { cidrBlock: "10.0.0.0/16", tags: TAGS });
  return [
    vpc,
    declared(
      DEFAULT_SG,
      "net-default-sg",
      { vpcId: "net-vpc-id", tags: TAGS, ...inputs },
      { propertyDependencies: { vpcId: [vpc.urn] } },
    ),
  ];
};

/** A security group and an interface endpoint, which uses the group when `attached`. */
const endpointWithGroup = (attached: boolean): DeclaredResource[] => {
  const sg = group({});
  return [
    sg,
    declared(
      ENDPOINT,
      "sagemaker-api",
      {
        vpcId: "vpc-1",
        serviceName: "com.amazonaws.ap-northeast-2.sagemaker.api",
        vpcEndpointType: "Interface",
        ...(attached ? { securityGroupIds: ["app-sg-id"] } : {}),
        tags: TAGS,
      },
      attached ? { propertyDependencies: { securityGroupIds: [sg.urn] } } : {},
    ),
  ];
};

export const vpc: ServiceCases = {
  cases: [
    {
      id: "CKV_AWS_123",
      title: "an endpoint service that accepts connections automatically",
      fail: [
        declared(ENDPOINT_SERVICE, "svc", {
          acceptanceRequired: false,
          networkLoadBalancerArns: [
            "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/net/x/1",
          ],
          tags: TAGS,
        }),
      ],
      pass: [
        declared(ENDPOINT_SERVICE, "svc", {
          acceptanceRequired: true,
          networkLoadBalancerArns: [
            "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/net/x/1",
          ],
          tags: TAGS,
        }),
      ],
    },
    {
      id: "CKV_AWS_23",
      title: "a security group without a description",
      // The SDK records "Managed by Pulumi" for a group that sets no description.
      fail: [group({ description: "Managed by Pulumi" })],
      pass: [group({})],
    },
    {
      id: "CKV_AWS_24",
      title: "inline ingress of SSH from 0.0.0.0/0",
      fail: [group({ ingress: [inbound(22, { cidrBlocks: ["0.0.0.0/0"] })] })],
      pass: [group({ ingress: [inbound(22, { cidrBlocks: ["10.0.0.0/16"] })] })],
    },
    {
      id: "CKV_AWS_25",
      title: "an aws.vpc.SecurityGroupIngressRule of RDP from 0.0.0.0/0",
      fail: [
        declared(INGRESS_RULE, "rdp", {
          securityGroupId: "sg-1",
          description: "Remote Desktop",
          ipProtocol: "tcp",
          fromPort: 3389,
          toPort: 3389,
          cidrIpv4: "0.0.0.0/0",
        }),
      ],
      pass: [
        declared(INGRESS_RULE, "rdp", {
          securityGroupId: "sg-1",
          description: "Remote Desktop",
          ipProtocol: "tcp",
          fromPort: 3389,
          toPort: 3389,
          cidrIpv4: "10.0.0.0/16",
        }),
      ],
    },
    {
      id: "CKV_AWS_260",
      title: "an ingress aws.ec2.SecurityGroupRule of HTTP from ::/0",
      fail: [
        declared(SG_RULE, "http", {
          type: "ingress",
          securityGroupId: "sg-1",
          ...inbound(80, { ipv6CidrBlocks: ["::/0"] }),
        }),
      ],
      pass: [
        declared(SG_RULE, "http", {
          type: "ingress",
          securityGroupId: "sg-1",
          ...inbound(80, { ipv6CidrBlocks: ["fd00::/8"] }),
        }),
      ],
    },
    {
      id: "CKV_AWS_277",
      title: "inline ingress of all protocols from 0.0.0.0/0",
      fail: [
        group({
          ingress: [
            { description: "Anything", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] },
          ],
        }),
      ],
      pass: [
        group({
          ingress: [
            { description: "Anything", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["10.0.0.0/16"] },
          ],
        }),
      ],
    },
    {
      id: "CKV_AWS_382",
      title: "inline egress of all protocols to 0.0.0.0/0",
      fail: [
        group({
          egress: [
            { description: "Anywhere", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] },
          ],
        }),
      ],
      pass: [
        group({
          egress: [
            { description: "Anywhere", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["10.0.0.0/16"] },
          ],
        }),
      ],
    },
    {
      id: "CKV2_AWS_5",
      title: "a security group no resource uses",
      fail: endpointWithGroup(false),
      pass: endpointWithGroup(true),
    },
    {
      id: "CKV2_AWS_12",
      title: "a VPC whose adopted default security group keeps an all-traffic rule",
      fail: vpcWithDefault({
        ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, self: true }],
      }),
      pass: vpcWithDefault({}),
    },
  ],
  notApplicable: [],
  covered: [
    "CKV2_AWS_12",
    "CKV2_AWS_5",
    "CKV_AWS_123",
    "CKV_AWS_23",
    "CKV_AWS_24",
    "CKV_AWS_25",
    "CKV_AWS_260",
    "CKV_AWS_277",
    "CKV_AWS_382",
  ],
};
