import * as path from "node:path";

import { describe, expect, it } from "vitest";

import { POLICY_PACK_DIR, readPackConfig, templatePolicyPack } from "../../scripts/cli/offline/policy-check";
import { evaluatePolicies, resolvePolicies } from "../../scripts/cli/offline/policy-engine";

import { configProblems, resource, runStack, stackConfig } from "../harness";

/** Dev's settings with EKS switched on: dev leaves it off, as an idle cluster breaks dev's $15 idle target. */
function devWithEks(): Record<string, unknown> {
  const features = JSON.parse(stackConfig("dev").config["mlplat:features"] ?? "{}") as Record<
    string,
    unknown
  >;
  return { "mlplat:features": { ...features, eks: true } };
}

describe("EKS in the stacks", () => {
  it("leaves EKS off in dev, whose idle cost must stay small", async () => {
    const run = await runStack("dev");
    expect(run.resources.filter((r) => r.type.startsWith("eks:") || r.type.startsWith("aws:eks/"))).toEqual(
      [],
    );
    expect(run.outputs.eks).toBeUndefined();
  });

  it("declares dev's private cluster in the platform's subnets and its spot GPU group, at zero nodes", async () => {
    const run = await runStack("dev", devWithEks());
    expect(resource(run, "eks:index:Cluster", "mlplat-dev-ml-cluster").inputs).toMatchObject({
      name: "mlplat-dev-ml",
      version: "1.34",
      endpointPublicAccess: false,
      privateSubnetIds: [
        "mlplat-dev-network-private-0-id",
        "mlplat-dev-network-private-1-id",
        "mlplat-dev-network-private-2-id",
      ],
    });
    expect(resource(run, "aws:eks/nodeGroup:NodeGroup", "mlplat-dev-gpu-spot").inputs).toMatchObject({
      clusterName: "mlplat-dev-ml",
      capacityType: "SPOT",
      scalingConfig: { minSize: 0, desiredSize: 0, maxSize: 10 },
    });
    expect(resource(run, "aws:kms/key:Key", "mlplat-dev-ml-secrets-key").protect).toBeUndefined();
    expect(run.outputs.eks).toEqual({ clusterName: "mlplat-dev-ml" });
  });

  it("protects prod's secrets key, as prod protects its data", async () => {
    const run = await runStack("prod");
    expect(resource(run, "aws:kms/key:Key", "mlplat-prod-ml-secrets-key")).toMatchObject({
      protect: true,
      retainOnDelete: true,
    });
  });

  it("reports EKS config problems with their keys", () => {
    expect(
      configProblems("dev", {
        ...devWithEks(),
        "mlplat:eks": {
          version: "1.29",
          publicAccessCidrs: ["0.0.0.0/0"],
          gpuNodeGroup: { instanceTypes: ["g5.xlarge"], minSize: 5, maxSize: 3, capacity: "SPOT" },
        },
      }),
    ).toEqual([
      'mlplat:eks.gpuNodeGroup.capacity: got "SPOT", expected no such key: known keys here are instanceTypes, amiType, minSize, desiredSize, maxSize, diskSizeGb, capacityType, onDemandFallback; did you mean capacityType?',
      'mlplat:eks.version: got "1.29", expected a Kubernetes version in EKS standard support: 1.33, 1.34, 1.35',
      'mlplat:eks.publicAccessCidrs.0: got "0.0.0.0/0", expected an IPv4 CIDR block from /8 to /32, e.g. 203.0.113.0/24',
      "mlplat:eks.gpuNodeGroup.desiredSize: got 2, expected at least minSize (5)",
      "mlplat:eks.gpuNodeGroup.maxSize: got 3, expected at least minSize and desiredSize (5)",
    ]);
  });
});

describe("EKS with Karpenter", () => {
  it("replaces the GPU node group with Karpenter and passes dev's policy pack", async () => {
    const eks = JSON.parse(stackConfig("dev").config["mlplat:eks"] ?? "{}") as Record<string, unknown>;
    const run = await runStack("dev", {
      ...devWithEks(),
      "mlplat:eks": { ...eks, karpenter: { enabled: true, gpuLimit: 4 } },
    });
    expect(run.resources.filter((r) => r.type === "aws:eks/nodeGroup:NodeGroup").map((r) => r.name)).toEqual([
      "mlplat-dev-ml-system",
    ]);
    expect(
      resource(run, "kubernetes:karpenter.sh/v1:NodePool", "mlplat-dev-karpenter-gpu-node-pool").inputs.spec,
    ).toMatchObject({
      limits: { "nvidia.com/gpu": 4 },
    });
    const pack = templatePolicyPack();
    const policies = resolvePolicies(
      pack,
      readPackConfig(path.join(POLICY_PACK_DIR, "config", "dev.json")),
      "dev",
    );
    const { violations } = await evaluatePolicies(run, pack, policies);
    expect(violations.filter((v) => v.level === "mandatory")).toEqual([]);
  });

  it("names a bad Karpenter setting", () => {
    const eks = JSON.parse(stackConfig("dev").config["mlplat:eks"] ?? "{}") as Record<string, unknown>;
    expect(
      configProblems("dev", {
        ...devWithEks(),
        "mlplat:eks": {
          ...eks,
          karpenter: { enabled: true, gpuInstanceFamilies: ["m5"], gpuInstanceSizes: ["huge"], gpuLimit: 0 },
        },
      }),
    ).toEqual([
      'mlplat:eks.karpenter.gpuInstanceFamilies.0: got "m5", expected an NVIDIA GPU family: g4dn, g5, g6, p3, p4d, p5',
      'mlplat:eks.karpenter.gpuInstanceSizes.0: got "huge", expected an EC2 instance size such as xlarge, 2xlarge, 12xlarge or metal',
      "mlplat:eks.karpenter.gpuLimit: got 0, expected a whole number from 1 to 1000",
    ]);
  });
});
