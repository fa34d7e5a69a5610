/** The EKS GPU node-group policies judge Karpenter NodePools (Kubernetes objects) by the same rules. */
import { describe, expect, it } from "vitest";

import { policyProxy } from "../../policies/lib/unknown";
import { declared, evaluateOne, messagesOf } from "./helpers";

const NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool";
const GPU_POLICIES = [
  "eks-gpu-node-group-tainted",
  "eks-gpu-node-group-spot",
  "eks-gpu-node-group-scale-to-zero",
];

/** A NodePool as a program declares it with k8s.apiextensions.CustomResource (or applies it from YAML). */
function nodePool(name: string, spec: Record<string, unknown>) {
  return declared(
    NODE_POOL,
    name,
    { apiVersion: "karpenter.sh/v1", kind: "NodePool", metadata: { name }, spec: { template: { spec } } },
    { custom: true },
  );
}

const requirement = (key: string, values: string[], operator = "In") => ({ key, operator, values });
const GPU_TAINT = { key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" };

describe("Karpenter NodePools under the GPU node-group policies", () => {
  it("pass a GPU pool of allowed types, on spot, tainted", async () => {
    const pool = nodePool("gpu", {
      requirements: [
        requirement("node.kubernetes.io/instance-type", ["g5.xlarge"]),
        requirement("karpenter.sh/capacity-type", ["spot", "on-demand"]),
      ],
      taints: [GPU_TAINT],
    });
    for (const policy of [...GPU_POLICIES, "eks-node-group-instance-allowlist"]) {
      expect(await messagesOf(policy, [pool]), policy).toEqual([]);
    }
  });

  it("fail an on-demand, untainted pool of any g or p instance", async () => {
    const pool = nodePool("gpu", {
      requirements: [
        requirement("karpenter.k8s.aws/instance-category", ["g", "p"]),
        requirement("karpenter.sh/capacity-type", ["on-demand"]),
      ],
    });
    expect(await messagesOf("eks-gpu-node-group-tainted", [pool])).toEqual([
      'GPU Karpenter NodePool "gpu" has no nvidia.com/gpu NoSchedule taint: any pod can take its GPUs',
    ]);
    expect(await messagesOf("eks-gpu-node-group-spot", [pool])).toEqual([
      'GPU Karpenter NodePool "gpu" runs on-demand GPUs: use spec.template.spec.requirements ' +
        "karpenter.sh/capacity-type spot, with on-demand only as a fallback from zero",
    ]);
    expect(await messagesOf("eks-node-group-instance-allowlist", [pool])).toEqual([
      'Karpenter NodePool "gpu" uses any instance type its requirements allow, not in this stack\'s ' +
        "allowedInstanceTypes (g4dn.xlarge, g5.xlarge, p3.2xlarge, m5.large, m5.xlarge)",
    ]);
    expect(await messagesOf("eks-gpu-node-group-scale-to-zero", [pool])).toEqual([]);
  });

  it("read a pool's instance types from its families and sizes", async () => {
    const pool = (sizes: string[]) =>
      nodePool("gpu", {
        requirements: [
          requirement("karpenter.k8s.aws/instance-family", ["g5", "g4dn"]),
          requirement("karpenter.k8s.aws/instance-size", sizes),
        ],
        taints: [GPU_TAINT],
      });
    expect(await messagesOf("eks-node-group-instance-allowlist", [pool(["xlarge"])])).toEqual([]);
    expect(await messagesOf("eks-node-group-instance-allowlist", [pool(["xlarge", "48xlarge"])])).toEqual([
      'Karpenter NodePool "gpu" uses g5.48xlarge, g4dn.48xlarge, not in this stack\'s allowedInstanceTypes ' +
        "(g4dn.xlarge, g5.xlarge, p3.2xlarge, m5.large, m5.xlarge)",
    ]);
  });

  it("leave CPU pools to the allowlist alone, and do not run on requirements unknown during preview", async () => {
    const cpu = nodePool("general", {
      requirements: [requirement("node.kubernetes.io/instance-type", ["m5.large"])],
    });
    for (const policy of GPU_POLICIES) {
      expect((await evaluateOne(policy, [cpu])).notApplicable[policy], policy).toBe(1);
    }
    const unknown = nodePool("gpu", { requirements: policyProxy.unknownStringValue });
    expect(
      (await evaluateOne("eks-gpu-node-group-tainted", [unknown])).violations.map((v) => v.level),
    ).toEqual(["advisory"]);
  });
});
