/**
 * The GPU node-group policies judge @pulumi/eks's components as the offline runner records them (one resource
 * with the inputs the user passed, its children not visible): eks.ManagedNodeGroup, eks.NodeGroupV2,
 * eks.NodeGroup and eks.Cluster's default node group. A GPU group declared through @pulumi/eks meets the same
 * policies as an aws.eks.NodeGroup.
 */
import { describe, expect, it } from "vitest";

import { policyProxy } from "../../policies/lib/unknown";
import type { DeclaredResource } from "../../scripts/cli/offline/runner";
import { declared, evaluateOne, messagesOf, TAGS } from "./helpers";

const MANAGED = "eks:index:ManagedNodeGroup";
const V2 = "eks:index:NodeGroupV2";
const V1 = "eks:index:NodeGroup";
const CLUSTER = "eks:index:Cluster";
const AWS_NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const UNKNOWN_STRING = policyProxy.unknownStringValue;

const GPU_POLICIES = [
  "eks-gpu-node-group-tainted",
  "eks-gpu-node-group-scale-to-zero",
  "eks-gpu-node-group-spot",
] as const;
const ALL_POLICIES = [...GPU_POLICIES, "eks-node-group-instance-allowlist"] as const;

/** A remote component as the offline runner records it. */
function component(type: string, name: string, inputs: Record<string, unknown>): DeclaredResource {
  return declared(type, name, inputs, { custom: false, remote: true });
}

/** Each policy's messages over the resources, by policy. */
async function allMessages(resources: DeclaredResource[]): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const policy of ALL_POLICIES) out[policy] = await messagesOf(policy, resources);
  return out;
}

const NONE = Object.fromEntries(ALL_POLICIES.map((p) => [p, []]));

describe("eks.ManagedNodeGroup (the same inputs as aws.eks.NodeGroup, with @pulumi/eks's defaults)", () => {
  const compliant = () =>
    component(MANAGED, "gpu", {
      cluster: "ml",
      instanceTypes: ["g5.xlarge"],
      amiType: "AL2023_x86_64_NVIDIA",
      capacityType: "SPOT",
      scalingConfig: { minSize: 0, desiredSize: 1, maxSize: 4 },
      taints: [{ key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" }],
      tags: TAGS,
    });

  it("passes a spot, tainted GPU group that scales to zero", async () => {
    expect(await allMessages([compliant()])).toEqual(NONE);
  });

  it("fails a p4d.24xlarge group on demand, untainted, that keeps a node", async () => {
    const bad = component(MANAGED, "gpu", {
      cluster: "ml",
      instanceTypes: ["p4d.24xlarge"],
      capacityType: "ON_DEMAND",
      scalingConfig: { minSize: 1, desiredSize: 1, maxSize: 2 },
    });
    expect(await allMessages([bad])).toEqual({
      "eks-gpu-node-group-tainted": [
        'GPU node group "gpu" has no nvidia.com/gpu NoSchedule taint: any pod can take its GPUs',
      ],
      "eks-gpu-node-group-scale-to-zero": [
        'GPU node group "gpu" keeps at least 1 node running: set scalingConfig.minSize to 0',
      ],
      "eks-gpu-node-group-spot": [
        'GPU node group "gpu" runs on-demand GPUs: use capacityType SPOT, with on-demand only as a fallback from zero',
      ],
      "eks-node-group-instance-allowlist": [
        'Node group "gpu" uses p4d.24xlarge, not in this stack\'s allowedInstanceTypes (g4dn.xlarge, g5.xlarge, p3.2xlarge, m5.large, m5.xlarge)',
      ],
    });
  });

  it("reads gpu: true as a GPU group and applies @pulumi/eks's defaults (t3.medium, 2 nodes, minimum 1)", async () => {
    const bare = component(MANAGED, "gpu", { cluster: "ml", gpu: true });
    expect(await messagesOf("eks-gpu-node-group-scale-to-zero", [bare])).toEqual([
      'GPU node group "gpu" keeps at least 1 node running: set scalingConfig.minSize to 0',
    ]);
    expect(await messagesOf("eks-node-group-instance-allowlist", [bare])).toEqual([
      'Node group "gpu" uses t3.medium, not in this stack\'s allowedInstanceTypes (g4dn.xlarge, g5.xlarge, p3.2xlarge, m5.large, m5.xlarge)',
    ]);
  });

  it("judges the component, not the aws.eks.NodeGroup it declares in a real preview (one report per group)", async () => {
    const child = declared(
      AWS_NODE_GROUP,
      "gpu",
      { instanceTypes: ["p4d.24xlarge"], capacityType: "ON_DEMAND", scalingConfig: { minSize: 1 } },
      { urn: `urn:pulumi:test::fx::${MANAGED}$${AWS_NODE_GROUP}::gpu` },
    );
    const result = await evaluateOne("eks-gpu-node-group-spot", [child]);
    expect(result.violations).toEqual([]);
    expect(result.notApplicable).toEqual({ "eks-gpu-node-group-spot": 1 });
  });

  it("decides GPU from a known signal when another is unknown during preview, and does not run when none is known", async () => {
    const known = component(MANAGED, "gpu", {
      cluster: "ml",
      amiType: UNKNOWN_STRING,
      instanceTypes: ["p4d.24xlarge"],
      capacityType: "SPOT",
      scalingConfig: { minSize: 0, desiredSize: 0, maxSize: 2 },
    });
    expect(await messagesOf("eks-gpu-node-group-tainted", [known])).toEqual([
      'GPU node group "gpu" has no nvidia.com/gpu NoSchedule taint: any pod can take its GPUs',
    ]);
    const unknown = component(MANAGED, "gpu", {
      cluster: "ml",
      instanceTypes: [UNKNOWN_STRING],
      capacityType: "SPOT",
    });
    const { violations } = await evaluateOne("eks-gpu-node-group-tainted", [unknown]);
    expect(violations.map((v) => [v.level, v.message.replace(/'[^']*@[^']*'/, "'<pack>'")])).toEqual([
      [
        "advisory",
        "can't run policy 'eks-gpu-node-group-tainted' from policy pack '<pack>' during preview: string value at .instanceTypes.0 can't be known during preview",
      ],
    ]);
  });
});

describe.each([
  ["eks.NodeGroupV2", V2],
  ["eks.NodeGroup", V1],
])("%s (instanceType, gpu, spotPrice, taints as a map, minSize, desiredCapacity)", (_, type) => {
  it("passes a spot, tainted GPU group that scales to zero", async () => {
    const good = component(type, "gpu", {
      cluster: "ml",
      instanceType: "g5.xlarge",
      gpu: true,
      spotPrice: "1.10",
      minSize: 0,
      desiredCapacity: 1,
      maxSize: 4,
      taints: { "nvidia.com/gpu": { value: "true", effect: "NoSchedule" } },
    });
    expect(await allMessages([good])).toEqual(NONE);
  });

  it("fails a p4d.24xlarge group on demand, untainted, that keeps a node (defaults: minSize 1, 2 nodes)", async () => {
    const bad = component(type, "gpu", {
      cluster: "ml",
      instanceType: "p4d.24xlarge",
      taints: { "nvidia.com/gpu": { value: "true", effect: "PreferNoSchedule" } },
    });
    expect(await allMessages([bad])).toEqual({
      "eks-gpu-node-group-tainted": [
        'GPU node group "gpu" has no nvidia.com/gpu NoSchedule taint: any pod can take its GPUs',
      ],
      "eks-gpu-node-group-scale-to-zero": [
        'GPU node group "gpu" keeps at least 1 node running: set minSize to 0',
      ],
      "eks-gpu-node-group-spot": [
        'GPU node group "gpu" runs on-demand GPUs: use spotPrice, with on-demand only as a fallback from zero',
      ],
      "eks-node-group-instance-allowlist": [
        'Node group "gpu" uses p4d.24xlarge, not in this stack\'s allowedInstanceTypes (g4dn.xlarge, g5.xlarge, p3.2xlarge, m5.large, m5.xlarge)',
      ],
    });
  });

  it("passes an on-demand fallback that starts at zero, and skips CPU groups", async () => {
    const fallback = component(type, "gpu-fallback", {
      instanceType: "g5.xlarge",
      minSize: 0,
      desiredCapacity: 0,
      taints: { "nvidia.com/gpu": { value: "true", effect: "NoSchedule" } },
    });
    expect(await messagesOf("eks-gpu-node-group-spot", [fallback])).toEqual([]);
    const cpu = component(type, "cpu", { instanceType: "m5.large" });
    const result = await evaluateOne("eks-gpu-node-group-tainted", [cpu]);
    expect(result.notApplicable).toEqual({ "eks-gpu-node-group-tainted": 1 });
  });
});

describe("eks.Cluster's default node group", () => {
  const cluster = (inputs: Record<string, unknown>) =>
    component(CLUSTER, "ml", { version: "1.34", endpointPublicAccess: false, ...inputs });

  it("fails a GPU default node group of p4d.24xlarge, on demand and untainted", async () => {
    expect(await allMessages([cluster({ instanceType: "p4d.24xlarge", desiredCapacity: 1 })])).toEqual({
      "eks-gpu-node-group-tainted": [
        'GPU default node group of EKS cluster "ml" has no nvidia.com/gpu NoSchedule taint: any pod can take its GPUs',
      ],
      "eks-gpu-node-group-scale-to-zero": [
        'GPU default node group of EKS cluster "ml" keeps at least 1 node running: set minSize to 0',
      ],
      "eks-gpu-node-group-spot": [
        'GPU default node group of EKS cluster "ml" runs on-demand GPUs: use spotPrice, with on-demand only as a fallback from zero',
      ],
      "eks-node-group-instance-allowlist": [
        'Default node group of EKS cluster "ml" uses p4d.24xlarge, not in this stack\'s allowedInstanceTypes (g4dn.xlarge, g5.xlarge, p3.2xlarge, m5.large, m5.xlarge)',
      ],
    });
  });

  it("reads nodeGroupOptions and names its fields; passes a compliant GPU default group", async () => {
    const options = {
      instanceType: "g5.xlarge",
      gpu: true,
      spotPrice: "1.10",
      minSize: 0,
      desiredCapacity: 1,
      maxSize: 2,
      taints: { "nvidia.com/gpu": { value: "true", effect: "NoSchedule" } },
    };
    expect(await allMessages([cluster({ nodeGroupOptions: options })])).toEqual(NONE);
    expect(
      await messagesOf("eks-gpu-node-group-scale-to-zero", [
        cluster({ nodeGroupOptions: { ...options, minSize: 2, desiredCapacity: 2 } }),
      ]),
    ).toEqual([
      'GPU default node group of EKS cluster "ml" keeps at least 2 nodes running: set nodeGroupOptions.minSize to 0',
    ]);
  });

  it("is not applicable when the cluster skips its default node group (or Fargate or Auto Mode replaces it)", async () => {
    for (const inputs of [
      { skipDefaultNodeGroup: true, instanceType: "p4d.24xlarge" },
      { fargate: true, instanceType: "p4d.24xlarge" },
      { autoMode: { enabled: true }, instanceType: "p4d.24xlarge" },
    ]) {
      const result = await evaluateOne("eks-node-group-instance-allowlist", [cluster(inputs)]);
      expect(result.violations, JSON.stringify(inputs)).toEqual([]);
      expect(result.notApplicable).toEqual({ "eks-node-group-instance-allowlist": 1 });
    }
  });

  it("judges a CPU default node group by the allowlist only (t3.medium unless set)", async () => {
    const cpu = cluster({});
    expect(await allMessages([cpu])).toEqual({
      ...NONE,
      "eks-node-group-instance-allowlist": [
        'Default node group of EKS cluster "ml" uses t3.medium, not in this stack\'s allowedInstanceTypes (g4dn.xlarge, g5.xlarge, p3.2xlarge, m5.large, m5.xlarge)',
      ],
    });
  });
});
