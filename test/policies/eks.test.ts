import { describe, expect, it } from "vitest";

import { policyProxy } from "../../policies/lib/unknown";
import type { DeclaredResource } from "../../scripts/cli/offline/runner";
import { changed, declared, evaluateOne, messagesOf, TAGS } from "./helpers";

const CLUSTER = "eks:index:Cluster";
const AWS_CLUSTER = "aws:eks/cluster:Cluster";
const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const LOGS = ["api", "audit", "authenticator", "controllerManager", "scheduler"];
const MANAGED = "eks:index:ManagedNodeGroup";
const UNKNOWN_STRING = policyProxy.unknownStringValue;

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
      "eks-cluster-public-endpoint-disabled",
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

describe("eks-cluster-public-endpoint-disabled", () => {
  const policy = "eks-cluster-public-endpoint-disabled";

  it("fails a public endpoint left to the default, and one limited to an allowlist", async () => {
    expect(await messagesOf(policy, changed(platform(), "ml", { endpointPublicAccess: undefined }))).toEqual([
      'EKS cluster "ml" has a public API endpoint (the default when endpointPublicAccess is not false): set endpointPublicAccess to false and reach the API from inside the VPC',
    ]);
    expect(
      await messagesOf(
        policy,
        changed(platform(), "ml", { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] }),
      ),
    ).toEqual([
      'EKS cluster "ml" has a public API endpoint to 203.0.113.0/24: set endpointPublicAccess to false and reach the API from inside the VPC',
    ]);
  });

  it("reads aws.eks.Cluster's vpcConfig, skips other types, and cannot run on an unknown setting", async () => {
    const raw = (vpcConfig: Record<string, unknown>) => [declared(AWS_CLUSTER, "raw", { vpcConfig })];
    expect(await messagesOf(policy, raw({ endpointPublicAccess: false }))).toEqual([]);
    expect(await messagesOf(policy, raw({ subnetIds: ["subnet-a"] }))).toEqual([
      'EKS cluster "raw" has a public API endpoint (the default when endpointPublicAccess is not false): set vpcConfig.endpointPublicAccess to false and reach the API from inside the VPC',
    ]);
    const other = await evaluateOne(policy, [platform()[1] as DeclaredResource]);
    expect(other.notApplicable).toEqual({ [policy]: 1 });
    const unknown = await evaluateOne(policy, raw({ endpointPublicAccess: UNKNOWN_STRING }));
    expect(unknown.violations.map((v) => v.level)).toEqual(["advisory"]);
  });
});

describe("eks-node-group-ssh-restricted", () => {
  const policy = "eks-node-group-ssh-restricted";
  const MESSAGE =
    'EKS node group "gpu-spot" sets remoteAccess.ec2SshKey without sourceSecurityGroupIds: EKS opens SSH on its nodes to 0.0.0.0/0; name the source security groups or drop remoteAccess';

  it("fails an SSH key without source security groups, passes one with them", async () => {
    expect(
      await messagesOf(policy, changed(platform(), "gpu-spot", { remoteAccess: { ec2SshKey: "ops" } })),
    ).toEqual([MESSAGE]);
    expect(
      await messagesOf(
        policy,
        changed(platform(), "gpu-spot", {
          remoteAccess: { ec2SshKey: "ops", sourceSecurityGroupIds: ["sg-1"] },
        }),
      ),
    ).toEqual([]);
    expect(
      await messagesOf(
        policy,
        changed(platform(), "gpu-spot", {
          remoteAccess: { ec2SshKey: UNKNOWN_STRING, sourceSecurityGroupIds: [] },
        }),
      ),
    ).toEqual([MESSAGE]);
  });

  it("judges eks.ManagedNodeGroup by its inputs; not applicable to self-managed groups", async () => {
    const managed = declared(
      MANAGED,
      "gpu-spot",
      { cluster: "ml", remoteAccess: { ec2SshKey: "ops" } },
      { custom: false, remote: true },
    );
    expect(await messagesOf(policy, [managed])).toEqual([MESSAGE]);
    const selfManaged = declared("eks:index:NodeGroupV2", "cpu", { cluster: "ml", keyName: "ops" });
    const result = await evaluateOne(policy, [selfManaged]);
    expect(result.violations).toEqual([]);
    expect(result.notApplicable).toEqual({ [policy]: 1 });
  });

  it("cannot run when the source security groups are unknown during preview", async () => {
    const unknown = changed(platform(), "gpu-spot", {
      remoteAccess: { ec2SshKey: "ops", sourceSecurityGroupIds: UNKNOWN_STRING },
    });
    expect((await evaluateOne(policy, unknown)).violations.map((v) => v.level)).toEqual(["advisory"]);
  });
});

describe("EKS node group policies", () => {
  it("pass the GPU group GpuNodeGroup declares", async () => {
    for (const policy of [
      "eks-gpu-node-group-tainted",
      "eks-gpu-node-group-scale-to-zero",
      "eks-gpu-node-group-spot",
      "eks-node-group-instance-allowlist",
      "eks-node-group-ssh-restricted",
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
