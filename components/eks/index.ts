import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { GPU_INSTANCES } from "../catalog/instances";
import { ValidationError } from "../validation";
import {
  CONTROL_PLANE_LOG_TYPES,
  resolveEksClusterSettings,
  resolveGpuNodeGroupSettings,
  validateEksClusterSettings,
  validateGpuNodeGroupSettings,
  type EksClusterSettings,
  type GpuNodeGroupSettings,
} from "./args";

import { GPU_LABEL, GPU_TAINT, nodeRole } from "./nodes";

export * from "./args";
export { GPU_LABEL, GPU_TAINT } from "./nodes";

/** The NVIDIA device plugin chart's version (https://github.com/NVIDIA/k8s-device-plugin). */
export const NVIDIA_DEVICE_PLUGIN_VERSION = "0.17.1";

export interface MlClusterArgs extends EksClusterSettings {
  /**
   * Keep the secrets key when it leaves the stack (protect + retainOnDelete): deleting it makes every
   * secret it encrypted unreadable. @default false
   */
  protectKey?: boolean;
  vpcId: pulumi.Input<string>;
  /** The private subnets the control plane's interfaces and the nodes live in. */
  privateSubnetIds: pulumi.Input<string>[];
  /** Tags for every taggable resource. @default {} */
  tags?: Record<string, string>;
}

/**
 * An EKS cluster for ML workloads (seed §5, §6.1), on @pulumi/eks: API endpoint private unless a CIDR
 * allowlist opens it, Kubernetes secrets encrypted with a rotating KMS key of its own, every control-plane log
 * type sent to CloudWatch Logs, an OIDC provider for IAM roles for service accounts, access entries for
 * authentication, and no default node group (GPU node groups are added with {@link GpuNodeGroup}).
 */
export class MlCluster extends pulumi.ComponentResource {
  /** The cluster's security group (Karpenter's nodes join it). */
  readonly clusterSecurityGroupId: pulumi.Output<string>;
  /** The cluster's name, known before deploy: node groups and autoscaler tags use it. */
  readonly clusterName: string;
  readonly cluster: eks.Cluster;
  readonly secretsKeyArn: pulumi.Output<string>;
  /** A Kubernetes provider for the cluster, for what runs inside it. */
  readonly kubernetes: k8s.Provider;

  constructor(name: string, args: MlClusterArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const settings = resolveEksClusterSettings(args);
    const issues = validateEksClusterSettings(settings);
    if (issues.length > 0) throw new ValidationError(`MlCluster ${name}`, issues);
    super("mlplat:eks:MlCluster", name, {}, opts);

    const tags = { ...(args.tags ?? {}) };
    const key = new aws.kms.Key(
      `${name}-secrets-key`,
      {
        description: `Encrypts the Kubernetes secrets of ${name}`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        tags,
      },
      { parent: this, ...(args.protectKey ? { protect: true, retainOnDelete: true } : {}) },
    );
    const publicCidrs = settings.publicAccessCidrs;
    this.clusterName = name;
    this.cluster = new eks.Cluster(
      `${name}-cluster`,
      {
        name,
        version: settings.version,
        vpcId: args.vpcId,
        privateSubnetIds: args.privateSubnetIds,
        endpointPrivateAccess: true,
        endpointPublicAccess: publicCidrs.length > 0,
        ...(publicCidrs.length > 0 ? { publicAccessCidrs: publicCidrs } : {}),
        encryptionConfigKeyArn: key.arn,
        enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
        createOidcProvider: true,
        authenticationMode: eks.AuthenticationMode.Api,
        skipDefaultNodeGroup: true,
        nodeAssociatePublicIpAddress: false,
        tags,
      },
      { parent: this },
    );
    this.secretsKeyArn = key.arn;

    // System nodes: CoreDNS, the device plugin's controller side, Karpenter and other add-ons need nodes
    // without the GPU taint. Two small on-demand nodes, in the private subnets.
    const system = nodeRole(`${name}-system-node-role`, `System nodes of ${name}`, tags, this);
    new aws.eks.NodeGroup(
      `${name}-system`,
      {
        clusterName: name,
        nodeRoleArn: system.role.arn,
        subnetIds: args.privateSubnetIds,
        instanceTypes: [settings.systemInstanceType],
        amiType: "AL2023_x86_64_STANDARD",
        capacityType: "ON_DEMAND",
        diskSize: 50,
        scalingConfig: { minSize: 2, desiredSize: 2, maxSize: 4 },
        labels: { "node-type": "system" },
        tags,
      },
      { parent: this, dependsOn: [this.cluster, ...system.attachments] },
    );

    this.kubernetes = new k8s.Provider(
      `${name}-k8s`,
      { kubeconfig: this.cluster.kubeconfigJson, enableServerSideApply: true },
      { parent: this },
    );
    const provider = this.kubernetes;
    if (settings.nvidiaDevicePlugin) {
      new k8s.helm.v3.Release(
        `${name}-nvidia-device-plugin`,
        {
          chart: "nvidia-device-plugin",
          version: NVIDIA_DEVICE_PLUGIN_VERSION,
          repositoryOpts: { repo: "https://nvidia.github.io/k8s-device-plugin" },
          namespace: "kube-system",
          values: {
            nodeSelector: { ...GPU_LABEL },
            tolerations: [{ key: GPU_TAINT.key, operator: "Exists", effect: "NoSchedule" }],
          },
        },
        { parent: this, provider },
      );
    }
    this.clusterSecurityGroupId = this.cluster.clusterSecurityGroupId;
    this.registerOutputs({ clusterName: this.clusterName, secretsKeyArn: this.secretsKeyArn });
  }
}

export interface GpuNodeGroupArgs extends GpuNodeGroupSettings {
  clusterName: string;
  subnetIds: pulumi.Input<string>[];
  /** Tags for every taggable resource. @default {} */
  tags?: Record<string, string>;
  /** Resources the groups must wait for (the cluster). @default [] */
  dependsOn?: pulumi.Resource[];
}

/**
 * GPU nodes for an EKS cluster (seed §5.2), as `aws.eks.NodeGroup` resources so that policies see their
 * settings: NVIDIA AMI, taint `nvidia.com/gpu=true:NoSchedule`, label `node-type=gpu`, 0 to 10 nodes (2 wanted),
 * 100 GB disks, spot capacity with an on-demand fallback group. The cluster autoscaler's node-template tags
 * (label, taint, GPU count) are put on each group's Auto Scaling group, which is what lets a tainted group
 * that has no node yet scale up from zero.
 */
export class GpuNodeGroup extends pulumi.ComponentResource {
  readonly nodeRoleArn: pulumi.Output<string>;
  readonly nodeGroupNames: pulumi.Output<string>[];

  constructor(name: string, args: GpuNodeGroupArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const settings = resolveGpuNodeGroupSettings(args);
    const issues = validateGpuNodeGroupSettings(settings);
    if (issues.length > 0) throw new ValidationError(`GpuNodeGroup ${name}`, issues);
    super("mlplat:eks:GpuNodeGroup", name, {}, opts);

    const tags = { ...(args.tags ?? {}) };
    const parent = { parent: this };
    const { role, attachments } = nodeRole(
      `${name}-node-role`,
      `GPU nodes of ${args.clusterName}`,
      tags,
      this,
    );

    const gpus = Math.max(
      ...settings.instanceTypes.map((t) => GPU_INSTANCES.find((g) => g.type === t)?.gpu?.count ?? 1),
    );
    const templateTags: Record<string, string> = {
      "k8s.io/cluster-autoscaler/enabled": "true",
      [`k8s.io/cluster-autoscaler/${args.clusterName}`]: "owned",
      "k8s.io/cluster-autoscaler/node-template/label/node-type": GPU_LABEL["node-type"],
      [`k8s.io/cluster-autoscaler/node-template/taint/${GPU_TAINT.key}`]: `${GPU_TAINT.value}:NoSchedule`,
      "k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu": String(gpus),
    };
    const group = (suffix: string, capacityType: "SPOT" | "ON_DEMAND", desiredSize: number) => {
      const nodeGroup = new aws.eks.NodeGroup(
        `${name}-${suffix}`,
        {
          clusterName: args.clusterName,
          nodeRoleArn: role.arn,
          subnetIds: args.subnetIds,
          instanceTypes: settings.instanceTypes,
          amiType: settings.amiType,
          capacityType,
          diskSize: settings.diskSizeGb,
          scalingConfig: { minSize: settings.minSize, desiredSize, maxSize: settings.maxSize },
          labels: { ...GPU_LABEL },
          taints: [{ ...GPU_TAINT }],
          tags: { ...tags, ...templateTags },
        },
        // The autoscaler owns the desired size once the group exists.
        {
          parent: this,
          dependsOn: [...attachments, ...(args.dependsOn ?? [])],
          ignoreChanges: ["scalingConfig.desiredSize"],
        },
      );
      // Node group tags stay on the node group: the Auto Scaling group needs its own copy for scale-from-zero.
      const asgName = nodeGroup.resources.apply((r) => r[0]?.autoscalingGroups[0]?.name ?? "");
      Object.entries(templateTags).forEach(([key, value], i) => {
        new aws.autoscaling.Tag(
          `${name}-${suffix}-asg-tag-${i}`,
          { autoscalingGroupName: asgName, tag: { key, value, propagateAtLaunch: false } },
          parent,
        );
      });
      return nodeGroup;
    };

    const groups = [
      group(
        settings.capacityType === "SPOT" ? "spot" : "on-demand",
        settings.capacityType,
        settings.desiredSize,
      ),
    ];
    if (settings.capacityType === "SPOT" && settings.onDemandFallback) {
      groups.push(group("on-demand-fallback", "ON_DEMAND", 0));
    }
    this.nodeRoleArn = role.arn;
    this.nodeGroupNames = groups.map((g) => g.nodeGroupName);
    this.registerOutputs({ nodeRoleArn: this.nodeRoleArn, nodeGroupNames: this.nodeGroupNames });
  }
}

export * from "./karpenter";
