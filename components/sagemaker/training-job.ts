/**
 * The training-job template that the stack exports, and the CreateTrainingJob request built from it. Pure
 * data and functions, shared by the stack program and `mlplat train`: no Pulumi, no AWS SDK.
 */

/** Everything needed to start a training job, except its name and hyperparameters. */
export interface TrainingJobTemplate {
  readonly roleArn: string;
  readonly image: string;
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly volumeSizeGb: number;
  readonly volumeKmsKeyArn: string;
  readonly outputKmsKeyArn: string;
  readonly maxRuntimeSeconds: number;
  readonly spot: { readonly enabled: boolean; readonly maxWaitSeconds: number };
  /** `s3://<lake>/artifacts/checkpoints/`: a job checkpoints to `<prefix><job-name>` (seed §8.1). */
  readonly checkpointUriPrefix: string;
  /** `s3://<lake>/models/`: SageMaker writes `<outputPath><job-name>/output/model.tar.gz`. */
  readonly outputPath: string;
  /** Input channels by name (`train`, `validation`), each an `s3://` prefix in the lake's processed zone. */
  readonly channels: Readonly<Record<string, string>>;
  readonly vpc: { readonly subnetIds: readonly string[]; readonly securityGroupIds: readonly string[] };
  readonly enableNetworkIsolation: boolean;
  readonly defaultHyperparameters: Readonly<Record<string, string>>;
}

/** The seed's §2.1 example hyperparameters. */
export const SEED_HYPERPARAMETERS: Readonly<Record<string, string>> = {
  epochs: "10",
  batch_size: "32",
  learning_rate: "0.001",
};

/** SageMaker's rule for job names. */
export const TRAINING_JOB_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/** The checkpoint URI of one job: `s3://<lake>/artifacts/checkpoints/<job-name>` (seed §8.1). */
export function checkpointUri(
  template: Pick<TrainingJobTemplate, "checkpointUriPrefix">,
  jobName: string,
): string {
  return `${template.checkpointUriPrefix}${jobName}`;
}

/**
 * The CreateTrainingJob request (the API's own shape, as @aws-sdk/client-sagemaker takes it) for one job.
 * Hyperparameters given here override the template's defaults; SageMaker wants them as strings.
 */
export function createTrainingJobRequest(
  template: TrainingJobTemplate,
  jobName: string,
  hyperparameters: Readonly<Record<string, string | number | boolean>> = {},
) {
  if (!TRAINING_JOB_NAME.test(jobName)) {
    throw new Error(
      `job name: got ${JSON.stringify(jobName)}, expected 1 to 63 letters, digits and hyphens, not starting with a hyphen`,
    );
  }
  const merged = {
    ...template.defaultHyperparameters,
    ...Object.fromEntries(Object.entries(hyperparameters).map(([k, v]) => [k, String(v)])),
  };
  return {
    TrainingJobName: jobName,
    RoleArn: template.roleArn,
    AlgorithmSpecification: { TrainingImage: template.image, TrainingInputMode: "File" as const },
    HyperParameters: merged,
    InputDataConfig: Object.entries(template.channels).map(([ChannelName, uri]) => ({
      ChannelName,
      DataSource: {
        S3DataSource: {
          S3DataType: "S3Prefix" as const,
          S3Uri: uri,
          S3DataDistributionType: "FullyReplicated" as const,
        },
      },
    })),
    OutputDataConfig: { S3OutputPath: template.outputPath, KmsKeyId: template.outputKmsKeyArn },
    ResourceConfig: {
      InstanceType: template.instanceType,
      InstanceCount: template.instanceCount,
      VolumeSizeInGB: template.volumeSizeGb,
      VolumeKmsKeyId: template.volumeKmsKeyArn,
    },
    StoppingCondition: {
      MaxRuntimeInSeconds: template.maxRuntimeSeconds,
      ...(template.spot.enabled ? { MaxWaitTimeInSeconds: template.spot.maxWaitSeconds } : {}),
    },
    EnableManagedSpotTraining: template.spot.enabled,
    CheckpointConfig: { S3Uri: checkpointUri(template, jobName) },
    VpcConfig: { Subnets: [...template.vpc.subnetIds], SecurityGroupIds: [...template.vpc.securityGroupIds] },
    EnableNetworkIsolation: template.enableNetworkIsolation,
    EnableInterContainerTrafficEncryption: template.instanceCount > 1,
  };
}
