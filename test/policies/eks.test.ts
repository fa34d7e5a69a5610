import { describe, expect, it } from "vitest";

import type { DeclaredResource } from "../../scripts/cli/offline/runner";
import { changed, declared, evaluateOne, messagesOf, TAGS } from "./helpers";

const CLUSTER = "eks:index:Cluster";
const AWS_CLUSTER = "aws:eks/cluster:Cluster";
const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const LOGS = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

/** The cluster and GPU group as MlCluster and GpuNodeGroup declare them. */
function platform(): DeclaredResource[] {
  return [
    declared(CLUSTER, "ml", {
      name: "ml",
      version: "1.34",
      endpointPrivateAccess: true,
      endpointPublicAccess: false,
      encryptionConfigKeyArn: "arn:aws:kms:ap-northeast-2:123456789012:key/k",
      enabledClusterLogTypes: LOGS,
      skipDefaultNodeGroup: true,
      tags: TAGS,
    }),
    declared(NODE_GROUP, "gpu-spot", {
      clusterName: "ml",
      instanceTypes: ["g5.xlarge"],
      amiType: "AL2023_x86_64_NVIDIA",
      capacityType: "SPOT",
      scalingConfig: { minSize: 0, desiredSize: 2, maxSize: 10 },
      taints: [{ key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" }],
      labels: { "node-type": "gpu" },
      tags: TAGS,
    }),
  ];
}

describe("EKS cluster policies", () => {
  it("pass the cluster MlCluster declares", async () => {
    for (const policy of [
      "eks-cluster-endpoint-private",
      "eks-cluster-secrets-encrypted",
      "eks-cluster-control-plane-logging",
      "eks-cluster-version-supported",
    ]) {
      expect(await messagesOf(policy, platform()), policy).toEqual([]);
    }
  });

  it("eks-cluster-endpoint-private: fails an endpoint open to the internet, passes a CIDR allowlist", async () => {
    const policy = "eks-cluster-endpoint-private";
    expect(await messagesOf(policy, changed(platform(), "ml", { endpointPublicAccess: undefined }))).toEqual([
      'EKS cluster "ml" exposes its API endpoint to the whole internet: make it private or set publicAccessCidrs',
    ]);
    expect(
      await messagesOf(
        policy,
        changed(platform(), "ml", { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] }),
      ),
    ).toHaveLength(1);
    expect(
      await messagesOf(
        policy,
        changed(platform(), "ml", { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] }),
      ),
    ).toEqual([]);
  });

  it("eks-cluster-secrets-encrypted: fails a cluster without a secrets key, in either provider's shape", async () => {
    const policy = "eks-cluster-secrets-encrypted";
    expect(
      await messagesOf(policy, changed(platform(), "ml", { encryptionConfigKeyArn: undefined })),
    ).toEqual(['EKS cluster "ml" does not encrypt Kubernetes secrets with a KMS key']);
    const raw = (encryptionConfig: unknown) => [
      declared(AWS_CLUSTER, "raw", {
        version: "1.34",
        vpcConfig: { endpointPublicAccess: false },
        enabledClusterLogTypes: LOGS,
        encryptionConfig,
      }),
    ];
    expect(await messagesOf(policy, raw({ resources: ["secrets"], provider: { keyArn: "arn:k" } }))).toEqual(
      [],
    );
    expect(await messagesOf(policy, raw(undefined))).toEqual([
      'EKS cluster "raw" does not encrypt Kubernetes secrets with a KMS key',
    ]);
  });

  it("eks-cluster-control-plane-logging: names the missing log types", async () => {
    expect(
      await messagesOf(
        "eks-cluster-control-plane-logging",
        changed(platform(), "ml", { enabledClusterLogTypes: ["api", "audit"] }),
      ),
    ).toEqual(['EKS cluster "ml" does not log authenticator, controllerManager, scheduler']);
  });

  it("eks-cluster-version-supported: fails an old or unpinned version; the pack config sets the list", async () => {
    const policy = "eks-cluster-version-supported";
    expect(await messagesOf(policy, changed(platform(), "ml", { version: "1.28" }))).toEqual([
      'EKS cluster "ml" runs Kubernetes "1.28", outside standard support (1.33, 1.34, 1.35)',
    ]);
    expect(await messagesOf(policy, changed(platform(), "ml", { version: undefined }))).toEqual([
      'EKS cluster "ml" does not pin a Kubernetes version: set one of 1.33, 1.34, 1.35',
    ]);
    expect(
      await messagesOf(policy, changed(platform(), "ml", { version: "1.28" }), {
        supportedVersions: ["1.28"],
      }),
    ).toEqual([]);
  });
});

describe("EKS node group policies", () => {
  it("pass the GPU group GpuNodeGroup declares", async () => {
    for (const policy of [
      "eks-gpu-node-group-tainted",
      "eks-gpu-node-group-scale-to-zero",
      "eks-gpu-node-group-spot",
      "eks-node-group-instance-allowlist",
    ]) {
      expect(await messagesOf(policy, platform()), policy).toEqual([]);
    }
  });

  it("eks-gpu-node-group-tainted: fails an untainted GPU group and skips CPU groups", async () => {
    expect(
      await messagesOf("eks-gpu-node-group-tainted", changed(platform(), "gpu-spot", { taints: undefined })),
    ).toEqual([
      'GPU node group "gpu-spot" has no nvidia.com/gpu NoSchedule taint: any pod can take its GPUs',
    ]);
    const cpu = [
      declared(NODE_GROUP, "cpu", {
        instanceTypes: ["m5.large"],
        amiType: "AL2023_x86_64_STANDARD",
        scalingConfig: { minSize: 1, desiredSize: 1, maxSize: 3 },
      }),
    ];
    const result = await evaluateOne("eks-gpu-node-group-tainted", cpu);
    expect(result.violations).toEqual([]);
    expect(result.notApplicable).toEqual({ "eks-gpu-node-group-tainted": 1 });
  });

  it("eks-gpu-node-group-scale-to-zero: fails a GPU group that keeps nodes", async () => {
    expect(
      await messagesOf(
        "eks-gpu-node-group-scale-to-zero",
        changed(platform(), "gpu-spot", { scalingConfig: { minSize: 2, desiredSize: 2, maxSize: 10 } }),
      ),
    ).toEqual(['GPU node group "gpu-spot" keeps at least 2 nodes running: set scalingConfig.minSize to 0']);
  });

  it("eks-gpu-node-group-spot: fails on-demand GPUs, passes an on-demand fallback that starts at zero", async () => {
    const policy = "eks-gpu-node-group-spot";
    expect(await messagesOf(policy, changed(platform(), "gpu-spot", { capacityType: "ON_DEMAND" }))).toEqual([
      'GPU node group "gpu-spot" runs on-demand GPUs: use capacityType SPOT, with on-demand only as a fallback from zero',
    ]);
    expect(
      await messagesOf(
        policy,
        changed(platform(), "gpu-spot", {
          capacityType: "ON_DEMAND",
          scalingConfig: { minSize: 0, desiredSize: 0, maxSize: 10 },
        }),
      ),
    ).toEqual([]);
  });

  it("eks-node-group-instance-allowlist: fails types outside the stack's list", async () => {
    expect(
      await messagesOf(
        "eks-node-group-instance-allowlist",
        changed(platform(), "gpu-spot", { instanceTypes: ["p4d.24xlarge"] }),
        { allowedInstanceTypes: ["g5.xlarge"] },
      ),
    ).toEqual([
      'Node group "gpu-spot" uses p4d.24xlarge, not in this stack\'s allowedInstanceTypes (g5.xlarge)',
    ]);
  });
});
