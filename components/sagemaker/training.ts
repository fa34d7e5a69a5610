import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import { lakeUri, type DataLake } from "../data-lake";
import { ValidationError } from "../validation";
import { sageMakerExecutionRole } from "./roles";
import { resolveTrainingSettings, validateTrainingSettings, type TrainingSettings } from "./training-args";
import type { TrainingJobTemplate } from "./training-job";

export interface TrainingPlatformArgs extends TrainingSettings {
  /** The lake jobs read data from and write models and checkpoints to; its key encrypts volumes and output. */
  lake: DataLake;
  /** The private subnets and security groups jobs run in (see the Network component). */
  subnetIds: pulumi.Input<string>[];
  securityGroupIds: pulumi.Input<string>[];
  /** Tags for every taggable resource. @default {} */
  tags?: Record<string, string>;
}

/**
 * What SageMaker training jobs run with (seed §2.1, §2.2, §8.1, §8.3): an execution role that reads
 * processed/, writes models/ and artifacts/checkpoints/ (and reads checkpoints back to resume a spot job),
 * pulls its image, writes logs, and runs in the platform's VPC; plus the typed job template tools submit.
 * No job is declared here: jobs are runs, started by `mlplat train` from the exported template.
 */
export class TrainingPlatform extends pulumi.ComponentResource {
  readonly roleArn: pulumi.Output<string>;
  /** The training jobs' execution role, for grants from other components (the feature store's run records). */
  readonly role: aws.iam.Role;
  readonly template: pulumi.Output<TrainingJobTemplate>;

  constructor(name: string, args: TrainingPlatformArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const settings = resolveTrainingSettings(args);
    const issues = validateTrainingSettings(settings);
    if (issues.length > 0) throw new ValidationError(`TrainingPlatform ${name}`, issues);
    super("mlplat:sagemaker:TrainingPlatform", name, {}, opts);

    const tags = { ...(args.tags ?? {}) };
    const lake = args.lake;
    const { role, grants } = sageMakerExecutionRole(
      name,
      lake,
      {
        read: { data: "processed", checkpoints: "artifacts/checkpoints" },
        write: { models: "models", checkpoints: "artifacts/checkpoints" },
      },
      {
        image: settings.image,
        subnetIds: args.subnetIds,
        securityGroupIds: args.securityGroupIds,
        logGroupKind: "TrainingJobs",
        tags,
      },
      this,
    );

    this.role = role;
    this.roleArn = role.arn;
    // The template resolves once the grants exist: a job submitted from it never meets a half-made role.
    const granted = pulumi.all(grants.map((g) => g.urn));
    const subnetIds = pulumi.output(args.subnetIds);
    const securityGroupIds = pulumi.output(args.securityGroupIds);
    this.template = pulumi
      .all([role.arn, lake.kmsKeyArn, lake.bucketName, subnetIds, securityGroupIds, granted])
      .apply(([roleArn, keyArn, bucket, subnets, securityGroups]): TrainingJobTemplate => ({
        roleArn,
        image: settings.image,
        instanceType: settings.instanceType,
        instanceCount: settings.instanceCount,
        volumeSizeGb: settings.volumeSizeGb,
        volumeKmsKeyArn: keyArn,
        outputKmsKeyArn: keyArn,
        maxRuntimeSeconds: settings.maxRuntimeSeconds,
        spot: { enabled: settings.spot, maxWaitSeconds: settings.maxWaitSeconds },
        checkpointUriPrefix: lakeUri(bucket, "artifacts/checkpoints"),
        outputPath: lakeUri(bucket, "models"),
        channels: {
          train: lakeUri(bucket, "processed/train"),
          validation: lakeUri(bucket, "processed/validation"),
        },
        vpc: { subnetIds: subnets, securityGroupIds: securityGroups },
        enableNetworkIsolation: settings.networkIsolation,
        defaultHyperparameters: settings.hyperparameters,
      }));
    this.registerOutputs({ roleArn: this.roleArn, template: this.template });
  }
}
