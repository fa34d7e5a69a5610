import { beforeAll, describe, expect, it } from "vitest";

import {
  Network,
  privateSubnetCidrs,
  resolveNetworkArgs,
  validateNetworkArgs,
} from "../../components/network";
import type { ProgramRun } from "../../scripts/cli/offline/runner";
import { resource, resourcesOfType, runInline } from "../harness";

describe("network arguments", () => {
  it("cuts the VPC block into quarters for the private subnets", () => {
    expect(privateSubnetCidrs("10.0.0.0/16", 3)).toEqual(["10.0.0.0/18", "10.0.64.0/18", "10.0.128.0/18"]);
    expect(privateSubnetCidrs("192.168.8.0/22", 2)).toEqual(["192.168.8.0/24", "192.168.9.0/24"]);
  });

  it("refuses public, misaligned or oversized blocks and zone counts other than 2 or 3", () => {
    const problems = (cidrBlock: string, availabilityZoneCount = 2) =>
      validateNetworkArgs(resolveNetworkArgs({ cidrBlock, availabilityZoneCount })).map(
        (i) => `${i.path}=${String(i.value)}`,
      );
    expect(problems("10.0.0.0/16")).toEqual([]);
    expect(problems("172.31.0.0/16")).toEqual([]);
    expect(problems("8.8.0.0/16")).toEqual(["cidrBlock=8.8.0.0/16"]);
    expect(problems("10.0.1.0/16")).toEqual(["cidrBlock=10.0.1.0/16"]);
    expect(problems("10.0.0.0/8")).toEqual(["cidrBlock=10.0.0.0/8"]);
    expect(problems("10.0.0.0/16", 4)).toEqual(["availabilityZoneCount=4"]);
  });
});

describe("Network component", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runInline("dev", () => {
      new Network("net", { tags: { Project: "p" } });
      return {};
    });
  });

  it("has private subnets only, in two zones, with no internet or NAT gateway", () => {
    const subnets = resourcesOfType(run, "aws:ec2/subnet:Subnet");
    expect(
      subnets.map((s) => [s.inputs.cidrBlock, s.inputs.availabilityZone, s.inputs.mapPublicIpOnLaunch]),
    ).toEqual([
      ["10.0.0.0/18", "ap-northeast-2a", false],
      ["10.0.64.0/18", "ap-northeast-2b", false],
    ]);
    expect(
      run.resources.filter((r) => /InternetGateway|NatGateway|aws:ec2\/route:Route$/.test(r.type)),
    ).toEqual([]);
    expect(resourcesOfType(run, "aws:ec2/routeTableAssociation:RouteTableAssociation")).toHaveLength(2);
  });

  it("reaches S3 through a gateway endpoint on the private route table", () => {
    const s3 = resource(run, "aws:ec2/vpcEndpoint:VpcEndpoint", "net-s3");
    expect(s3.inputs).toMatchObject({
      serviceName: "com.amazonaws.ap-northeast-2.s3",
      vpcEndpointType: "Gateway",
      routeTableIds: ["net-private-rt-id"],
    });
  });

  it("leaves out the SageMaker interface endpoints unless asked", () => {
    expect(resourcesOfType(run, "aws:ec2/vpcEndpoint:VpcEndpoint").map((e) => e.name)).toEqual(["net-s3"]);
  });

  it("empties the default security group and gives endpoints no ingress", () => {
    const defaultSg = resource(run, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "net-default-sg");
    expect(defaultSg.inputs.ingress).toBeUndefined();
    expect(defaultSg.inputs.egress).toBeUndefined();
    const endpointSg = resource(run, "aws:ec2/securityGroup:SecurityGroup", "net-endpoint-sg");
    expect(endpointSg.inputs.ingress).toBeUndefined();
    expect((endpointSg.inputs.egress as { fromPort: number }[]).map((e) => e.fromPort)).toEqual([443, 443]);
  });

  it("lets training instances talk to each other and reach S3 and the VPC over TLS only", () => {
    const sg = resource(run, "aws:ec2/securityGroup:SecurityGroup", "net-training-sg");
    expect(sg.inputs.ingress).toEqual([
      {
        description: "Distributed training between the job's instances",
        protocol: "-1",
        fromPort: 0,
        toPort: 0,
        self: true,
      },
    ]);
    const egress = sg.inputs.egress as Record<string, unknown>[];
    expect(
      egress.slice(1).map((e) => [e.protocol, e.fromPort, e.toPort, e.cidrBlocks ?? e.prefixListIds]),
    ).toEqual([
      ["tcp", 443, 443, ["pl-net-s3"]],
      ["tcp", 443, 443, ["10.0.0.0/16"]],
    ]);
  });
});

describe("Network with SageMaker interface endpoints", () => {
  it("adds the API and runtime endpoints with private DNS in every private subnet", async () => {
    const run = await runInline("dev", () => {
      new Network("net", { sageMakerEndpoints: true, availabilityZoneCount: 3 });
      return {};
    });
    const api = resource(run, "aws:ec2/vpcEndpoint:VpcEndpoint", "net-sagemaker-api");
    expect(api.inputs).toMatchObject({
      serviceName: "com.amazonaws.ap-northeast-2.sagemaker.api",
      vpcEndpointType: "Interface",
      privateDnsEnabled: true,
      subnetIds: ["net-private-0-id", "net-private-1-id", "net-private-2-id"],
    });
    expect(resource(run, "aws:ec2/vpcEndpoint:VpcEndpoint", "net-sagemaker-runtime").inputs.serviceName).toBe(
      "com.amazonaws.ap-northeast-2.sagemaker.runtime",
    );
  });
});
