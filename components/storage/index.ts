import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import { keepOptions } from "../data-lake/args";
import { ValidationError, type ValidationIssue } from "../validation";
import {
  NFS_PORT,
  resolveTrainingStorageSettings,
  validateTrainingStorageSettings,
  type ResolvedTrainingStorageSettings,
  type TrainingStorageSettings,
} from "./args";
import {
  accessPointDefinition,
  backupPolicyStatus,
  fileSystemDefinition,
  fileSystemPolicyDocument,
  lifecyclePolicies,
} from "./definitions";

export * from "./args";
export * from "./definitions";

/** The actions the default EBS key allows every principal of the account, through EC2 only (as aws/ebs does). */
const EBS_KEY_USE = [
  "kms:Encrypt",
  "kms:Decrypt",
  "kms:ReEncrypt*",
  "kms:GenerateDataKey*",
  "kms:CreateGrant",
  "kms:DescribeKey",
] as const;

export interface TrainingStorageArgs extends TrainingStorageSettings {
  vpcId: pulumi.Input<string>;
  /**
   * Private subnets, one per Availability Zone: each gets a mount target (EFS allows one per zone), so that
   * clients mount in their own zone.
   */
  subnetIds: pulumi.Input<string>[];
  /**
   * Security groups whose members may mount the file system on port 2049: SageMaker training jobs' group, EKS
   * nodes' groups. @default [] (nobody can mount until one is given)
   */
  sourceSecurityGroupIds?: pulumi.Input<string>[];
  /**
   * A customer-managed key for the file system.
   * @default - a rotating key of the storage's own, kept as long as the files are
   */
  kmsKeyArn?: pulumi.Input<string>;
  /** Tags for every taggable resource. @default {} */
  tags?: Record<string, string>;
}

/**
 * Training storage (the seed's services map: EBS/EFS, block and file storage): an EFS file system for shared
 * datasets, mounted by SageMaker training jobs and EKS pods, and EBS encryption by default for the account and
 * region.
 *
 * The file system is encrypted with a customer-managed key, uses General Purpose performance and elastic
 * throughput, moves files unused for 30 days to Infrequent Access, is backed up daily by AWS Backup, and is
 * reachable only through mount targets in the given private subnets, whose security group admits NFS (2049)
 * from the given security groups only. Its file system policy refuses every request without TLS (mount with
 * `-o tls`, as the EFS mount helper and the EFS CSI driver do) and denies root access unless allowed. Access
 * points give each dataset directory one POSIX owner.
 *
 * With `ebsEncryptionByDefault` (the default), the account-and-region EBS settings are declared too: see
 * {@link TrainingStorageSettings.ebsEncryptionByDefault} before turning it on in more than one stack.
 */
export class TrainingStorage extends pulumi.ComponentResource {
  readonly fileSystemId: pulumi.Output<string>;
  readonly fileSystemArn: pulumi.Output<string>;
  /** Access point ARNs by access point name. */
  readonly accessPointArns: pulumi.Output<Record<string, string>>;
  /** Access point ids by access point name (what the EFS CSI driver's volume handle names). */
  readonly accessPointIds: pulumi.Output<Record<string, string>>;
  readonly securityGroupId: pulumi.Output<string>;
  readonly kmsKeyArn: pulumi.Output<string>;
  /** The account's default EBS key, when this component manages EBS encryption by default. */
  readonly ebsDefaultKmsKeyArn?: pulumi.Output<string>;
  readonly settings: ResolvedTrainingStorageSettings;

  constructor(name: string, args: TrainingStorageArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const settings = resolveTrainingStorageSettings(args);
    const issues = [
      ...validateTrainingStorageSettings(settings),
      ...validateTrainingStorageTarget(name, args),
    ];
    if (issues.length > 0) throw new ValidationError(`TrainingStorage ${name}`, issues);
    super("mlplat:storage:TrainingStorage", name, {}, opts);
    this.settings = settings;

    const tags = { ...(args.tags ?? {}) };
    const parent = { parent: this };
    const keep = keepOptions(settings.deletionPolicy);

    this.kmsKeyArn =
      args.kmsKeyArn !== undefined
        ? pulumi.output(args.kmsKeyArn)
        : this.key(
            `${name}-key`,
            `Encrypts the ${name} training file system`,
            `alias/efs/${name}`,
            tags,
            keep,
          ).arn;

    const fileSystem = new aws.efs.FileSystem(
      `${name}-fs`,
      {
        ...fileSystemDefinition(settings),
        kmsKeyId: this.kmsKeyArn,
        lifecyclePolicies: lifecyclePolicies(settings),
        tags: { ...tags, Name: name },
      },
      { ...parent, ...keep },
    );
    this.fileSystemId = fileSystem.id;
    this.fileSystemArn = fileSystem.arn;

    new aws.efs.BackupPolicy(
      `${name}-backup`,
      {
        fileSystemId: fileSystem.id,
        backupPolicy: { status: backupPolicyStatus(settings) },
      },
      parent,
    );

    new aws.efs.FileSystemPolicy(
      `${name}-policy`,
      {
        fileSystemId: fileSystem.id,
        policy: pulumi.jsonStringify(fileSystemPolicyDocument(fileSystem.arn, settings)),
      },
      parent,
    );

    const securityGroup = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        vpcId: args.vpcId,
        description: `EFS ${name}: NFS (${NFS_PORT}) from allowed security groups only`,
        ingress:
          (args.sourceSecurityGroupIds ?? []).length > 0
            ? [
                {
                  description: "NFS clients: training jobs and nodes",
                  protocol: "tcp",
                  fromPort: NFS_PORT,
                  toPort: NFS_PORT,
                  securityGroups: args.sourceSecurityGroupIds ?? [],
                },
              ]
            : [],
        // Mount targets answer NFS and start nothing: no egress rule (replies are allowed by state).
        egress: [],
        tags: { ...tags, Name: `${name}-efs` },
      },
      parent,
    );
    this.securityGroupId = securityGroup.id;

    args.subnetIds.forEach((subnetId, i) => {
      new aws.efs.MountTarget(
        `${name}-mount-${i}`,
        { fileSystemId: fileSystem.id, subnetId, securityGroups: [securityGroup.id] },
        parent,
      );
    });

    const accessPoints = settings.accessPoints.map(
      (ap) =>
        [
          ap.name,
          new aws.efs.AccessPoint(
            `${name}-ap-${ap.name}`,
            {
              fileSystemId: fileSystem.id,
              ...accessPointDefinition(ap),
              tags: { ...tags, Name: `${name}-${ap.name}` },
            },
            parent,
          ),
        ] as const,
    );
    this.accessPointArns = pulumi
      .all(accessPoints.map(([apName, ap]) => ap.arn.apply((arn) => [apName, arn] as const)))
      .apply((pairs) => Object.fromEntries(pairs) as Record<string, string>);
    this.accessPointIds = pulumi
      .all(accessPoints.map(([apName, ap]) => ap.id.apply((id) => [apName, id] as const)))
      .apply((pairs) => Object.fromEntries(pairs) as Record<string, string>);

    if (settings.ebsEncryptionByDefault) this.ebsDefaultKmsKeyArn = this.ebsEncryption(name, tags);

    this.registerOutputs({
      fileSystemId: this.fileSystemId,
      fileSystemArn: this.fileSystemArn,
      accessPointArns: this.accessPointArns,
      accessPointIds: this.accessPointIds,
      securityGroupId: this.securityGroupId,
      kmsKeyArn: this.kmsKeyArn,
      ebsDefaultKmsKeyArn: this.ebsDefaultKmsKeyArn,
    });
  }

  /**
   * EBS encryption by default with a key of this component. The key lets every principal of the account use it
   * through EC2 only, as the AWS-managed aws/ebs key does, so that service-linked roles (EC2 Auto Scaling for
   * EKS node groups, SageMaker) can launch volumes with it. All three are retained on delete, whatever the
   * deletion policy: the account keeps encrypting, and its volumes keep a key.
   */
  private ebsEncryption(name: string, tags: Record<string, string>): pulumi.Output<string> {
    const parent = { parent: this };
    const region = aws.getRegionOutput({}, parent).region;
    const account = aws.getCallerIdentityOutput({}, parent).accountId;
    const partition = aws.getPartitionOutput({}, parent).partition;
    const keep = { ...keepOptions(this.settings.deletionPolicy), retainOnDelete: true };
    const key = this.key(
      `${name}-ebs-key`,
      `Default EBS encryption key of the account in this region (declared by ${name})`,
      `alias/ebs/${name}`,
      tags,
      keep,
      [
        {
          Sid: "AccountAdministersKey",
          Effect: "Allow",
          Principal: { AWS: pulumi.interpolate`arn:${partition}:iam::${account}:root` },
          Action: "kms:*",
          Resource: "*",
        },
        {
          Sid: "AccountUsesKeyThroughEc2",
          Effect: "Allow",
          Principal: { AWS: "*" },
          Action: [...EBS_KEY_USE],
          Resource: "*",
          Condition: {
            StringEquals: {
              "kms:CallerAccount": account,
              "kms:ViaService": pulumi.interpolate`ec2.${region}.amazonaws.com`,
            },
          },
        },
      ],
    );
    new aws.ebs.EncryptionByDefault(
      `${name}-ebs-encryption`,
      { enabled: true },
      { ...parent, retainOnDelete: true },
    );
    new aws.ebs.DefaultKmsKey(
      `${name}-ebs-default-key`,
      { keyArn: key.arn },
      { ...parent, retainOnDelete: true },
    );
    return key.arn;
  }

  private key(
    id: string,
    description: string,
    alias: string,
    tags: Record<string, string>,
    keep: pulumi.CustomResourceOptions,
    statements?: unknown[],
  ): aws.kms.Key {
    const key = new aws.kms.Key(
      id,
      {
        description,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        ...(statements
          ? { policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements }) }
          : {}),
        tags,
      },
      { parent: this, ...keep },
    );
    new aws.kms.Alias(`${id}-alias`, { name: alias, targetKeyId: key.keyId }, { parent: this });
    return key;
  }
}

/** An EFS-friendly component name: it prefixes the names of every child and alias. */
const STORAGE_NAME = /^[a-z](?!.*--)[a-z0-9-]{0,62}[a-z0-9]$/;

/** Problems with what the storage is deployed into: its name and its subnets. */
export function validateTrainingStorageTarget(
  name: string,
  args: Pick<TrainingStorageArgs, "subnetIds">,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (!STORAGE_NAME.test(name)) {
    issues.push({
      path: "name",
      value: name,
      expected:
        "2 to 64 lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen, " +
        "without two hyphens in a row",
    });
  }
  if (args.subnetIds.length < 1) {
    issues.push({
      path: "subnetIds.length",
      value: args.subnetIds.length,
      expected: "at least 1 private subnet (one mount target per Availability Zone)",
    });
  }
  return issues;
}
