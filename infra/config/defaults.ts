import type { DataLakeArgs } from "../../components/data-lake/args";
import type { QueryWorkgroupSettings } from "../../components/athena/args";
import type { BedrockSettings } from "../../components/bedrock/args";
import type { CostGuardrailSettings } from "../../components/cost/args";
import type { InferenceFunctionSettings } from "../../components/lambda-inference/args";
import type { FeatureStoreSettings } from "../../components/feature-store/args";
import type { DataCatalogSettings } from "../../components/glue/args";
import type { RelationalStoreSettings } from "../../components/relational/args";
import type { TrainingStorageSettings } from "../../components/storage/args";
import type { NetworkArgs } from "../../components/network/args";
import type { PipelineSettings } from "../../components/pipeline/args";
import type { WarehouseSettings } from "../../components/redshift/args";

export const ENVIRONMENTS = ["local", "dev", "staging", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export interface EnvironmentDefaults {
  readonly features: {
    readonly dataLake: boolean;
    readonly sagemaker: boolean;
    readonly bedrock: boolean;
    readonly lambdaInference: boolean;
    readonly eks: boolean;
    readonly costGuardrails: boolean;
    readonly redshift: boolean;
    readonly glue: boolean;
    readonly athena: boolean;
    readonly pipeline: boolean;
    readonly etlTrigger: boolean;
    readonly featureStore: boolean;
    readonly spark: boolean;
    readonly gpuInstances: boolean;
    readonly relational: boolean;
    readonly trainingStorage: boolean;
  };
  readonly dataLake: DataLakeArgs;
  readonly network: NetworkArgs;
  /** Bedrock settings under the stack's own (its log retention). */
  readonly bedrock: BedrockSettings;
  /** Inference-function settings under the stack's own (capacity, log retention). */
  readonly lambdaInference: Omit<InferenceFunctionSettings, "modelKey">;
  /** How a stack-declared model endpoint serves: serverless (scales to zero) or autoscaled instances. */
  readonly sagemakerEndpointMode: "instances" | "serverless";
  /**
   * Budget settings under the stack's own. A monthly limit here is the environment's default; production has
   * none, so a production stack states its own.
   */
  readonly cost: Partial<CostGuardrailSettings>;
  /** Warehouse settings under the stack's own (data retention, audit-log retention). */
  readonly redshift: WarehouseSettings;
  /** Feature-store settings under the stack's own (data retention). */
  readonly featureStore: FeatureStoreSettings;
  /** Relational-store settings under the stack's own (data retention, capacity, backups). */
  readonly relational: RelationalStoreSettings;
  /** Training-storage settings under the stack's own (data retention). */
  readonly trainingStorage: TrainingStorageSettings;
  /** Catalog settings under the stack's own (log retention). */
  readonly glue: DataCatalogSettings;
  /** Query workgroup settings under the stack's own (the per-query cutoff). */
  readonly athena: QueryWorkgroupSettings;
  /** Pipeline settings under the stack's own (the integration pattern, log retention). */
  readonly pipeline: PipelineSettings;
  /**
   * The emulator the stack deploys to; only `local` has one. `mlplat sandbox up` sets the running emulator's
   * URL in the stack's config.
   */
  readonly emulator?: { readonly endpoint: string };
}

/** Where `mlplat sandbox up` runs its emulator when the port is free: LocalStack's customary edge port. */
export const DEFAULT_EMULATOR_ENDPOINT = "http://127.0.0.1:4566";

/**
 * Every per-environment default, in one place. A stack file overrides any of them; the component's own
 * defaults (the seed's numbers) apply to whatever neither sets.
 */
export const ENVIRONMENT_DEFAULTS: Readonly<Record<Environment, EnvironmentDefaults>> = {
  // Emulator stacks: moto enforces bucket policies without their conditions, so a TLS-only deny would
  // refuse every request; and a sandbox holds no data worth keeping past its life.
  local: {
    // moto's bedrock-runtime answers only {}, and its Lambda runs code only in Docker: both off here.
    features: {
      dataLake: true,
      sagemaker: false,
      bedrock: false,
      lambdaInference: false,
      eks: false,
      // moto implements too little of AWS Budgets for the provider to manage one.
      costGuardrails: false,
      // moto has no Redshift Serverless.
      redshift: false,
      // moto serves Glue, Athena and Step Functions, but LocalStack's open core does not: a stack that uses
      // them on LocalStack's core fails at deploy. Switch them on with moto.
      glue: false,
      athena: false,
      pipeline: false,
      // Opt-in everywhere: it starts GPU training when data arrives.
      etlTrigger: false,
      featureStore: false,
      spark: false,
      gpuInstances: false,
      relational: false,
      trainingStorage: false,
    },
    dataLake: {
      deletionPolicy: "retain",
      tlsOnly: false,
      lifecycle: { noncurrentVersionExpirationDays: 7, accessLogRetentionDays: 30 },
    },
    network: { sageMakerEndpoints: false },
    bedrock: { logRetentionDays: 7 },
    lambdaInference: { reservedConcurrency: 2, logRetentionDays: 7 },
    sagemakerEndpointMode: "serverless",
    redshift: { deletionPolicy: "destroy", auditLogRetentionDays: 7 },
    featureStore: { deletionPolicy: "destroy" },
    relational: { deletionPolicy: "destroy", logRetentionDays: 7 },
    trainingStorage: { deletionPolicy: "destroy", ebsEncryptionByDefault: false },
    // moto runs request-response and aws-sdk tasks, not .sync integrations: the pipeline polls there.
    glue: { logRetentionDays: 7 },
    athena: {},
    pipeline: { integration: "poll", logRetentionDays: 7 },
    cost: {},
    emulator: { endpoint: DEFAULT_EMULATOR_ENDPOINT },
  },
  dev: {
    features: {
      dataLake: true,
      sagemaker: false,
      bedrock: false,
      lambdaInference: false,
      eks: false,
      costGuardrails: true,
      redshift: false,
      glue: false,
      athena: false,
      pipeline: false,
      // Opt-in everywhere: it starts GPU training when data arrives.
      etlTrigger: false,
      featureStore: false,
      spark: false,
      gpuInstances: false,
      relational: false,
      trainingStorage: false,
    },
    dataLake: {
      deletionPolicy: "retain",
      lifecycle: { noncurrentVersionExpirationDays: 7, accessLogRetentionDays: 30 },
    },
    // Interface endpoints cost money per AZ and hour (seed §7.4); dev reaches SageMaker's API publicly.
    network: { sageMakerEndpoints: false },
    bedrock: { logRetentionDays: 30 },
    lambdaInference: { reservedConcurrency: 5, logRetentionDays: 30 },
    sagemakerEndpointMode: "serverless",
    redshift: { deletionPolicy: "retain", auditLogRetentionDays: 30 },
    featureStore: { deletionPolicy: "retain" },
    relational: { deletionPolicy: "retain", logRetentionDays: 30 },
    trainingStorage: { deletionPolicy: "retain" },
    glue: { logRetentionDays: 30 },
    athena: {},
    pipeline: { integration: "sync", logRetentionDays: 30 },
    // A shared dev account: its budget filters on Project and Environment, so dev's alerts count dev's spend.
    cost: {
      monthlyLimitUsd: 50,
      scopeTagKeys: ["Project", "Environment"],
      activateCostAllocationTags: false,
    },
  },
  staging: {
    features: {
      dataLake: true,
      sagemaker: false,
      bedrock: false,
      lambdaInference: false,
      eks: false,
      costGuardrails: true,
      redshift: false,
      glue: false,
      athena: false,
      pipeline: false,
      // Opt-in everywhere: it starts GPU training when data arrives.
      etlTrigger: false,
      featureStore: false,
      spark: false,
      gpuInstances: false,
      relational: false,
      trainingStorage: false,
    },
    dataLake: {
      deletionPolicy: "retain",
      lifecycle: { noncurrentVersionExpirationDays: 30, accessLogRetentionDays: 90 },
    },
    network: { sageMakerEndpoints: false },
    bedrock: { logRetentionDays: 90 },
    lambdaInference: { reservedConcurrency: 10, logRetentionDays: 90 },
    sagemakerEndpointMode: "instances",
    redshift: { deletionPolicy: "retain", auditLogRetentionDays: 90 },
    featureStore: { deletionPolicy: "retain" },
    relational: { deletionPolicy: "retain", logRetentionDays: 90 },
    trainingStorage: { deletionPolicy: "retain" },
    glue: { logRetentionDays: 90 },
    athena: {},
    pipeline: { integration: "sync", logRetentionDays: 90 },
    cost: {
      monthlyLimitUsd: 300,
      scopeTagKeys: ["Project", "Environment"],
      activateCostAllocationTags: false,
    },
  },
  prod: {
    features: {
      dataLake: true,
      sagemaker: false,
      bedrock: false,
      lambdaInference: false,
      eks: false,
      costGuardrails: true,
      redshift: false,
      glue: false,
      athena: false,
      pipeline: false,
      // Opt-in everywhere: it starts GPU training when data arrives.
      etlTrigger: false,
      featureStore: false,
      spark: false,
      gpuInstances: false,
      relational: false,
      trainingStorage: false,
    },
    dataLake: {
      deletionPolicy: "protect",
      lifecycle: { noncurrentVersionExpirationDays: 90, accessLogRetentionDays: 365 },
    },
    network: { sageMakerEndpoints: true, availabilityZoneCount: 3 },
    // A year of invocation logs for audits; prod functions keep room for bursts.
    bedrock: { logRetentionDays: 365 },
    lambdaInference: { reservedConcurrency: 50, logRetentionDays: 365 },
    sagemakerEndpointMode: "instances",
    redshift: { deletionPolicy: "protect", auditLogRetentionDays: 365 },
    featureStore: { deletionPolicy: "protect" },
    // A 0.5 ACU floor keeps production from the ~15 s resume of a paused database.
    relational: {
      deletionPolicy: "protect",
      minCapacityAcus: 0.5,
      maxCapacityAcus: 16,
      backupRetentionDays: 14,
      logRetentionDays: 365,
    },
    trainingStorage: { deletionPolicy: "protect" },
    // A production query may scan 100 GiB (about $0.50 at $5 per TB) before Athena cuts it off.
    glue: { logRetentionDays: 365 },
    athena: { bytesScannedCutoffPerQuery: 100 * 1024 ** 3 },
    pipeline: { integration: "sync", logRetentionDays: 365 },
    // No default limit: a production stack states what it may spend. Production owns the account's cost
    // allocation tags, and is told about anomalies and forecasts, not only about money already spent.
    cost: {
      scopeTagKeys: ["Project", "Environment"],
      alertOnForecast: true,
      activateCostAllocationTags: true,
      anomalyMonitoring: { enabled: true, thresholdUsd: 100, monitor: "tag", frequency: "IMMEDIATE" },
    },
  },
};
