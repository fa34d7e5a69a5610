/**
 * Remote components (@pulumi/eks, @pulumi/awsx) as the offline runner records them, one resource with the
 * inputs the user passed (`remote: true`), priced by their inputs; and the estimate's completeness: every
 * resource priced, free for a listed reason, or counted as unpriced. Figures are us-east-1 list prices.
 */
import { describe, expect, it } from "vitest";

import {
  estimateCost,
  type PlannedResource,
  type ResourceEstimate,
  type StackEstimate,
} from "../../components/catalog/cost";

const STACK = "urn:pulumi:test::fx::";

function planned(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  extra: Partial<PlannedResource> = {},
): PlannedResource {
  return { type, name, urn: `${STACK}${type}::${name}`, inputs, ...extra };
}

/** A remote component as the offline runner records it. */
function remote(type: string, name: string, inputs: Record<string, unknown>): PlannedResource {
  return planned(type, name, inputs, { custom: false, remote: true });
}

function estimateOf(resource: PlannedResource, region = "us-east-1"): ResourceEstimate {
  const e = estimateCost([resource], { region });
  const found = e.resources.find((r) => r.urn === resource.urn);
  if (found === undefined) throw new Error(`${resource.name} is not in the estimate`);
  return found;
}

/** Each line as [description, quantity, unit price, monthly USD]. */
function linesOf(e: ResourceEstimate): [string, string, string, string][] {
  return e.lines.map((l) => [l.description, l.quantity, l.price.usd, l.monthlyUsd]);
}

describe("awsx.ec2.Vpc: NAT gateways by natGateways.strategy and zones, and their public IPv4 addresses", () => {
  it("prices awsx's defaults: 3 zones, one NAT gateway per zone (public and private subnets)", () => {
    const vpc = estimateOf(remote("awsx:ec2:Vpc", "vpc", {}));
    expect(linesOf(vpc)).toEqual([
      ["3 NAT gateways (OnePerAz, awsx's default for public and private subnets)", "2190", "0.045", "98.55"],
      ["3 Elastic IP addresses of the NAT gateways", "2190", "0.005", "10.95"],
    ]);
    expect(vpc).toMatchObject({ status: "priced", fixedUsd: "109.5" });
    expect(vpc.notes).toContain(
      "no availabilityZoneNames or numberOfAvailabilityZones: awsx's default, 3 Availability Zones",
    );
  });

  it("counts zones from availabilityZoneNames or numberOfAvailabilityZones, and follows Single and None", () => {
    const single = estimateOf(
      remote("awsx:ec2:Vpc", "vpc", {
        availabilityZoneNames: ["us-east-1a", "us-east-1b"],
        natGateways: { strategy: "Single" },
      }),
    );
    expect(linesOf(single).map((l) => [l[0], l[3]])).toEqual([
      ["1 NAT gateway (Single)", "32.85"],
      ["1 Elastic IP address of the NAT gateway", "3.65"],
    ]);
    const twoZones = estimateOf(
      remote("awsx:ec2:Vpc", "vpc", { numberOfAvailabilityZones: 2, natGateways: { strategy: "OnePerAz" } }),
    );
    expect(twoZones.fixedUsd).toBe("73");
    const none = estimateOf(remote("awsx:ec2:Vpc", "vpc", { natGateways: { strategy: "None" } }));
    expect(none).toMatchObject({ status: "priced", fixedUsd: "0" });
    expect(none.notes).toContain("no NAT gateways (None)");
    // Without a private subnet, awsx creates no NAT gateway.
    const isolated = estimateOf(
      remote("awsx:ec2:Vpc", "vpc", { subnetSpecs: [{ type: "Public" }, { type: "Isolated" }] }),
    );
    expect(isolated.fixedUsd).toBe("0");
  });

  it("prices interface endpoint specs per zone and leaves the Elastic IPs given to where they are declared", () => {
    const vpc = estimateOf(
      remote("awsx:ec2:Vpc", "vpc", {
        natGateways: { strategy: "Single", elasticIpAllocationIds: ["eipalloc-1"] },
        vpcEndpointSpecs: [
          { serviceName: "com.amazonaws.us-east-1.s3" },
          { serviceName: "com.amazonaws.us-east-1.sts", vpcEndpointType: "Interface" },
        ],
      }),
    );
    expect(linesOf(vpc)).toEqual([
      ["1 NAT gateway (Single)", "730", "0.045", "32.85"],
      ["com.amazonaws.us-east-1.sts: interface endpoint in 3 AZs", "2190", "0.01", "21.9"],
    ]);
  });
});

describe("awsx.ecs.FargateService: desiredCount tasks of the task's vCPU and memory", () => {
  it("sizes the task from its containers as awsx does (512 units, 1024 MiB: 0.5 vCPU, 1 GB), 2 tasks", () => {
    const service = estimateOf(
      remote("awsx:ecs:FargateService", "api", {
        desiredCount: 2,
        taskDefinitionArgs: { container: { name: "api", image: "nginx", cpu: 512, memory: 1024 } },
      }),
    );
    expect(linesOf(service)).toEqual([
      ["2 tasks x 0.5 vCPU", "730", "0.04048", "29.5504"],
      ["2 tasks x 1 GB", "1460", "0.004445", "6.4897"],
    ]);
    expect(service.fixedUsd).toBe("36.0401");
  });

  it("takes the task's cpu and memory when set, one task by default; the smallest size without any", () => {
    const sized = estimateOf(
      remote("awsx:ecs:FargateService", "api", {
        taskDefinitionArgs: { cpu: "1024", memory: "2048", containers: { api: { image: "nginx" } } },
      }),
    );
    expect(linesOf(sized).map((l) => [l[0], l[3]])).toEqual([
      ["1 task x 1 vCPU", "29.5504"],
      ["1 task x 2 GB", "6.4897"],
    ]);
    const bare = estimateOf(
      remote("awsx:ecs:FargateService", "api", { taskDefinitionArgs: { container: { image: "nginx" } } }),
    );
    expect(linesOf(bare).map((l) => [l[0], l[3]])).toEqual([
      ["1 task x 0.25 vCPU", "7.3876"],
      ["1 task x 0.5 GB", "1.622425"],
    ]);
  });

  it("is unpriced when the task definition is an ARN, whose size is not visible", () => {
    const e = estimateCost(
      [
        remote("awsx:ecs:FargateService", "api", {
          taskDefinition: "arn:aws:ecs:us-east-1:1:task-definition/x:1",
        }),
      ],
      { region: "us-east-1" },
    );
    expect(e.unpriced).toEqual([
      {
        urn: `${STACK}awsx:ecs:FargateService::api`,
        name: "api",
        type: "awsx:ecs:FargateService",
        reason:
          "the task definition is given by ARN (taskDefinition): its cpu and memory are not visible here",
      },
    ]);
  });
});

describe("Application Load Balancers", () => {
  it("prices awsx.lb.ApplicationLoadBalancer and aws.lb.LoadBalancer by the hour, LCUs as a note", () => {
    for (const lb of [
      remote("awsx:lb:ApplicationLoadBalancer", "web", {}),
      planned("aws:lb/loadBalancer:LoadBalancer", "web", { loadBalancerType: "application" }),
    ]) {
      const e = estimateOf(lb);
      expect(linesOf(e)).toEqual([["Application Load Balancer", "730", "0.0225", "16.425"]]);
      expect(e.notes).toEqual([
        "load balancer capacity units (LCUs: new and active connections, bytes processed, rule evaluations) are not priced: each LCU-hour costs $0.008",
      ]);
    }
    expect(
      estimateOf(planned("aws:lb/loadBalancer:LoadBalancer", "nlb", { loadBalancerType: "network" })),
    ).toMatchObject({ status: "unpriced", reason: "network load balancers are not in the catalog" });
  });
});

describe("@pulumi/eks node groups: EC2 instances at desired size, spot less the assumed saving", () => {
  it("prices eks.ManagedNodeGroup like aws.eks.NodeGroup: a p4d.24xlarge on demand, and a spot g5.xlarge pair", () => {
    const p4d = estimateOf(
      remote("eks:index:ManagedNodeGroup", "gpu", {
        instanceTypes: ["p4d.24xlarge"],
        capacityType: "ON_DEMAND",
        scalingConfig: { minSize: 1, desiredSize: 1, maxSize: 2 },
      }),
    );
    expect(linesOf(p4d)).toEqual([
      ["1 x p4d.24xlarge on-demand at desired size", "730", "21.957642", "16029.07866"],
      ["1 x 20 GB node volume (assumed gp3)", "20", "0.08", "1.6"],
    ]);
    const spot = estimateOf(
      remote("eks:index:ManagedNodeGroup", "gpu", {
        instanceTypes: ["g5.xlarge"],
        capacityType: "SPOT",
        scalingConfig: { minSize: 0, desiredSize: 2, maxSize: 4 },
      }),
    );
    // 2 x 730 h x $1.006 x (1 - 0.70) = $440.628.
    expect(spot.lines.map((l) => [l.quantity, l.saving?.fraction, l.monthlyUsd])).toEqual([
      ["1460", "0.70", "440.628"],
      ["40", undefined, "3.2"],
    ]);
  });

  it("applies @pulumi/eks's defaults to a bare eks.ManagedNodeGroup: 2 x t3.medium", () => {
    const bare = estimateOf(remote("eks:index:ManagedNodeGroup", "ng", {}));
    expect(linesOf(bare).map((l) => [l[0], l[3]])).toEqual([
      ["2 x t3.medium on-demand at desired size", "60.736"],
      ["2 x 20 GB node volume (assumed gp3)", "3.2"],
    ]);
  });

  it("prices eks.NodeGroupV2 and eks.NodeGroup from instanceType, desiredCapacity, spotPrice and root volumes", () => {
    const v2 = estimateOf(
      remote("eks:index:NodeGroupV2", "gpu", {
        instanceType: "g5.xlarge",
        spotPrice: "1.00",
        desiredCapacity: 1,
        nodeRootVolumeSize: 100,
      }),
    );
    expect(linesOf(v2)).toEqual([
      [
        "1 x g5.xlarge spot (on-demand price less the assumed spot saving) at desired size",
        "730",
        "1.006",
        "220.314",
      ],
      ["1 x 100 GB node volume (gp2)", "100", "0.10", "10"],
    ]);
    const v1 = estimateOf(remote("eks:index:NodeGroup", "cpu", {}));
    expect(linesOf(v1).map((l) => [l[0], l[3]])).toEqual([
      ["2 x t3.medium on-demand at desired size", "60.736"],
      ["2 x 20 GB node volume (gp2)", "4"],
    ]);
    const idle = estimateOf(
      remote("eks:index:NodeGroupV2", "gpu", { instanceType: "g5.xlarge", desiredCapacity: 0, maxSize: 4 }),
    );
    expect(idle).toMatchObject({ status: "priced", fixedUsd: "0" });
    expect(idle.notes[0]).toMatch(/^desiredCapacity 0: no nodes run until it scales out \(up to 4\)/);
  });

  it("prices eks.Cluster's default node group unless skipped (nodeGroupOptions included); Fargate replaces it", () => {
    const plain = estimateOf(remote("eks:index:Cluster", "ml", {}));
    expect(linesOf(plain).map((l) => [l[0], l[3]])).toEqual([
      ["EKS control plane", "73"],
      ["2 x t3.medium on-demand at desired size", "60.736"],
      ["2 x 20 GB node volume (gp2)", "4"],
    ]);
    const gpu = estimateOf(
      remote("eks:index:Cluster", "ml", {
        nodeGroupOptions: { instanceType: "g5.xlarge", desiredCapacity: 1, spotPrice: "0.50" },
      }),
    );
    expect(gpu.fixedUsd).toBe("295.314");
    expect(estimateOf(remote("eks:index:Cluster", "ml", { fargate: true })).fixedUsd).toBe("73");
    const auto = estimateOf(remote("eks:index:Cluster", "ml", { autoMode: { enabled: true } }));
    expect(auto).toMatchObject({ status: "partial", fixedUsd: "73" });
  });

  it("prices the children instead when a real preview shows them (no double count)", () => {
    const group = remote("eks:index:ManagedNodeGroup", "gpu", { instanceTypes: ["g5.xlarge"] });
    const child = planned(
      "aws:eks/nodeGroup:NodeGroup",
      "gpu",
      { instanceTypes: ["g5.xlarge"], scalingConfig: { desiredSize: 1 } },
      { parent: group.urn, urn: `${STACK}eks:index:ManagedNodeGroup$aws:eks/nodeGroup:NodeGroup::gpu` },
    );
    const e = estimateCost([group, child], { region: "us-east-1" });
    expect(e.resources.map((r) => [r.type, r.fixedUsd])).toEqual([["aws:eks/nodeGroup:NodeGroup", "735.98"]]);
    expect(e.components).toMatchObject([
      { key: group.urn, type: "eks:index:ManagedNodeGroup", totalUsd: "735.98" },
    ]);
  });
});

describe("DynamoDB tables without billingMode are provisioned, the provider's default", () => {
  it("prices their read and write capacity by the hour", () => {
    const table = estimateOf(
      planned("aws:dynamodb/table:Table", "t", { hashKey: "id", readCapacity: 5, writeCapacity: 5 }),
    );
    expect(linesOf(table)).toEqual([
      ["5 provisioned read capacity units", "3650", "0.00013", "0.4745"],
      ["5 provisioned write capacity units", "3650", "0.00065", "2.3725"],
    ]);
    expect(table.notes[0]).toBe("no billingMode: billed as PROVISIONED, the provider's default");
  });

  it("is unpriced, never $0, when the capacity is not set either; partial when an index lacks it", () => {
    const e = estimateCost([planned("aws:dynamodb/table:Table", "t", { hashKey: "id" })], {
      region: "us-east-1",
    });
    expect(e.unpriced.map((u) => u.reason)).toEqual([
      "the table is provisioned but sets no readCapacity: its capacity is unknown; the table is provisioned but sets no writeCapacity: its capacity is unknown",
    ]);
    const partial = estimateOf(
      planned("aws:dynamodb/table:Table", "t", {
        billingMode: "PROVISIONED",
        readCapacity: 5,
        writeCapacity: 5,
        globalSecondaryIndexes: [{ name: "by-date", hashKey: "date" }],
      }),
    );
    expect(partial.status).toBe("partial");
    expect(partial.missing.map((m) => m.why)).toEqual([
      "index by-date is provisioned but sets no readCapacity: its capacity is unknown",
      "index by-date is provisioned but sets no writeCapacity: its capacity is unknown",
    ]);
  });

  it("prices PAY_PER_REQUEST tables from usage only", () => {
    expect(
      estimateOf(planned("aws:dynamodb/table:Table", "t", { billingMode: "PAY_PER_REQUEST" })),
    ).toMatchObject({ status: "priced", fixedUsd: "0" });
  });
});

describe("SageMaker ml.g5 endpoints", () => {
  const endpoint = (instanceType: string): PlannedResource[] => [
    planned("aws:sagemaker/endpointConfiguration:EndpointConfiguration", "cfg", {
      name: "cfg",
      productionVariants: [{ variantName: "AllTraffic", instanceType, initialInstanceCount: 1 }],
    }),
    planned("aws:sagemaker/endpoint:Endpoint", "ep", { endpointConfigName: "cfg" }),
  ];

  it("prices ml.g5.2xlarge in us-east-1 ($1.515 an hour)", () => {
    const e = estimateCost(endpoint("ml.g5.2xlarge"), { region: "us-east-1" });
    expect(e.totals.fixedUsd).toBe("1105.95");
    expect(e.unpriced).toEqual([]);
  });

  it("counts an instance type without a price as unpriced, with $0 of it in the totals", () => {
    const e = estimateCost(endpoint("ml.g9.xlarge"), { region: "us-east-1" });
    expect(e.unpriced.map((u) => u.reason)).toEqual([
      "no SageMaker real-time hosting price for ml.g9.xlarge in us-east-1",
    ]);
  });
});

describe("completeness: every resource priced, free, or counted as unpriced", () => {
  function accounted(e: StackEstimate): string[] {
    return e.resources.map((r) => `${r.name}: ${r.status}`);
  }

  it("counts a remote aws-apigateway RestAPI as unpriced, naming that its children are not visible offline", () => {
    const e = estimateCost(
      [remote("aws-apigateway:index:RestAPI", "api", { routes: [] }), planned("aws:kms/key:Key", "key", {})],
      { region: "us-east-1" },
    );
    expect(accounted(e)).toEqual(["api: unpriced", "key: priced"]);
    expect(e.unpriced).toHaveLength(1);
    expect(e.unpriced[0]?.reason).toMatch(/^a remote component whose children are not visible offline/);
    expect(e.components).toMatchObject([{ key: "stack", resources: 2, unpriced: 1 }]);
  });

  it("knows remote packages when the resource does not say (a policy's view of a preview)", () => {
    const e = estimateCost([planned("aws-apigateway:index:RestAPI", "api", {})], { region: "us-east-1" });
    expect(e.unpriced.map((u) => u.name)).toEqual(["api"]);
  });

  it("leaves a local component out as a container, and prices its children", () => {
    const lake = planned("mlplat:data:Lake", "lake", {}, { custom: false });
    const key = planned("aws:kms/key:Key", "lake-key", {}, { parent: lake.urn });
    const e = estimateCost([lake, key], { region: "us-east-1" });
    expect(accounted(e)).toEqual(["lake-key: priced"]);
    expect(e.components).toMatchObject([{ key: lake.urn, name: "lake", totalUsd: "1", resources: 1 }]);
  });
});
