import { z } from "zod";

import {
  resolveQueryWorkgroupSettings,
  validateQueryWorkgroupSettings,
  type QueryWorkgroupSettings,
  type ResolvedQueryWorkgroupSettings,
} from "../../components/athena/args";
import {
  featureStoreEnvironmentIssues,
  resolveFeatureStoreSettings,
  validateFeatureStoreSettings,
  type FeatureStoreSettings,
  type ResolvedFeatureStoreSettings,
} from "../../components/feature-store/args";
import {
  resolveSparkSettings,
  validateSparkSettings,
  type ResolvedSparkSettings,
} from "../../components/emr/args";
import {
  resolveGpuInstanceSettings,
  validateGpuInstanceSettings,
  type ResolvedGpuInstanceSettings,
} from "../../components/gpu-instances/args";
import {
  relationalStoreEnvironmentIssues,
  resolveRelationalStoreSettings,
  validateRelationalStoreSettings,
  type RelationalStoreSettings,
  type ResolvedRelationalStoreSettings,
} from "../../components/relational/args";
import {
  resolveTrainingStorageSettings,
  trainingStorageEnvironmentIssues,
  validateTrainingStorageSettings,
  type ResolvedTrainingStorageSettings,
  type TrainingStorageSettings,
} from "../../components/storage/args";
import {
  resolveDataCatalogSettings,
  validateDataCatalogSettings,
  type DataCatalogSettings,
  type ResolvedDataCatalogSettings,
} from "../../components/glue/args";
import {
  resolveEtlTriggerSettings,
  validateEtlTriggerSettings,
  type ResolvedEtlTriggerSettings,
} from "../../components/etl-trigger/args";
import {
  resolvePipelineSettings,
  validatePipelineSettings,
  type PipelineSettings,
  type ResolvedPipelineSettings,
} from "../../components/pipeline/args";
import { ENDPOINT_NAME as SAGEMAKER_ENDPOINT_NAME } from "../../components/pipeline/definition";
import {
  resolveBedrockSettings,
  validateBedrockSettings,
  type BedrockSettings,
  type ResolvedBedrockSettings,
} from "../../components/bedrock/args";
import {
  resolveCostGuardrailSettings,
  validateCostGuardrailSettings,
  type CostGuardrailSettings,
  type ResolvedCostGuardrailSettings,
} from "../../components/cost/args";
import {
  resolveInferenceFunctionSettings,
  validateInferenceFunctionSettings,
  type InferenceFunctionSettings,
  type ResolvedInferenceFunctionSettings,
} from "../../components/lambda-inference/args";
import {
  productionDeletionPolicyIssues,
  resolveDataLakeArgs,
  validateDataLakeArgs,
  type DataLakeArgs,
  type ResolvedDataLakeArgs,
} from "../../components/data-lake/args";
import {
  closestMatch,
  prefixIssues,
  ValidationError,
  type ValidationIssue,
} from "../../components/validation";
import {
  resolveNetworkArgs,
  validateNetworkArgs,
  type NetworkArgs,
  type ResolvedNetworkArgs,
} from "../../components/network/args";
import {
  resolveEndpointSettings,
  resolveServingSettings,
  validateEndpointSettings,
  validateServingSettings,
  type EndpointSettings,
  type ResolvedEndpointSettings,
  type ResolvedServingSettings,
  type ServingSettings,
} from "../../components/sagemaker/endpoint-args";
import {
  resolveWarehouseSettings,
  SERVERLESS_MIN_SUBNETS,
  validateWarehouseSettings,
  warehouseEnvironmentIssues,
  type ResolvedWarehouseSettings,
  type WarehouseSettings,
} from "../../components/redshift/args";
import {
  resolveTrainingSettings,
  validateTrainingSettings,
  type ResolvedTrainingSettings,
  type TrainingSettings,
} from "../../components/sagemaker/training-args";
import {
  resolveEksClusterSettings,
  resolveGpuNodeGroupSettings,
  resolveKarpenterSettings,
  validateEksClusterSettings,
  validateKarpenterSettings,
  type KarpenterSettings,
  validateGpuNodeGroupSettings,
  type ResolvedEksClusterSettings,
  type ResolvedGpuNodeGroupSettings,
} from "../../components/eks/args";
import { ENVIRONMENT_DEFAULTS, ENVIRONMENTS, type Environment, type EnvironmentDefaults } from "./defaults";
import { StackConfigSchema } from "./schema";

export { ENVIRONMENT_DEFAULTS, ENVIRONMENTS, type Environment } from "./defaults";

/** The project's config namespace: keys in `Pulumi.<stack>.yaml` read `mlplat:<key>`. */
export const NAMESPACE = "mlplat";
/** Stack settings that live in another namespace, by their key in the schema. */
const FOREIGN_KEYS: Readonly<Record<string, string>> = { region: "aws:region" };

export const REQUIRED_TAGS = ["Project", "Environment", "CostCenter", "Owner"] as const;

/** A stack's settings after validation, with every default applied. */
export interface StackConfig {
  readonly stack: string;
  readonly environment: Environment;
  readonly region: string;
  /** Tags for every taggable resource; always carries Project, Environment, CostCenter and Owner. */
  readonly tags: Readonly<Record<string, string>>;
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
  readonly dataLake: ResolvedDataLakeArgs;
  /** The platform's VPC, declared when a capability that runs in it is on. */
  readonly network: ResolvedNetworkArgs;
  /** Set when `features.sagemaker` is on. */
  readonly sagemaker?: SageMakerSettings;
  /** Set when `features.bedrock` is on. */
  readonly bedrock?: ResolvedBedrockSettings;
  /** Set when `features.eks` is on. */
  readonly eks?: {
    readonly cluster: ResolvedEksClusterSettings;
    readonly gpuNodeGroup: ResolvedGpuNodeGroupSettings;
    /** Set when `eks.karpenter.enabled`: Karpenter then provisions the GPU nodes instead of the node group. */
    readonly karpenter?: Required<KarpenterSettings>;
  };
  /** Set when `features.lambdaInference` is on. */
  readonly lambdaInference?: ResolvedInferenceFunctionSettings;
  /** Set when `features.glue` is on: the data catalog and the ETL job. */
  readonly glue?: ResolvedDataCatalogSettings;
  /** Set when `features.athena` is on: the query workgroup. */
  readonly athena?: ResolvedQueryWorkgroupSettings;
  /** Set when `features.pipeline` is on: the Step Functions ML pipeline. */
  readonly pipeline?: {
    readonly settings: ResolvedPipelineSettings;
    /** The SageMaker endpoint the pipeline deploys to. @default `<project>-<stack>-pipeline` */
    readonly endpointName?: string;
  };
  /** Set when `features.etlTrigger` is on: new drops under raw/ start the pipeline. */
  readonly etlTrigger?: ResolvedEtlTriggerSettings;
  /** Set when `features.featureStore` is on: the online features and run metadata tables. */
  readonly featureStore?: ResolvedFeatureStoreSettings;
  /** Set when `features.spark` is on: the EMR Serverless application. */
  readonly spark?: ResolvedSparkSettings;
  /** Set when `features.gpuInstances` is on: the GPU launch template and its groups. */
  readonly gpuInstances?: ResolvedGpuInstanceSettings;
  /** Set when `features.relational` is on: the Aurora PostgreSQL cluster. */
  readonly relational?: ResolvedRelationalStoreSettings;
  /** Set when `features.trainingStorage` is on: the shared EFS and EBS encryption by default. */
  readonly trainingStorage?: ResolvedTrainingStorageSettings;
  /** Set when `features.redshift` is on: the warehouse. */
  readonly redshift?: ResolvedWarehouseSettings;
  /** Set when `features.costGuardrails` is on: the stack's budget and its alerts. */
  readonly cost?: ResolvedCostGuardrailSettings;
  /** The AWS emulator this stack deploys to: set on `local` stacks, and only there. */
  readonly emulator?: EmulatorSettings;
}

export interface SageMakerSettings {
  readonly training: ResolvedTrainingSettings;
  /** The endpoint template `mlplat deploy` fills in (its modelDataKey is a placeholder). */
  readonly serving: ResolvedServingSettings;
  /** A model endpoint the stack declares itself, when `mlplat:sagemaker.endpoint` is set. */
  readonly endpoint?: { readonly name: string; readonly settings: ResolvedEndpointSettings };
}

export interface EmulatorSettings {
  /** Base URL of the emulator that serves every AWS service, e.g. `http://127.0.0.1:4566`. */
  readonly endpoint: string;
}

/**
 * Parses and validates a stack's config, as Pulumi hands it to a program (`pulumi.runtime.allConfig()`: every
 * key namespaced, objects as JSON text). Throws a {@link ValidationError} listing every problem at once.
 */
export function loadStackConfig(stack: string, config: Readonly<Record<string, string>>): StackConfig {
  const { input, issues } = configInput(config);
  const parsed = StackConfigSchema.safeParse(input);
  const structural = parsed.success ? [] : parsed.error.issues.flatMap((i) => toIssues(i, input));
  issues.push(...structural);

  // Semantic rules run on whatever is well-formed, so one bad key does not hide another's problem.
  const flagged = new Set(issues.map((i) => i.path));
  const environment = pick(input, ["environment"], (v): v is Environment =>
    ENVIRONMENTS.includes(v as Environment),
  );
  const defaults = ENVIRONMENT_DEFAULTS[environment ?? "dev"];
  const lakeInput = withoutFlagged(asRecord(input.dataLake), "mlplat:dataLake", flagged) as DataLakeArgs;
  const tags = buildTags(asRecord(input.tags), environment);
  const dataLake = resolveDataLakeArgs({
    ...defaults.dataLake,
    ...lakeInput,
    lifecycle: { ...defaults.dataLake.lifecycle, ...lakeInput.lifecycle },
    tags,
  });
  const featureInput = asRecord(input.features);
  const feature = (key: keyof EnvironmentDefaults["features"]): boolean => {
    const given = featureInput[key];
    return typeof given === "boolean" ? given : defaults.features[key];
  };
  const features = {
    dataLake: feature("dataLake"),
    sagemaker: feature("sagemaker"),
    bedrock: feature("bedrock"),
    lambdaInference: feature("lambdaInference"),
    eks: feature("eks"),
    costGuardrails: feature("costGuardrails"),
    redshift: feature("redshift"),
    glue: feature("glue"),
    athena: feature("athena"),
    pipeline: feature("pipeline"),
    etlTrigger: feature("etlTrigger"),
    featureStore: feature("featureStore"),
    spark: feature("spark"),
    gpuInstances: feature("gpuInstances"),
    relational: feature("relational"),
    trainingStorage: feature("trainingStorage"),
  };
  const networkInput = withoutFlagged(
    asRecord(input.network),
    `${NAMESPACE}:network`,
    flagged,
  ) as NetworkArgs;
  const network = resolveNetworkArgs({ ...defaults.network, ...networkInput, tags });
  const sagemaker = features.sagemaker
    ? sageMakerSettings(
        withoutFlagged(asRecord(input.sagemaker), `${NAMESPACE}:sagemaker`, flagged),
        defaults,
      )
    : undefined;
  const bedrock = features.bedrock
    ? resolveBedrockSettings({
        ...defaults.bedrock,
        ...(withoutFlagged(asRecord(input.bedrock), `${NAMESPACE}:bedrock`, flagged) as BedrockSettings),
      })
    : undefined;
  const lambdaInference = features.lambdaInference
    ? resolveInferenceFunctionSettings({
        ...defaults.lambdaInference,
        ...(withoutFlagged(
          asRecord(input.lambdaInference),
          `${NAMESPACE}:lambdaInference`,
          flagged,
        ) as unknown as InferenceFunctionSettings),
      })
    : undefined;
  const eksInput = withoutFlagged(asRecord(input.eks), `${NAMESPACE}:eks`, flagged);
  const eks = features.eks
    ? {
        cluster: resolveEksClusterSettings(eksInput),
        gpuNodeGroup: resolveGpuNodeGroupSettings(asRecord(eksInput.gpuNodeGroup)),
        ...(asRecord(eksInput.karpenter).enabled === true
          ? { karpenter: resolveKarpenterSettings(asRecord(eksInput.karpenter)) }
          : {}),
      }
    : undefined;
  const section = (key: string): Record<string, unknown> =>
    withoutFlagged(asRecord(input[key]), `${NAMESPACE}:${key}`, flagged);
  const glue = features.glue
    ? resolveDataCatalogSettings({ ...defaults.glue, ...(section("glue") as DataCatalogSettings) })
    : undefined;
  const athena = features.athena
    ? resolveQueryWorkgroupSettings({ ...defaults.athena, ...(section("athena") as QueryWorkgroupSettings) })
    : undefined;
  const pipelineInput = section("pipeline");
  const pipeline = features.pipeline
    ? {
        settings: resolvePipelineSettings({
          notificationEmails: ownerEmails(tags),
          ...defaults.pipeline,
          ...(pipelineInput as PipelineSettings),
          retry: { ...defaults.pipeline.retry, ...asRecord(pipelineInput.retry) },
        }),
        ...(typeof pipelineInput.endpointName === "string"
          ? { endpointName: pipelineInput.endpointName }
          : {}),
      }
    : undefined;
  const etlTrigger = features.etlTrigger ? resolveEtlTriggerSettings(section("etlTrigger")) : undefined;
  const featureStore = features.featureStore
    ? resolveFeatureStoreSettings({
        ...defaults.featureStore,
        ...(section("featureStore") as FeatureStoreSettings),
      })
    : undefined;
  const spark = features.spark ? resolveSparkSettings(section("spark")) : undefined;
  const gpuInstances = features.gpuInstances
    ? resolveGpuInstanceSettings(section("gpuInstances"))
    : undefined;
  const relational = features.relational
    ? resolveRelationalStoreSettings({
        ...defaults.relational,
        ...(section("relational") as RelationalStoreSettings),
      })
    : undefined;
  const trainingStorage = features.trainingStorage
    ? resolveTrainingStorageSettings({
        ...defaults.trainingStorage,
        ...(section("trainingStorage") as TrainingStorageSettings),
      })
    : undefined;
  const redshift = features.redshift
    ? resolveWarehouseSettings({
        ...defaults.redshift,
        ...(withoutFlagged(asRecord(input.redshift), `${NAMESPACE}:redshift`, flagged) as WarehouseSettings),
      })
    : undefined;
  const cost = features.costGuardrails ? costSettings(input.cost, defaults, tags, flagged) : undefined;
  const semantic = [
    ...prefixIssues(`${NAMESPACE}:dataLake`, validateDataLakeArgs(dataLake)),
    ...(eks
      ? [
          ...prefixIssues(`${NAMESPACE}:eks`, validateEksClusterSettings(eks.cluster)),
          ...prefixIssues(`${NAMESPACE}:eks.gpuNodeGroup`, validateGpuNodeGroupSettings(eks.gpuNodeGroup)),
          ...(eks.karpenter
            ? prefixIssues(`${NAMESPACE}:eks.karpenter`, validateKarpenterSettings(eks.karpenter))
            : []),
        ]
      : []),
    ...prefixIssues(`${NAMESPACE}:network`, validateNetworkArgs(network)),
    ...(sagemaker?.issues ?? []),
    ...(bedrock ? prefixIssues(`${NAMESPACE}:bedrock`, validateBedrockSettings(bedrock)) : []),
    ...(lambdaInference
      ? prefixIssues(`${NAMESPACE}:lambdaInference`, validateInferenceFunctionSettings(lambdaInference))
      : []),
    ...(redshift
      ? prefixIssues(`${NAMESPACE}:redshift`, [
          ...validateWarehouseSettings(redshift),
          ...(environment ? warehouseEnvironmentIssues(environment, redshift) : []),
        ])
      : []),
    ...(redshift ? warehouseNetworkRules(redshift, network) : []),
    ...(glue ? prefixIssues(`${NAMESPACE}:glue`, validateDataCatalogSettings(glue)) : []),
    ...(athena ? prefixIssues(`${NAMESPACE}:athena`, validateQueryWorkgroupSettings(athena)) : []),
    ...(pipeline ? pipelineIssues(pipeline) : []),
    ...(featureStore
      ? prefixIssues(`${NAMESPACE}:featureStore`, [
          ...validateFeatureStoreSettings(featureStore),
          ...(environment ? featureStoreEnvironmentIssues(environment, featureStore) : []),
        ])
      : []),
    ...(relational
      ? prefixIssues(`${NAMESPACE}:relational`, [
          ...validateRelationalStoreSettings(relational),
          ...(environment ? relationalStoreEnvironmentIssues(environment, relational) : []),
        ])
      : []),
    ...(trainingStorage
      ? prefixIssues(`${NAMESPACE}:trainingStorage`, [
          ...validateTrainingStorageSettings(trainingStorage),
          ...(environment ? trainingStorageEnvironmentIssues(environment, trainingStorage) : []),
        ])
      : []),
    ...(spark ? prefixIssues(`${NAMESPACE}:spark`, validateSparkSettings(spark)) : []),
    ...(gpuInstances
      ? prefixIssues(`${NAMESPACE}:gpuInstances`, validateGpuInstanceSettings(gpuInstances))
      : []),
    ...(etlTrigger ? prefixIssues(`${NAMESPACE}:etlTrigger`, validateEtlTriggerSettings(etlTrigger)) : []),
    ...(cost ? prefixIssues(`${NAMESPACE}:cost`, costIssues(cost, tags, flagged)) : []),
    ...featureRules(features),
    ...environmentRules(environment, dataLake, asRecord(input.tags)),
    ...emulatorRules(environment, input.emulator),
  ];
  issues.push(...semantic.filter((i) => !flagged.has(i.path)));

  if (issues.length > 0 || !parsed.success) {
    throw new ValidationError(`stack ${stack}: invalid config`, issues);
  }
  const endpoint = parsed.data.emulator?.endpoint ?? defaults.emulator?.endpoint;
  return {
    stack,
    environment: parsed.data.environment,
    region: parsed.data.region,
    tags,
    features,
    dataLake,
    network,
    ...(sagemaker ? { sagemaker: sagemaker.settings } : {}),
    ...(bedrock ? { bedrock } : {}),
    ...(lambdaInference ? { lambdaInference } : {}),
    ...(eks ? { eks } : {}),
    ...(glue ? { glue } : {}),
    ...(athena ? { athena } : {}),
    ...(pipeline ? { pipeline } : {}),
    ...(etlTrigger ? { etlTrigger } : {}),
    ...(featureStore ? { featureStore } : {}),
    ...(spark ? { spark } : {}),
    ...(relational ? { relational } : {}),
    ...(trainingStorage ? { trainingStorage } : {}),
    ...(gpuInstances ? { gpuInstances } : {}),
    ...(redshift ? { redshift } : {}),
    ...(cost ? { cost } : {}),
    ...(endpoint !== undefined ? { emulator: { endpoint: endpoint.replace(/\/+$/, "") } } : {}),
  };
}

/** The Owner tag, as a list of one address when it is an email address: where alerts go by default. */
function ownerEmails(tags: Readonly<Record<string, string>>): string[] {
  const owner = tags.Owner;
  return owner !== undefined && /^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$/.test(owner) ? [owner] : [];
}

/**
 * The stack's budget settings: its own over the environment's, with alerts going to the Owner tag when that is
 * an email address and the stack names no one else.
 */
function costSettings(
  input: unknown,
  defaults: EnvironmentDefaults,
  tags: Readonly<Record<string, string>>,
  flagged: Set<string>,
): ResolvedCostGuardrailSettings {
  const own = withoutFlagged(asRecord(input), `${NAMESPACE}:cost`, flagged) as Partial<CostGuardrailSettings>;
  return resolveCostGuardrailSettings({
    alertEmails: ownerEmails(tags),
    ...defaults.cost,
    ...own,
    anomalyMonitoring: { ...defaults.cost.anomalyMonitoring, ...own.anomalyMonitoring },
  } as CostGuardrailSettings);
}

/** The pipeline's settings, and the endpoint it deploys to. */
function pipelineIssues(pipeline: NonNullable<StackConfig["pipeline"]>): ValidationIssue[] {
  const issues = prefixIssues(`${NAMESPACE}:pipeline`, validatePipelineSettings(pipeline.settings));
  if (pipeline.endpointName !== undefined && !SAGEMAKER_ENDPOINT_NAME.test(pipeline.endpointName)) {
    issues.push({
      path: `${NAMESPACE}:pipeline.endpointName`,
      value: pipeline.endpointName,
      expected: "a SageMaker endpoint name: 1 to 63 letters, digits and single hyphens",
    });
  }
  return issues;
}

/** Redshift Serverless needs subnets in three Availability Zones; say so before anything is declared. */
function warehouseNetworkRules(
  redshift: ResolvedWarehouseSettings,
  network: ResolvedNetworkArgs,
): ValidationIssue[] {
  if (redshift.mode !== "serverless" || network.availabilityZoneCount >= SERVERLESS_MIN_SUBNETS) return [];
  return [
    {
      path: `${NAMESPACE}:network.availabilityZoneCount`,
      value: network.availabilityZoneCount,
      expected: `${SERVERLESS_MIN_SUBNETS} when ${NAMESPACE}:redshift.mode is serverless (Redshift Serverless needs subnets in ${SERVERLESS_MIN_SUBNETS} Availability Zones)`,
    },
  ];
}

/**
 * The budget's problems, leaving out those that only echo a malformed tag or environment (the scope tags and
 * the Owner address come from them): that key's own problem is already reported.
 */
function costIssues(
  cost: ResolvedCostGuardrailSettings,
  tags: Readonly<Record<string, string>>,
  flagged: Set<string>,
): ValidationIssue[] {
  const tagsFlagged = [...flagged].some(
    (p) => p === `${NAMESPACE}:environment` || p.startsWith(`${NAMESPACE}:tags`),
  );
  return validateCostGuardrailSettings(cost, tags).filter(
    (i) => !(tagsFlagged && /^(alertEmails|scopeTagKeys)/.test(i.path)),
  );
}

/** Capabilities that need another one. */
function featureRules(features: StackConfig["features"]): ValidationIssue[] {
  const missing = (["sagemaker", "glue"] as const).filter((key) => !features[key]);
  const pipeline: ValidationIssue[] =
    features.pipeline && missing.length > 0
      ? [
          {
            path: `${NAMESPACE}:features.pipeline`,
            value: true,
            expected: `false while ${missing.map((k) => `${NAMESPACE}:features.${k}`).join(" and ")} ${missing.length > 1 ? "are" : "is"} false: the pipeline runs the Glue ETL job, then trains and deploys with SageMaker`,
          },
        ]
      : [];
  if (features.etlTrigger && !features.pipeline) {
    pipeline.push({
      path: `${NAMESPACE}:features.etlTrigger`,
      value: true,
      expected: `false while ${NAMESPACE}:features.pipeline is false: the trigger starts the pipeline's state machine`,
    });
  }
  if (features.dataLake) return pipeline;
  const needsLake = {
    sagemaker: "training reads from and writes to the lake",
    bedrock: "invocation logs are delivered to the lake",
    lambdaInference: "the function loads its model from the lake",
    redshift: "the warehouse loads from and unloads to the lake",
    glue: "the catalog describes the lake's zones and the ETL job reads and writes them",
    athena: "queries read the lake and write their results to it",
    pipeline: "the pipeline's jobs read and write the lake",
    spark: "Spark jobs read and write the lake and log to it",
  } as const;
  return [
    ...pipeline,
    ...(Object.keys(needsLake) as (keyof typeof needsLake)[])
      .filter((key) => features[key])
      .map((key) => ({
        path: `${NAMESPACE}:features.${key}`,
        value: true,
        expected: `false while ${NAMESPACE}:features.dataLake is false: ${needsLake[key]}`,
      })),
  ];
}

const ENDPOINT_NAME = /^[a-z0-9](-?[a-z0-9]){0,19}$/;
/** The settings an endpoint declared by the stack takes from `mlplat:sagemaker.endpoint`; the rest are the template's. */
const OWN_ENDPOINT_SETTINGS = /^(modelDataKey|mode|serverless|networkIsolation)/;

/** Training template, endpoint template and optional endpoint, with the seed's defaults, and their problems. */
function sageMakerSettings(
  input: Record<string, unknown>,
  defaults: EnvironmentDefaults,
): { settings: SageMakerSettings; issues: ValidationIssue[] } {
  const at = (path: string) => `${NAMESPACE}:sagemaker.${path}`;
  const training = resolveTrainingSettings(asRecord(input.training) as unknown as TrainingSettings);
  const servingInput = asRecord(input.serving) as Partial<ServingSettings>;
  const serving = resolveServingSettings({
    ...servingInput,
    image: servingInput.image ?? (undefined as unknown as string),
  });
  const issues = [
    ...prefixIssues(at("training"), validateTrainingSettings(training)),
    ...prefixIssues(at("serving"), validateServingSettings(serving)),
  ];
  let endpoint: SageMakerSettings["endpoint"];
  if (input.endpoint !== undefined) {
    const own = asRecord(input.endpoint);
    const name = own.name ?? "model";
    const settings = resolveEndpointSettings({
      image: serving.image,
      instanceType: serving.instanceType,
      initialInstanceCount: serving.initialInstanceCount,
      autoscaling: serving.autoscaling,
      modelDataKey: own.modelDataKey as string,
      mode: (own.mode as EndpointSettings["mode"]) ?? defaults.sagemakerEndpointMode,
      ...(own.serverless !== undefined
        ? { serverless: own.serverless as EndpointSettings["serverless"] }
        : {}),
    });
    issues.push(
      ...prefixIssues(
        at("endpoint"),
        validateEndpointSettings(settings).filter((i) => OWN_ENDPOINT_SETTINGS.test(i.path)),
      ),
    );
    if (typeof name !== "string" || !ENDPOINT_NAME.test(name)) {
      issues.push({
        path: at("endpoint.name"),
        value: name,
        expected: "1 to 20 lowercase letters, digits and single hyphens",
      });
    }
    endpoint = { name: typeof name === "string" ? name : "model", settings };
  }
  return { settings: { training, serving, ...(endpoint ? { endpoint } : {}) }, issues };
}

/**
 * Only `local` stacks run against an emulator: anywhere else an endpoint would send a real stack's calls to
 * another server. The URL must be a plain http(s) origin, the form every AWS SDK and the provider accept.
 */
function emulatorRules(environment: Environment | undefined, emulator: unknown): ValidationIssue[] {
  if (emulator === undefined) return [];
  const endpoint = asRecord(emulator).endpoint;
  const path = `${NAMESPACE}:emulator${endpoint === undefined ? "" : ".endpoint"}`;
  const value = endpoint === undefined ? emulator : endpoint;
  if (environment !== undefined && environment !== "local") {
    return [
      {
        path,
        value,
        expected: `no emulator in a ${environment} environment: only local stacks deploy to an AWS emulator`,
      },
    ];
  }
  if (typeof endpoint === "string" && !isEmulatorUrl(endpoint)) {
    return [
      {
        path,
        value,
        expected: "an http:// or https:// URL with a host and no path, such as http://127.0.0.1:4566",
      },
    ];
  }
  return [];
}

function isEmulatorUrl(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  return (
    (url.protocol === "http:" || url.protocol === "https:") &&
    url.hostname !== "" &&
    url.pathname.replace(/\/+$/, "") === "" &&
    url.search === "" &&
    url.hash === "" &&
    url.username === "" &&
    url.password === ""
  );
}

/** Rules that depend on the environment: what production must keep, what only an emulator may relax. */
function environmentRules(
  environment: Environment | undefined,
  lake: ResolvedDataLakeArgs,
  tags: Record<string, unknown>,
): ValidationIssue[] {
  if (environment === undefined) return [];
  const issues: ValidationIssue[] = [];
  issues.push(
    ...productionDeletionPolicyIssues(
      environment,
      lake.deletionPolicy,
      `${NAMESPACE}:dataLake.deletionPolicy`,
    ),
  );
  if (environment !== "local" && !lake.tlsOnly) {
    issues.push({
      path: `${NAMESPACE}:dataLake.tlsOnly`,
      value: lake.tlsOnly,
      expected: `true in a ${environment} environment: only emulator (local) stacks may accept plain HTTP`,
    });
  }
  if (typeof tags.Environment === "string" && tags.Environment !== environment) {
    issues.push({
      path: `${NAMESPACE}:tags.Environment`,
      value: tags.Environment,
      expected: `${JSON.stringify(environment)}, the value of ${NAMESPACE}:environment (or leave it out)`,
    });
  }
  return issues;
}

function buildTags(
  given: Record<string, unknown>,
  environment: Environment | undefined,
): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(given)) {
    if (typeof value === "string") tags[key] = value;
  }
  if (environment !== undefined && tags.Environment === undefined) tags.Environment = environment;
  return tags;
}

/** Turns Pulumi's flat config map into the schema's input: `mlplat:` keys unprefixed, objects parsed. */
function configInput(config: Readonly<Record<string, string>>): {
  input: Record<string, unknown>;
  issues: ValidationIssue[];
} {
  const input: Record<string, unknown> = {};
  const issues: ValidationIssue[] = [];
  for (const [schemaKey, foreignKey] of Object.entries(FOREIGN_KEYS)) {
    if (config[foreignKey] !== undefined) input[schemaKey] = config[foreignKey];
  }
  for (const [key, raw] of Object.entries(config)) {
    if (!key.startsWith(`${NAMESPACE}:`)) continue;
    const name = key.slice(NAMESPACE.length + 1);
    if (name in FOREIGN_KEYS) {
      input[`${NAMESPACE}:${name}`] = raw; // rejected below as an unknown key, with a pointer to the right one
      continue;
    }
    const text = raw.trim();
    if (text.startsWith("{") || text.startsWith("[")) {
      try {
        input[name] = JSON.parse(text) as unknown;
      } catch {
        issues.push({ path: key, value: raw, expected: "a YAML map or list (its JSON form did not parse)" });
      }
    } else {
      input[name] = raw;
    }
  }
  return { input, issues };
}

/** The display path of a schema path: `["dataLake","lifecycle"]` reads `mlplat:dataLake.lifecycle`. */
function displayPath(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path.map(String);
  if (head === undefined) return `${NAMESPACE}:`;
  const root = FOREIGN_KEYS[head] ?? (head.includes(":") ? head : `${NAMESPACE}:${head}`);
  return [root, ...rest].join(".");
}

function toIssues(issue: z.core.$ZodIssue, input: Record<string, unknown>): ValidationIssue[] {
  if (issue.code === "unrecognized_keys") {
    const known = knownKeys(issue.path);
    return issue.keys.map((key) => {
      const path = [...issue.path, key];
      const suggestion = closestMatch(key, known.map(String));
      const listed = known
        .map(
          (k) =>
            displayPath([...issue.path, k])
              .split(".")
              .pop() ?? k,
        )
        .join(", ");
      const foreign = issue.path.length === 0 ? FOREIGN_KEYS[key.replace(`${NAMESPACE}:`, "")] : undefined;
      const hint = foreign
        ? `; set it as ${foreign}`
        : suggestion
          ? `; did you mean ${
              displayPath([...issue.path, suggestion])
                .split(".")
                .pop() ?? suggestion
            }?`
          : "";
      return {
        path: displayPath(path),
        value: valueAt(input, path),
        expected: `no such key: known keys here are ${listed}${hint}`,
      };
    });
  }
  const value = valueAt(input, issue.path);
  let expected = issue.message;
  if (issue.code === "invalid_type" && expected.startsWith("Invalid input")) {
    expected = `${/^[aeiou]/.test(issue.expected) ? "an" : "a"} ${issue.expected}`;
  }
  if (value === undefined) expected += " (this key is required)";
  return [{ path: displayPath(issue.path), value, expected }];
}

/** The keys the schema accepts at an object path. */
function knownKeys(path: readonly PropertyKey[]): string[] {
  let schema: z.ZodType = StackConfigSchema;
  for (const key of path) {
    schema = unwrap(schema);
    if (!(schema instanceof z.ZodObject)) return [];
    const next = (schema.shape as Record<string, z.ZodType | undefined>)[String(key)];
    if (next === undefined) return [];
    schema = next;
  }
  schema = unwrap(schema);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodDefault) {
    current = current.unwrap() as z.ZodType;
  }
  return current;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function pick<T>(
  input: Record<string, unknown>,
  path: string[],
  guard: (v: unknown) => v is T,
): T | undefined {
  const value = valueAt(input, path);
  return guard(value) ? value : undefined;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** A copy of a config object without the keys that already have a structural problem. */
function withoutFlagged(
  value: Record<string, unknown>,
  path: string,
  flagged: Set<string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const childPath = `${path}.${key}`;
    if (flagged.has(childPath)) continue;
    const record = asRecord(child);
    out[key] =
      child !== null && typeof child === "object" && !Array.isArray(child)
        ? withoutFlagged(record, childPath, flagged)
        : child;
  }
  return out;
}
