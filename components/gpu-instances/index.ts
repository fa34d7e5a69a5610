import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import { keepOptions, type DataLake, type DeletionPolicy, type LakeZone } from "../data-lake";
import { SSM_INSTANCE_REGISTRATION, SSM_SESSION_CHANNELS } from "../iam/actions";
import { ValidationError, type ValidationIssue } from "../validation";
import {
  resolveGpuInstanceSettings,
  validateGpuInstanceSettings,
  type GpuInstanceSettings,
  type ResolvedGpuInstanceSettings,
} from "./args";
import { gpuGroupSizing, gpuGroupTags, gpuLaunchTemplateData, gpuMixedInstancesPolicy } from "./definitions";

export * from "./args";

/** The lake zones custom workloads read (training data, features) and write (models, checkpoints). */
export const GPU_READ_ZONES: readonly LakeZone[] = ["processed", "features"];
export const GPU_WRITE_ZONES: readonly LakeZone[] = ["models", "artifacts/checkpoints"];

export interface GpuInstancesArgs extends GpuInstanceSettings {
  vpcId: pulumi.Input<string>;
  /** Private subnets the groups launch into, in several Availability Zones for more spot pools. */
  subnetIds: pulumi.Input<string>[];
  /**
   * A customer-managed key for the root volumes. Its policy must let the Auto Scaling service-linked role
   * (AWSServiceRoleForAutoScaling) use it and create grants for EBS, or launches fail.
   * @default - a rotating key of the component's own, with that statement
   */
  kmsKeyArn?: pulumi.Input<string>;
  /** What happens to the component's own key when it leaves the stack (as for the lake). @default "protect" */
  keyDeletionPolicy?: DeletionPolicy;
  /**
   * The lake, when workloads use it: they read `processed/` and `features/` and write `models/` and
   * `artifacts/checkpoints/`. @default - no lake access
   */
  lake?: DataLake;
  /** Tags for every taggable resource, also propagated to the instances and their volumes. @default {} */
  tags?: Record<string, string>;
}

/**
 * EC2 GPU instances for custom workloads (seed §5.1, the GPU instance table): a launch template of the Deep
 * Learning AMI (GPU, resolved from AWS's public SSM parameter at every launch), IMDSv2 only, an encrypted gp3
 * root volume, no public IP and no key pair (shell access through Session Manager, not SSH), behind a security
 * group with no ingress at all; and an Auto Scaling group that runs spot capacity only (price-capacity-optimized
 * across the listed types, capacity rebalancing on), at 0 instances until scaled out, up to `maxSize`. With
 * `onDemandFallback`, a second group of the same template runs on-demand instances, also at 0, for when spot
 * capacity is short. Desired capacity is changed outside the stack (console, CLI, a workflow) and the stack
 * ignores it, so an update never terminates running work.
 *
 * The instance role holds what Session Manager needs (AmazonSSMManagedInstanceCore's Session Manager subset)
 * and, with a lake, the lake grants above.
 */
export class GpuInstances extends pulumi.ComponentResource {
  readonly launchTemplateId: pulumi.Output<string>;
  /** The spot group's name. */
  readonly autoScalingGroupName: pulumi.Output<string>;
  /** The on-demand fallback group's name, when there is one. */
  readonly onDemandGroupName?: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;
  readonly instanceRole: aws.iam.Role;
  readonly instanceRoleArn: pulumi.Output<string>;
  readonly kmsKeyArn: pulumi.Output<string>;
  readonly settings: ResolvedGpuInstanceSettings;

  constructor(name: string, args: GpuInstancesArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const settings = resolveGpuInstanceSettings(args);
    const issues = [...validateGpuInstanceSettings(settings), ...validateGpuTarget(name, args)];
    if (issues.length > 0) throw new ValidationError(`GpuInstances ${name}`, issues);
    super("mlplat:ec2:GpuInstances", name, {}, opts);
    this.settings = settings;
    const tags = { ...(args.tags ?? {}) };
    const parent = { parent: this };
    const account = aws.getCallerIdentityOutput({}, parent).accountId;
    const region = aws.getRegionOutput({}, parent).region;
    const partition = aws.getPartitionOutput({}, parent).partition;

    this.kmsKeyArn =
      args.kmsKeyArn !== undefined
        ? pulumi.output(args.kmsKeyArn)
        : this.ownKey(name, args.keyDeletionPolicy ?? "protect", tags, { account, partition });

    this.instanceRole = new aws.iam.Role(
      `${name}-role`,
      {
        description: `Instance role of the ${name} GPU instances: Session Manager${args.lake ? " and the lake" : ""}`,
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
          ],
        }),
        tags,
      },
      parent,
    );
    this.instanceRoleArn = this.instanceRole.arn;
    new aws.iam.RolePolicy(
      `${name}-session-manager`,
      {
        role: this.instanceRole.name,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "RegisterWithSystemsManager",
              Effect: "Allow",
              Action: SSM_INSTANCE_REGISTRATION,
              Resource: pulumi.interpolate`arn:${partition}:ec2:${region}:${account}:instance/*`,
            },
            {
              Sid: "SessionManagerChannels",
              Effect: "Allow",
              Action: SSM_SESSION_CHANNELS,
              Resource: "*",
            },
          ],
        }),
      },
      parent,
    );
    if (args.lake) {
      for (const zone of GPU_READ_ZONES)
        args.lake.grantRead(`${name}-${slug(zone)}`, this.instanceRole, zone);
      for (const zone of GPU_WRITE_ZONES)
        args.lake.grantWrite(`${name}-${slug(zone)}`, this.instanceRole, zone);
    }
    const profile = new aws.iam.InstanceProfile(
      `${name}-profile`,
      { role: this.instanceRole.name, tags },
      parent,
    );

    const securityGroup = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        vpcId: args.vpcId,
        description: `GPU instances ${name}: no ingress (Session Manager, not SSH); all egress`,
        ingress: [],
        egress: [
          {
            description: "Workloads reach AWS APIs, the lake and package mirrors through the VPC's routes",
            protocol: "-1",
            fromPort: 0,
            toPort: 0,
            cidrBlocks: ["0.0.0.0/0"],
          },
        ],
        tags: { ...tags, Name: `${name}-gpu` },
      },
      parent,
    );
    this.securityGroupId = securityGroup.id;

    const template = new aws.ec2.LaunchTemplate(
      `${name}-lt`,
      {
        ...gpuLaunchTemplateData<pulumi.Input<string>>(
          name,
          settings,
          { instanceProfileArn: profile.arn, kmsKeyArn: this.kmsKeyArn, securityGroupId: securityGroup.id },
          tags,
        ),
        updateDefaultVersion: true,
        tags,
      },
      parent,
    );
    this.launchTemplateId = template.id;

    const group = (suffix: string, spot: boolean) =>
      new aws.autoscaling.Group(
        `${name}-${suffix}`,
        {
          ...gpuGroupSizing(settings, spot),
          vpcZoneIdentifiers: args.subnetIds,
          mixedInstancesPolicy: gpuMixedInstancesPolicy(settings, template.id, spot),
          tags: gpuGroupTags(name, tags),
        },
        // Scaling out and in happens outside the stack; an update must not reset it (and end running work).
        { ...parent, ignoreChanges: ["desiredCapacity"] },
      );
    this.autoScalingGroupName = group("spot", true).name;
    if (settings.onDemandFallback) this.onDemandGroupName = group("on-demand", false).name;

    this.registerOutputs({
      launchTemplateId: this.launchTemplateId,
      autoScalingGroupName: this.autoScalingGroupName,
      onDemandGroupName: this.onDemandGroupName,
      securityGroupId: this.securityGroupId,
      instanceRoleArn: this.instanceRoleArn,
      kmsKeyArn: this.kmsKeyArn,
    });
  }

  /**
   * A rotating key for the root volumes. The Auto Scaling service-linked role launches the instances, so it
   * must use the key and create grants for EBS ("Required AWS KMS key policy for use with encrypted volumes",
   * Amazon EC2 Auto Scaling User Guide). It is named by `aws:PrincipalArn` rather than as the principal, so
   * the key can be created before the role exists (AWS creates it with the account's first group).
   */
  private ownKey(
    name: string,
    deletionPolicy: DeletionPolicy,
    tags: Record<string, string>,
    ctx: { account: pulumi.Output<string>; partition: pulumi.Output<string> },
  ): pulumi.Output<string> {
    const { account, partition } = ctx;
    const autoScaling = pulumi.interpolate`arn:${partition}:iam::${account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
    const fromAutoScaling = {
      StringEquals: { "aws:PrincipalArn": autoScaling, "kms:CallerAccount": account },
    };
    const key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `Encrypts the ${name} GPU instances' volumes`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "AccountAdministersKey",
              Effect: "Allow",
              Principal: { AWS: pulumi.interpolate`arn:${partition}:iam::${account}:root` },
              Action: "kms:*",
              Resource: "*",
            },
            {
              Sid: "AutoScalingEncryptsVolumes",
              Effect: "Allow",
              Principal: { AWS: "*" },
              Action: [
                "kms:Encrypt",
                "kms:Decrypt",
                "kms:ReEncrypt*",
                "kms:GenerateDataKey*",
                "kms:DescribeKey",
              ],
              Resource: "*",
              Condition: fromAutoScaling,
            },
            {
              Sid: "AutoScalingGrantsEbs",
              Effect: "Allow",
              Principal: { AWS: "*" },
              Action: "kms:CreateGrant",
              Resource: "*",
              Condition: { ...fromAutoScaling, Bool: { "kms:GrantIsForAWSResource": "true" } },
            },
          ],
        }),
        tags,
      },
      { parent: this, ...keepOptions(deletionPolicy) },
    );
    new aws.kms.Alias(
      `${name}-key-alias`,
      { name: `alias/gpu/${name}`, targetKeyId: key.keyId },
      { parent: this },
    );
    return key.arn;
  }
}

/** `artifacts/checkpoints` -> `artifacts-checkpoints`, for grant ids. */
function slug(zone: LakeZone): string {
  return zone.replace(/\//g, "-");
}

const COMPONENT_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Problems with what the instances are deployed into: the component's name and the subnets. */
export function validateGpuTarget(
  name: string,
  args: Pick<GpuInstancesArgs, "subnetIds" | "keyDeletionPolicy">,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (!COMPONENT_NAME.test(name)) {
    issues.push({
      path: "name",
      value: name,
      expected:
        "1 to 63 lowercase letters, digits and hyphens (it names the groups, the key alias and the lake grants)",
    });
  }
  if (args.subnetIds.length < 1) {
    issues.push({
      path: "subnetIds.length",
      value: args.subnetIds.length,
      expected: "at least 1 private subnet (several Availability Zones give spot more capacity pools)",
    });
  }
  const deletion = args.keyDeletionPolicy;
  if (deletion !== undefined && !["protect", "retain", "destroy"].includes(deletion)) {
    issues.push({ path: "keyDeletionPolicy", value: deletion, expected: "one of protect, retain, destroy" });
  }
  return issues;
}
