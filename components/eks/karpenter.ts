import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import {
  KARPENTER_DESCRIBE_CLUSTER,
  KARPENTER_INSTANCE_PROFILES,
  KARPENTER_INTERRUPTIONS,
  KARPENTER_LAUNCH,
  KARPENTER_PASS_NODE_ROLE,
  KARPENTER_READ_AMI_PARAMETERS,
  KARPENTER_READ_EC2,
  KARPENTER_READ_PRICES,
  KARPENTER_TAG_ON_CREATE,
  KARPENTER_TERMINATE,
} from "../iam/actions";
import { ValidationError } from "../validation";
import { resolveKarpenterSettings, validateKarpenterSettings, type KarpenterSettings } from "./args";
import { GPU_LABEL, GPU_TAINT, nodeRole } from "./nodes";

/** The Karpenter chart's version (oci://public.ecr.aws/karpenter/karpenter). */
export const KARPENTER_VERSION = "1.6.3";
const NAMESPACE = "kube-system";
const SERVICE_ACCOUNT = "karpenter";

export interface KarpenterArgs extends KarpenterSettings {
  clusterName: string;
  /** The cluster's security group: Karpenter's nodes join it (found through the discovery tag). */
  clusterSecurityGroupId: pulumi.Input<string>;
  /** The private subnets Karpenter launches into (found through the discovery tag). */
  subnetIds: pulumi.Input<string>[];
  /** A provider for the cluster's Kubernetes API. */
  kubernetes: k8s.Provider;
  /** Tags for every taggable resource. @default {} */
  tags?: Record<string, string>;
}

/**
 * Karpenter as the GPU provisioner (seed §6.1 recommends it for spot): the controller (Helm chart) with an
 * EKS Pod Identity role scoped to what it launches and tags, an SQS queue fed by EventBridge with spot
 * interruption, rebalance, state-change and health events so nodes drain before they are reclaimed, a node
 * role with an access entry, and a GPU node pool: the seed's taint and label, spot preferred with on-demand
 * when spot is unavailable, a GPU limit, consolidation of empty or underused nodes.
 */
export class Karpenter extends pulumi.ComponentResource {
  readonly nodeRoleArn: pulumi.Output<string>;
  readonly interruptionQueueName: pulumi.Output<string>;

  constructor(name: string, args: KarpenterArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const settings = resolveKarpenterSettings(args);
    const issues = validateKarpenterSettings(settings);
    if (issues.length > 0) throw new ValidationError(`Karpenter ${name}`, issues);
    super("mlplat:eks:Karpenter", name, {}, opts);

    const tags = { ...(args.tags ?? {}) };
    const parent = { parent: this };
    const cluster = args.clusterName;
    const discovery = { "karpenter.sh/discovery": cluster };
    const region = aws.getRegionOutput({}, parent).region;
    const account = aws.getCallerIdentityOutput({}, parent).accountId;
    const partition = aws.getPartitionOutput({}, parent).partition;
    /** An EC2 ARN in this region: the account's own resources, or (owned: false) public images and snapshots. */
    const ec2 = (resource: string, owned = true) =>
      pulumi.interpolate`arn:${partition}:ec2:${region}:${owned ? account : ""}:${resource}`;

    // Interruptions: EventBridge delivers EC2 and Health events to a queue the controller reads.
    const queue = new aws.sqs.Queue(
      `${name}-interruptions`,
      { messageRetentionSeconds: 300, sqsManagedSseEnabled: true, tags },
      parent,
    );
    const events: Record<string, { source: string; detailType: string }> = {
      "scheduled-change": { source: "aws.health", detailType: "AWS Health Event" },
      "spot-interruption": { source: "aws.ec2", detailType: "EC2 Spot Instance Interruption Warning" },
      rebalance: { source: "aws.ec2", detailType: "EC2 Instance Rebalance Recommendation" },
      "state-change": { source: "aws.ec2", detailType: "EC2 Instance State-change Notification" },
    };
    const rules = Object.entries(events).map(([id, e]) => {
      const rule = new aws.cloudwatch.EventRule(
        `${name}-${id}`,
        { eventPattern: JSON.stringify({ source: [e.source], "detail-type": [e.detailType] }), tags },
        parent,
      );
      new aws.cloudwatch.EventTarget(`${name}-${id}-target`, { rule: rule.name, arn: queue.arn }, parent);
      return rule;
    });
    new aws.sqs.QueuePolicy(
      `${name}-interruptions-policy`,
      {
        queueUrl: queue.url,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "EventBridgeDelivers",
              Effect: "Allow",
              Principal: { Service: "events.amazonaws.com" },
              Action: "sqs:SendMessage",
              Resource: queue.arn,
              Condition: { ArnEquals: { "aws:SourceArn": rules.map((r) => r.arn) } },
            },
            {
              Sid: "DenyInsecureTransport",
              Effect: "Deny",
              Principal: "*",
              Action: "sqs:*",
              Resource: queue.arn,
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
          ],
        }),
      },
      parent,
    );

    // Nodes: their role, and an access entry that lets them join the cluster.
    const nodes = nodeRole(`${name}-node-role`, `Nodes Karpenter launches for ${cluster}`, tags, this, [
      "AmazonSSMManagedInstanceCore",
    ]);
    new aws.eks.AccessEntry(
      `${name}-node-access`,
      { clusterName: cluster, principalArn: nodes.role.arn, type: "EC2_LINUX", tags },
      parent,
    );

    // Discovery: the subnets and security group Karpenter launches into carry the cluster's tag.
    const discoveryTags = [
      ...args.subnetIds.map((id, i) => ({ id: `subnet-${i}`, resourceId: id })),
      { id: "cluster-sg", resourceId: args.clusterSecurityGroupId },
    ];
    for (const { id, resourceId } of discoveryTags) {
      new aws.ec2.Tag(
        `${name}-discovery-${id}`,
        { resourceId, key: "karpenter.sh/discovery", value: cluster },
        parent,
      );
    }

    // The controller's role, for its service account through EKS Pod Identity.
    const controller = new aws.iam.Role(
      `${name}-controller-role`,
      {
        description: `The Karpenter controller of ${cluster}`,
        assumeRolePolicy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "pods.eks.amazonaws.com" },
              Action: ["sts:AssumeRole", "sts:TagSession"],
              Condition: { StringEquals: { "aws:SourceAccount": account } },
            },
          ],
        }),
        tags,
      },
      parent,
    );
    /** What a launch creates: Karpenter may create these only with its cluster's and node pool's tags. */
    const launched = [
      "fleet/*",
      "instance/*",
      "volume/*",
      "network-interface/*",
      "launch-template/*",
      "spot-instances-request/*",
    ].map((r) => ec2(r));
    const ownedByCluster = { [`aws:ResourceTag/kubernetes.io/cluster/${cluster}`]: "owned" };
    const requestedForCluster = { [`aws:RequestTag/kubernetes.io/cluster/${cluster}`]: "owned" };
    const controllerPolicy = new aws.iam.RolePolicy(
      `${name}-controller-policy`,
      {
        role: controller.name,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "LaunchFromSharedResources",
              Effect: "Allow",
              Action: KARPENTER_LAUNCH.filter((a) => a !== "ec2:CreateLaunchTemplate"),
              Resource: [
                ec2("image/*", false),
                ec2("snapshot/*", false),
                ec2("security-group/*"),
                ec2("subnet/*"),
                ec2("capacity-reservation/*"),
              ],
            },
            {
              Sid: "LaunchOwnedResources",
              Effect: "Allow",
              Action: KARPENTER_LAUNCH,
              Resource: launched,
              Condition: {
                StringEquals: requestedForCluster,
                StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
              },
            },
            {
              Sid: "TagWhatItLaunches",
              Effect: "Allow",
              Action: KARPENTER_TAG_ON_CREATE,
              Resource: launched,
              Condition: {
                StringEquals: {
                  ...requestedForCluster,
                  "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"],
                },
              },
            },
            {
              Sid: "TerminateOnlyItsOwn",
              Effect: "Allow",
              Action: KARPENTER_TERMINATE,
              Resource: [ec2("instance/*"), ec2("launch-template/*")],
              Condition: {
                StringEquals: ownedByCluster,
                StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
              },
            },
            {
              Sid: "ReadRegionalCatalog",
              Effect: "Allow",
              Action: KARPENTER_READ_EC2,
              Resource: "*",
              Condition: { StringEquals: { "aws:RequestedRegion": region } },
            },
            { Sid: "ReadPrices", Effect: "Allow", Action: KARPENTER_READ_PRICES, Resource: "*" },
            {
              Sid: "ReadAmiParameters",
              Effect: "Allow",
              Action: KARPENTER_READ_AMI_PARAMETERS,
              Resource: pulumi.interpolate`arn:${partition}:ssm:${region}::parameter/aws/service/*`,
            },
            {
              Sid: "TakeInterruptions",
              Effect: "Allow",
              Action: KARPENTER_INTERRUPTIONS,
              Resource: queue.arn,
            },
            {
              Sid: "PassNodeRole",
              Effect: "Allow",
              Action: KARPENTER_PASS_NODE_ROLE,
              Resource: nodes.role.arn,
              Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } },
            },
            {
              Sid: "ManageNodeInstanceProfiles",
              Effect: "Allow",
              Action: KARPENTER_INSTANCE_PROFILES,
              Resource: pulumi.interpolate`arn:${partition}:iam::${account}:instance-profile/*`,
            },
            {
              Sid: "DiscoverApiServer",
              Effect: "Allow",
              Action: KARPENTER_DESCRIBE_CLUSTER,
              Resource: pulumi.interpolate`arn:${partition}:eks:${region}:${account}:cluster/${cluster}`,
            },
          ],
        }),
      },
      parent,
    );
    const agent = new aws.eks.Addon(
      `${name}-pod-identity-agent`,
      { clusterName: cluster, addonName: "eks-pod-identity-agent", tags },
      parent,
    );
    const association = new aws.eks.PodIdentityAssociation(
      `${name}-pod-identity`,
      {
        clusterName: cluster,
        namespace: NAMESPACE,
        serviceAccount: SERVICE_ACCOUNT,
        roleArn: controller.arn,
        tags,
      },
      { parent: this, dependsOn: [agent, controllerPolicy] },
    );

    const k8sOpts = { parent: this, provider: args.kubernetes };
    const release = new k8s.helm.v3.Release(
      `${name}-controller`,
      {
        chart: "oci://public.ecr.aws/karpenter/karpenter",
        version: KARPENTER_VERSION,
        namespace: NAMESPACE,
        values: {
          settings: { clusterName: cluster, interruptionQueue: queue.name },
          serviceAccount: { name: SERVICE_ACCOUNT },
          // The controller runs on the cluster's other nodes, never on the GPUs it provisions.
          tolerations: [],
        },
      },
      { ...k8sOpts, dependsOn: [association] },
    );

    const nodeClass = new k8s.apiextensions.CustomResource(
      `${name}-gpu-node-class`,
      {
        apiVersion: "karpenter.k8s.aws/v1",
        kind: "EC2NodeClass",
        metadata: { name: "gpu" },
        spec: {
          role: nodes.role.name,
          amiSelectorTerms: [{ alias: "al2023@latest" }],
          subnetSelectorTerms: [{ tags: discovery }],
          securityGroupSelectorTerms: [{ tags: discovery }],
          metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 },
          blockDeviceMappings: [
            { deviceName: "/dev/xvda", ebs: { volumeSize: "100Gi", volumeType: "gp3", encrypted: true } },
          ],
          tags,
        },
      },
      { ...k8sOpts, dependsOn: [release] },
    );
    new k8s.apiextensions.CustomResource(
      `${name}-gpu-node-pool`,
      {
        apiVersion: "karpenter.sh/v1",
        kind: "NodePool",
        metadata: { name: "gpu" },
        spec: {
          template: {
            metadata: { labels: { ...GPU_LABEL } },
            spec: {
              nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "gpu" },
              requirements: [
                {
                  key: "karpenter.k8s.aws/instance-family",
                  operator: "In",
                  values: settings.gpuInstanceFamilies,
                },
                { key: "karpenter.k8s.aws/instance-size", operator: "In", values: settings.gpuInstanceSizes },
                // Both allowed: Karpenter takes spot when it can and falls back to on-demand when it cannot.
                { key: "karpenter.sh/capacity-type", operator: "In", values: ["spot", "on-demand"] },
              ],
              taints: [{ key: GPU_TAINT.key, value: GPU_TAINT.value, effect: "NoSchedule" }],
            },
          },
          limits: { "nvidia.com/gpu": settings.gpuLimit },
          disruption: { consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "5m" },
        },
      },
      { ...k8sOpts, dependsOn: [nodeClass] },
    );

    this.nodeRoleArn = nodes.role.arn;
    this.interruptionQueueName = queue.name;
    this.registerOutputs({
      nodeRoleArn: this.nodeRoleArn,
      interruptionQueueName: this.interruptionQueueName,
    });
  }
}
