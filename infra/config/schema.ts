import { z } from "zod";

import { DELETION_POLICIES, DELETION_POLICY_EXPECTED } from "../../components/data-lake/args";
import { ENVIRONMENTS } from "./defaults";

/**
 * The shape and types of every stack setting. Semantic rules (day counts in order, what production allows)
 * live with the components and in ./index.ts, so that they also run when an unrelated key is malformed.
 * Every object is strict: an unknown key is an error, never silently ignored.
 */

const days = z.number({ error: "a whole number of days" });
const tagValue = z
  .string({ error: "a string" })
  .min(1, { error: "a non-empty string" })
  .max(256, { error: "at most 256 characters (an AWS tag value limit)" });

export const TagsSchema = z
  .object({
    Project: tagValue,
    CostCenter: tagValue,
    Owner: tagValue,
    Environment: tagValue.optional(),
  })
  .catchall(tagValue)
  .superRefine((tags, ctx) => {
    for (const key of Object.keys(tags)) {
      if (key.length > 128 || key.toLowerCase().startsWith("aws:")) {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message:
            "a tag under a key that does not start with aws: (reserved by AWS) and has at most 128 characters",
        });
      }
    }
  });

export const FeaturesSchema = z.strictObject({
  dataLake: z.boolean({ error: "true or false" }).optional(),
  sagemaker: z.boolean({ error: "true or false" }).optional(),
  bedrock: z.boolean({ error: "true or false" }).optional(),
  lambdaInference: z.boolean({ error: "true or false" }).optional(),
  eks: z.boolean({ error: "true or false" }).optional(),
  costGuardrails: z.boolean({ error: "true or false" }).optional(),
  redshift: z.boolean({ error: "true or false" }).optional(),
  glue: z.boolean({ error: "true or false" }).optional(),
  athena: z.boolean({ error: "true or false" }).optional(),
  pipeline: z.boolean({ error: "true or false" }).optional(),
  etlTrigger: z.boolean({ error: "true or false" }).optional(),
  featureStore: z.boolean({ error: "true or false" }).optional(),
  spark: z.boolean({ error: "true or false" }).optional(),
  gpuInstances: z.boolean({ error: "true or false" }).optional(),
  relational: z.boolean({ error: "true or false" }).optional(),
  trainingStorage: z.boolean({ error: "true or false" }).optional(),
});

export const EksConfigSchema = z.strictObject({
  version: z.string({ error: "a Kubernetes version such as 1.34" }).optional(),
  publicAccessCidrs: z
    .array(z.string({ error: "a CIDR block" }), { error: "a list of CIDR blocks" })
    .optional(),
  nvidiaDevicePlugin: z.boolean({ error: "true or false" }).optional(),
  systemInstanceType: z.string({ error: "an EC2 instance type" }).optional(),
  karpenter: z
    .strictObject({
      enabled: z.boolean({ error: "true or false" }).optional(),
      gpuInstanceFamilies: z
        .array(z.string({ error: "an instance family" }), { error: "a list of instance families" })
        .optional(),
      gpuInstanceSizes: z
        .array(z.string({ error: "an instance size" }), { error: "a list of instance sizes" })
        .optional(),
      gpuLimit: z.number({ error: "a whole number" }).optional(),
    })
    .optional(),
  gpuNodeGroup: z
    .strictObject({
      instanceTypes: z
        .array(z.string({ error: "an instance type" }), { error: "a list of instance types" })
        .optional(),
      amiType: z.string({ error: "an EKS AMI type" }).optional(),
      minSize: z.number({ error: "a whole number" }).optional(),
      desiredSize: z.number({ error: "a whole number" }).optional(),
      maxSize: z.number({ error: "a whole number" }).optional(),
      diskSizeGb: z.number({ error: "a whole number" }).optional(),
      capacityType: z.enum(["SPOT", "ON_DEMAND"], { error: "SPOT or ON_DEMAND" }).optional(),
      onDemandFallback: z.boolean({ error: "true or false" }).optional(),
    })
    .optional(),
});

const count = z.number({ error: "a whole number" });
const text = z.string({ error: "a string" });
const flag = z.boolean({ error: "true or false" });

export const NetworkConfigSchema = z.strictObject({
  cidrBlock: text.optional(),
  availabilityZoneCount: count.optional(),
  sageMakerEndpoints: flag.optional(),
});

const AutoscalingSchema = z.strictObject({
  minCapacity: count.optional(),
  maxCapacity: count.optional(),
  targetInvocationsPerInstance: z.number({ error: "a number" }).optional(),
  scaleInCooldownSeconds: count.optional(),
  scaleOutCooldownSeconds: count.optional(),
});

export const SageMakerConfigSchema = z.strictObject({
  training: z
    .strictObject({
      image: text.optional(),
      instanceType: text.optional(),
      instanceCount: count.optional(),
      volumeSizeGb: count.optional(),
      maxRuntimeSeconds: count.optional(),
      spot: flag.optional(),
      maxWaitSeconds: count.optional(),
      networkIsolation: flag.optional(),
      hyperparameters: z.record(z.string(), text).optional(),
    })
    .optional(),
  serving: z
    .strictObject({
      image: text.optional(),
      instanceType: text.optional(),
      initialInstanceCount: count.optional(),
      autoscaling: AutoscalingSchema.optional(),
    })
    .optional(),
  endpoint: z
    .strictObject({
      name: text.optional(),
      modelDataKey: text.optional(),
      mode: z.enum(["instances", "serverless"], { error: "one of instances, serverless" }).optional(),
      serverless: z
        .strictObject({ memorySizeMb: count.optional(), maxConcurrency: count.optional() })
        .optional(),
    })
    .optional(),
});

export const BedrockConfigSchema = z.strictObject({
  modelIds: z.array(text).optional(),
  logRetentionDays: count.optional(),
  logTextData: flag.optional(),
  guardrail: z
    .strictObject({
      blockedInputMessaging: text.optional(),
      blockedOutputsMessaging: text.optional(),
      filterStrength: z.enum(["LOW", "MEDIUM", "HIGH"], { error: "one of LOW, MEDIUM, HIGH" }).optional(),
    })
    .optional(),
  knowledgeBaseId: text.optional(),
});

export const LambdaInferenceConfigSchema = z.strictObject({
  modelKey: text.optional(),
  memoryMb: count.optional(),
  timeoutSeconds: count.optional(),
  ephemeralStorageMb: count.optional(),
  reservedConcurrency: count.optional(),
  runtime: text.optional(),
  functionUrl: flag.optional(),
  logRetentionDays: count.optional(),
});

export const LifecycleSchema = z.strictObject({
  rawToInfrequentAccessDays: days.optional(),
  rawToGlacierDays: days.optional(),
  checkpointExpirationDays: days.optional(),
  abortIncompleteMultipartUploadDays: days.optional(),
  noncurrentVersionExpirationDays: days.optional(),
  accessLogRetentionDays: days.optional(),
});

export const DataLakeConfigSchema = z.strictObject({
  lifecycle: LifecycleSchema.optional(),
  tlsOnly: z.boolean({ error: "true or false" }).optional(),
  deletionPolicy: z
    .enum(DELETION_POLICIES as [string, ...string[]], { error: DELETION_POLICY_EXPECTED })
    .optional(),
  kmsKeyDeletionWindowDays: days.optional(),
  eventBridge: z.boolean({ error: "true or false" }).optional(),
});

export const GlueConfigSchema = z.strictObject({
  crawlerSchedule: text.optional(),
  workerType: z.enum(["G.1X", "G.2X", "G.4X", "G.8X"], { error: "one of G.1X, G.2X, G.4X, G.8X" }).optional(),
  numberOfWorkers: count.optional(),
  jobTimeoutMinutes: count.optional(),
  glueVersion: text.optional(),
  maxRetries: count.optional(),
  sourceFormat: z.enum(["json", "csv"], { error: "one of json, csv" }).optional(),
  dataset: text.optional(),
  timestampColumn: text.optional(),
  logRetentionDays: days.optional(),
  manageCatalogEncryption: flag.optional(),
  externalCatalogKeyArn: text.optional(),
});

export const AthenaConfigSchema = z.strictObject({
  bytesScannedCutoffPerQuery: z.number({ error: "a number of bytes" }).optional(),
  engineVersion: text.optional(),
  publishCloudwatchMetrics: flag.optional(),
});

export const PipelineConfigSchema = z.strictObject({
  integration: z.enum(["sync", "poll"], { error: "one of sync, poll" }).optional(),
  endpointName: text.optional(),
  pollSeconds: count.optional(),
  etlTimeoutMinutes: count.optional(),
  logRetentionDays: days.optional(),
  notificationEmails: z.array(text, { error: "a list of email addresses" }).optional(),
  retry: z
    .strictObject({
      maxAttempts: count.optional(),
      trainingMaxAttempts: count.optional(),
      intervalSeconds: count.optional(),
      backoffRate: z.number({ error: "a number" }).optional(),
      maxDelaySeconds: count.optional(),
      jitter: flag.optional(),
    })
    .optional(),
});

export const EtlTriggerConfigSchema = z.strictObject({
  prefixes: z.array(text, { error: "a list of folders of the raw zone" }).optional(),
  suffixes: z.array(text, { error: "a list of key endings, or [] for every object" }).optional(),
  sourcePath: z.enum(["prefix", "object"], { error: "one of prefix, object" }).optional(),
  retryAttempts: count.optional(),
  maxEventAgeSeconds: count.optional(),
  deadLetterRetentionDays: days.optional(),
  enabled: flag.optional(),
});

export const FeatureStoreConfigSchema = z.strictObject({
  billingMode: z
    .enum(["PAY_PER_REQUEST", "PROVISIONED"], { error: "one of PAY_PER_REQUEST, PROVISIONED" })
    .optional(),
  readCapacityUnits: count.optional(),
  writeCapacityUnits: count.optional(),
  featureTtlDays: days.optional(),
  pointInTimeRecovery: flag.optional(),
  recoveryPeriodDays: days.optional(),
  deletionPolicy: z
    .enum(DELETION_POLICIES as [string, ...string[]], { error: DELETION_POLICY_EXPECTED })
    .optional(),
});

export const SparkConfigSchema = z.strictObject({
  releaseLabel: text.optional(),
  idleTimeoutMinutes: count.optional(),
  maxVcpus: count.optional(),
  maxMemoryGb: count.optional(),
  maxDiskGb: count.optional(),
  ec2SecurityConfiguration: z.strictObject({ certificatesS3Object: text.optional() }).optional(),
});

export const GpuInstancesConfigSchema = z.strictObject({
  instanceTypes: z.array(text, { error: "a list of instance types" }).optional(),
  maxSize: count.optional(),
  onDemandFallback: flag.optional(),
  rootVolumeGiB: count.optional(),
  metadataHopLimit: count.optional(),
  amiParameter: text.optional(),
});

const deletionPolicy = z
  .enum(DELETION_POLICIES as [string, ...string[]], { error: DELETION_POLICY_EXPECTED })
  .optional();

export const RelationalConfigSchema = z.strictObject({
  engineVersion: text.optional(),
  minCapacityAcus: z.number({ error: "a number of ACUs such as 0 or 0.5" }).optional(),
  maxCapacityAcus: z.number({ error: "a number of ACUs such as 4" }).optional(),
  secondsUntilAutoPause: count.optional(),
  databaseName: text.optional(),
  masterUsername: text.optional(),
  backupRetentionDays: days.optional(),
  logRetentionDays: days.optional(),
  performanceInsights: flag.optional(),
  deletionPolicy,
  allowedCidrBlocks: z.array(text, { error: "a list of CIDR blocks" }).optional(),
});

export const TrainingStorageConfigSchema = z.strictObject({
  throughputMode: z.enum(["elastic", "bursting"], { error: "one of elastic, bursting" }).optional(),
  transitionToInfrequentAccessDays: days.optional(),
  transitionToPrimaryOnAccess: flag.optional(),
  accessPoints: z
    .array(
      z.strictObject({
        name: text,
        path: text,
        uid: count.optional(),
        gid: count.optional(),
        permissions: text.optional(),
      }),
      { error: "a list of access points" },
    )
    .optional(),
  rootAccess: flag.optional(),
  automaticBackups: flag.optional(),
  ebsEncryptionByDefault: flag.optional(),
  deletionPolicy,
});

export const RedshiftConfigSchema = z.strictObject({
  mode: z.enum(["serverless", "provisioned"], { error: "one of serverless, provisioned" }).optional(),
  baseCapacityRpus: count.optional(),
  maxCapacityRpus: count.optional(),
  nodeType: text.optional(),
  numberOfNodes: count.optional(),
  databaseName: text.optional(),
  adminUsername: text.optional(),
  auditLogRetentionDays: days.optional(),
  deletionPolicy: z
    .enum(DELETION_POLICIES as [string, ...string[]], { error: DELETION_POLICY_EXPECTED })
    .optional(),
  snapshotRetentionDays: days.optional(),
  allowedCidrBlocks: z.array(text, { error: "a list of CIDR blocks" }).optional(),
});

export const CostConfigSchema = z.strictObject({
  monthlyLimitUsd: z.number({ error: "an amount of USD such as 50" }).optional(),
  alertThresholdsPercent: z.array(count, { error: "a list of percentages such as [80, 100]" }).optional(),
  alertOnForecast: flag.optional(),
  alertEmails: z.array(text, { error: "a list of email addresses" }).optional(),
  snsTopicArn: text.optional(),
  createTopic: flag.optional(),
  scopeTagKeys: z.array(text, { error: "a list of tag keys" }).optional(),
  costAllocationTagKeys: z.array(text, { error: "a list of tag keys" }).optional(),
  activateCostAllocationTags: flag.optional(),
  anomalyMonitoring: z
    .strictObject({
      enabled: flag.optional(),
      thresholdUsd: z.number({ error: "an amount of USD" }).optional(),
      monitor: z.enum(["tag", "services"], { error: "one of tag, services" }).optional(),
      frequency: z
        .enum(["IMMEDIATE", "DAILY", "WEEKLY"], { error: "one of IMMEDIATE, DAILY, WEEKLY" })
        .optional(),
    })
    .optional(),
});

/**
 * The AWS emulator a `local` stack deploys to. The URL's form is checked in ./index.ts, with the rule that only
 * `local` stacks may name one.
 */
export const EmulatorConfigSchema = z.strictObject({
  endpoint: z.string({ error: "the emulator's URL, such as http://127.0.0.1:4566" }).optional(),
});

/** The stack's settings, keyed as in `Pulumi.<stack>.yaml` without the `mlplat:` namespace (plus `region`). */
export const StackConfigSchema = z.strictObject({
  environment: z.enum(ENVIRONMENTS, { error: `one of ${ENVIRONMENTS.join(", ")}` }),
  region: z
    .string({ error: "an AWS region name such as ap-northeast-2" })
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: "an AWS region name such as ap-northeast-2" }),
  tags: TagsSchema,
  features: FeaturesSchema.optional(),
  dataLake: DataLakeConfigSchema.optional(),
  network: NetworkConfigSchema.optional(),
  sagemaker: SageMakerConfigSchema.optional(),
  bedrock: BedrockConfigSchema.optional(),
  lambdaInference: LambdaInferenceConfigSchema.optional(),
  eks: EksConfigSchema.optional(),
  glue: GlueConfigSchema.optional(),
  athena: AthenaConfigSchema.optional(),
  pipeline: PipelineConfigSchema.optional(),
  etlTrigger: EtlTriggerConfigSchema.optional(),
  featureStore: FeatureStoreConfigSchema.optional(),
  spark: SparkConfigSchema.optional(),
  gpuInstances: GpuInstancesConfigSchema.optional(),
  relational: RelationalConfigSchema.optional(),
  trainingStorage: TrainingStorageConfigSchema.optional(),
  redshift: RedshiftConfigSchema.optional(),
  cost: CostConfigSchema.optional(),
  emulator: EmulatorConfigSchema.optional(),
});

export type StackConfigInput = z.infer<typeof StackConfigSchema>;
