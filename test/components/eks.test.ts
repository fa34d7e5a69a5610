import { beforeAll, describe, expect, it } from "vitest";

import {
  GpuNodeGroup,
  Karpenter,
  MlCluster,
  resolveGpuNodeGroupSettings,
  validateEksClusterSettings,
  resolveEksClusterSettings,
  validateGpuNodeGroupSettings,
} from "../../components/eks";
import { formatIssue } from "../../components/validation";
import type { ProgramRun } from "../../scripts/cli/offline/runner";
import { policyOf, resource, resourcesOfType, runInline } from "../harness";

describe("EKS settings", () => {
  it("defaults to the seed's GPU node group: g5.xlarge, 0/2/10 nodes, 100 GB, spot with an on-demand fallback", () => {
    expect(resolveGpuNodeGroupSettings()).toEqual({
      instanceTypes: ["g5.xlarge"],
      amiType: "AL2023_x86_64_NVIDIA",
      minSize: 0,
      desiredSize: 2,
      maxSize: 10,
      diskSizeGb: 100,
      capacityType: "SPOT",
      onDemandFallback: true,
    });
    expect(validateGpuNodeGroupSettings(resolveGpuNodeGroupSettings())).toEqual([]);
  });

  it("names every problem: sizes out of order, a non-GPU type, a non-NVIDIA AMI", () => {
    const s = resolveGpuNodeGroupSettings({
      instanceTypes: ["g5.xlarg", "m5.large"],
      amiType: "AL2_x86_64",
      minSize: 3,
      desiredSize: 2,
      maxSize: 2,
    });
    expect(validateGpuNodeGroupSettings(s).map(formatIssue)).toEqual([
      'instanceTypes.0: got "g5.xlarg", expected an NVIDIA GPU instance type of the seed\'s table: p3.2xlarge, p3.8xlarge, p4d.24xlarge, g4dn.xlarge, g5.xlarge; did you mean g5.xlarge?',
      'instanceTypes.1: got "m5.large", expected an NVIDIA GPU instance type of the seed\'s table: p3.2xlarge, p3.8xlarge, p4d.24xlarge, g4dn.xlarge, g5.xlarge; did you mean g5.xlarge?',
      'amiType: got "AL2_x86_64", expected an NVIDIA AMI type: AL2023_x86_64_NVIDIA, BOTTLEROCKET_x86_64_NVIDIA',
      "desiredSize: got 2, expected at least minSize (3)",
      "maxSize: got 2, expected at least minSize and desiredSize (3)",
    ]);
  });

  it("refuses unsupported versions and an endpoint open to the whole internet", () => {
    expect(
      validateEksClusterSettings(
        resolveEksClusterSettings({ version: "1.27", publicAccessCidrs: ["0.0.0.0/0", "10.0.0.0"] }),
      ).map(formatIssue),
    ).toEqual([
      'version: got "1.27", expected a Kubernetes version in EKS standard support: 1.33, 1.34, 1.35',
      'publicAccessCidrs.0: got "0.0.0.0/0", expected an IPv4 CIDR block from /8 to /32, e.g. 203.0.113.0/24',
      'publicAccessCidrs.1: got "10.0.0.0", expected an IPv4 CIDR block from /8 to /32, e.g. 203.0.113.0/24',
    ]);
  });
});

describe("MlCluster and GpuNodeGroup", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runInline("dev", () => {
      const cluster = new MlCluster("ml", { vpcId: "vpc-1", privateSubnetIds: ["subnet-a", "subnet-b"] });
      new GpuNodeGroup("gpu", {
        clusterName: cluster.clusterName,
        subnetIds: ["subnet-a", "subnet-b"],
        dependsOn: [cluster.cluster],
      });
      return {};
    });
  });

  it("declares a private cluster with encrypted secrets, every log type, OIDC and no default node group", () => {
    expect(resource(run, "eks:index:Cluster", "ml-cluster").inputs).toMatchObject({
      name: "ml",
      version: "1.34",
      endpointPrivateAccess: true,
      endpointPublicAccess: false,
      encryptionConfigKeyArn: "arn:aws:kms:ap-northeast-2:123456789012:key/ml-secrets-key-key-id",
      enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
      createOidcProvider: true,
      authenticationMode: "API",
      skipDefaultNodeGroup: true,
    });
    expect(resource(run, "aws:kms/key:Key", "ml-secrets-key").inputs.enableKeyRotation).toBe(true);
  });

  it("deploys the NVIDIA device plugin on GPU nodes only, through the cluster's kubeconfig", () => {
    const release = resource(run, "kubernetes:helm.sh/v3:Release", "ml-nvidia-device-plugin");
    expect(release.inputs).toMatchObject({
      chart: "nvidia-device-plugin",
      version: "0.17.1",
      namespace: "kube-system",
      values: {
        nodeSelector: { "node-type": "gpu" },
        tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
      },
    });
    expect(resource(run, "pulumi:providers:kubernetes", "ml-k8s").inputs).toMatchObject({
      enableServerSideApply: "true",
    });
  });

  it("declares the seed's spot GPU group, tainted and labelled, and an on-demand fallback that starts at zero", () => {
    const spot = resource(run, "aws:eks/nodeGroup:NodeGroup", "gpu-spot");
    expect(spot.inputs).toMatchObject({
      clusterName: "ml",
      instanceTypes: ["g5.xlarge"],
      amiType: "AL2023_x86_64_NVIDIA",
      capacityType: "SPOT",
      diskSize: 100,
      scalingConfig: { minSize: 0, desiredSize: 2, maxSize: 10 },
      labels: { "node-type": "gpu" },
      taints: [{ key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" }],
    });
    expect(resource(run, "aws:eks/nodeGroup:NodeGroup", "gpu-on-demand-fallback").inputs).toMatchObject({
      capacityType: "ON_DEMAND",
      scalingConfig: { minSize: 0, desiredSize: 0, maxSize: 10 },
    });
    expect(spot.dependencies).toContain(resource(run, "eks:index:Cluster", "ml-cluster").urn);
  });

  it("tags each group's Auto Scaling group with the autoscaler's node template, for scale-from-zero", () => {
    const tags = resourcesOfType(run, "aws:autoscaling/tag:Tag").filter((t) =>
      t.name.startsWith("gpu-spot-"),
    );
    expect(
      tags.map((t) => [
        t.inputs.autoscalingGroupName,
        (t.inputs.tag as { key: string }).key,
        (t.inputs.tag as { value: string }).value,
      ]),
    ).toEqual([
      ["eks-gpu-spot-asg", "k8s.io/cluster-autoscaler/enabled", "true"],
      ["eks-gpu-spot-asg", "k8s.io/cluster-autoscaler/ml", "owned"],
      ["eks-gpu-spot-asg", "k8s.io/cluster-autoscaler/node-template/label/node-type", "gpu"],
      ["eks-gpu-spot-asg", "k8s.io/cluster-autoscaler/node-template/taint/nvidia.com/gpu", "true:NoSchedule"],
      ["eks-gpu-spot-asg", "k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu", "1"],
    ]);
  });

  it("gives nodes the three EKS worker policies and nothing more", () => {
    expect(
      resourcesOfType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        .filter((a) => a.name.startsWith("gpu-"))
        .map((a) => a.inputs.policyArn),
    ).toEqual([
      "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
      "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
      "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    ]);
  });
});

describe("system nodes", () => {
  it("gives add-ons two untainted on-demand nodes, so CoreDNS and controllers have somewhere to run", async () => {
    const run = await runInline("dev", () => {
      new MlCluster("ml", { vpcId: "vpc-1", privateSubnetIds: ["subnet-a"] });
      return {};
    });
    const system = resource(run, "aws:eks/nodeGroup:NodeGroup", "ml-system");
    expect(system.inputs).toMatchObject({
      clusterName: "ml",
      instanceTypes: ["m5.large"],
      amiType: "AL2023_x86_64_STANDARD",
      capacityType: "ON_DEMAND",
      scalingConfig: { minSize: 2, desiredSize: 2, maxSize: 4 },
      labels: { "node-type": "system" },
    });
    expect(system.inputs.taints).toBeUndefined();
  });
});

describe("Karpenter", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runInline("dev", () => {
      const cluster = new MlCluster("ml", { vpcId: "vpc-1", privateSubnetIds: ["subnet-a", "subnet-b"] });
      new Karpenter("karp", {
        clusterName: cluster.clusterName,
        clusterSecurityGroupId: cluster.clusterSecurityGroupId,
        subnetIds: ["subnet-a", "subnet-b"],
        kubernetes: cluster.kubernetes,
        gpuLimit: 8,
      });
      return {};
    });
  });

  it("provisions tainted GPU nodes, spot first with on-demand when spot is unavailable, up to the GPU limit", () => {
    const pool = resource(run, "kubernetes:karpenter.sh/v1:NodePool", "karp-gpu-node-pool");
    expect(pool.inputs.spec).toEqual({
      template: {
        metadata: { labels: { "node-type": "gpu" } },
        spec: {
          nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "gpu" },
          requirements: [
            { key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["g5", "g4dn"] },
            { key: "karpenter.k8s.aws/instance-size", operator: "In", values: ["xlarge"] },
            { key: "karpenter.sh/capacity-type", operator: "In", values: ["spot", "on-demand"] },
          ],
          taints: [{ key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" }],
        },
      },
      limits: { "nvidia.com/gpu": 8 },
      disruption: { consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "5m" },
    });
    const nodeClass = resource(run, "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "karp-gpu-node-class");
    expect(nodeClass.inputs.spec).toMatchObject({
      role: "karp-node-role",
      subnetSelectorTerms: [{ tags: { "karpenter.sh/discovery": "ml" } }],
      metadataOptions: { httpTokens: "required" },
      blockDeviceMappings: [
        { deviceName: "/dev/xvda", ebs: { volumeSize: "100Gi", volumeType: "gp3", encrypted: true } },
      ],
    });
  });

  it("tags the subnets and the cluster security group for discovery", () => {
    const tags = resourcesOfType(run, "aws:ec2/tag:Tag").map((t) => [
      t.inputs.resourceId,
      t.inputs.key,
      t.inputs.value,
    ]);
    expect(tags).toEqual([
      ["sg-ml-cluster", "karpenter.sh/discovery", "ml"],
      ["subnet-a", "karpenter.sh/discovery", "ml"],
      ["subnet-b", "karpenter.sh/discovery", "ml"],
    ]);
  });

  it("gives the controller, through Pod Identity, writes only on ARNs it owns; reads alone go on *", () => {
    const association = resource(
      run,
      "aws:eks/podIdentityAssociation:PodIdentityAssociation",
      "karp-pod-identity",
    );
    expect(association.inputs).toMatchObject({
      clusterName: "ml",
      namespace: "kube-system",
      serviceAccount: "karpenter",
    });
    const statements = policyOf(
      resource(run, "aws:iam/rolePolicy:RolePolicy", "karp-controller-policy"),
    ).Statement;
    const onStar = statements.filter((s) => s.Resource === "*").flatMap((s) => s.Action as string[]);
    expect(onStar.every((a) => /^(ec2:Describe|pricing:Get)/.test(a))).toBe(true);
    const terminate = statements.find((s) => s.Sid === "TerminateOnlyItsOwn");
    expect(terminate?.Condition).toEqual({
      StringEquals: { "aws:ResourceTag/kubernetes.io/cluster/ml": "owned" },
      StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
    });
    expect(statements.flatMap((s) => s.Action as string[]).some((a) => a.includes("*"))).toBe(false);
  });

  it("drains nodes before spot reclaims them: four event rules feed the interruption queue", () => {
    expect(resourcesOfType(run, "aws:cloudwatch/eventTarget:EventTarget")).toHaveLength(4);
    expect(resource(run, "kubernetes:helm.sh/v3:Release", "karp-controller").inputs).toMatchObject({
      chart: "oci://public.ecr.aws/karpenter/karpenter",
      version: "1.6.3",
      values: { settings: { clusterName: "ml", interruptionQueue: "karp-interruptions" } },
    });
  });
});
