/**
 * SageMaker operations for people and pipelines: submit and follow a training job from the stack's
 * template, deploy a model to an endpoint with autoscaling, invoke it. Plain AWS SDK calls (no Pulumi), so
 * they work against real AWS and the local sandbox alike; every input is validated before the first call.
 */
import {
  ApplicationAutoScalingClient,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
} from "@aws-sdk/client-application-auto-scaling";
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  CreateTrainingJobCommand,
  DescribeEndpointCommand,
  DescribeTrainingJobCommand,
  SageMakerClient,
  StopTrainingJobCommand,
  UpdateEndpointCommand,
  type DescribeTrainingJobCommandOutput,
  type ProductionVariantInstanceType,
  type TrainingInstanceType,
} from "@aws-sdk/client-sagemaker";
import { InvokeEndpointCommand, SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";

import { checkSageMakerInstanceType } from "../catalog/instances";
import { ValidationError, type ValidationIssue } from "../validation";
import {
  resolveServingSettings,
  validateServingSettings,
  type EndpointAutoscalingArgs,
} from "./endpoint-args";
import { VARIANT_NAME } from "./endpoint-constants";
import { createTrainingJobRequest, type TrainingJobTemplate } from "./training-job";

export interface SageMakerClients {
  readonly sagemaker: SageMakerClient;
  readonly runtime: SageMakerRuntimeClient;
  readonly autoscaling: ApplicationAutoScalingClient;
}

export type Sleep = (ms: number) => Promise<void>;
const sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------- training

/** Where a training job ended up. */
export interface TrainingJobResult {
  readonly jobName: string;
  readonly status: string;
  readonly secondaryStatus?: string;
  /** `s3://.../output/model.tar.gz` when the job completed. */
  readonly modelArtifact?: string;
  readonly failureReason?: string;
  readonly trainingSeconds?: number;
  readonly billableSeconds?: number;
}

const TERMINAL = new Set(["Completed", "Failed", "Stopped"]);

/** Starts a training job from the stack's template, after checking the template's instance type. */
export async function startTrainingJob(
  client: SageMakerClient,
  template: TrainingJobTemplate,
  jobName: string,
  hyperparameters: Readonly<Record<string, string | number | boolean>> = {},
): Promise<{ jobName: string; arn: string }> {
  const issues = checkSageMakerInstanceType("template.instanceType", template.instanceType, "training");
  if (issues.length > 0) throw new ValidationError(`training job ${jobName}`, issues);
  const request = createTrainingJobRequest(template, jobName, hyperparameters);
  const response = await client.send(
    new CreateTrainingJobCommand({
      ...request,
      // Checked against the catalog above; the SDK types instance types as a closed union.
      ResourceConfig: {
        ...request.ResourceConfig,
        InstanceType: request.ResourceConfig.InstanceType as TrainingInstanceType,
      },
    }),
  );
  return { jobName, arn: response.TrainingJobArn ?? "" };
}

/**
 * Polls a training job until it completes, fails or stops, reporting each change of its (secondary)
 * status. `signal` ends the wait early (the job keeps running); the result then carries the last status.
 */
export async function waitForTrainingJob(
  client: SageMakerClient,
  jobName: string,
  options: {
    onStatus?: (status: string, message?: string) => void;
    pollMs?: number;
    signal?: AbortSignal;
    sleep?: Sleep;
  } = {},
): Promise<TrainingJobResult> {
  let last = "";
  for (;;) {
    const job = await client.send(new DescribeTrainingJobCommand({ TrainingJobName: jobName }));
    const status = `${job.TrainingJobStatus ?? "Unknown"}${job.SecondaryStatus ? ` / ${job.SecondaryStatus}` : ""}`;
    if (status !== last) {
      options.onStatus?.(status, job.SecondaryStatusTransitions?.at(-1)?.StatusMessage);
      last = status;
    }
    if (TERMINAL.has(job.TrainingJobStatus ?? "") || options.signal?.aborted)
      return trainingResult(jobName, job);
    await (options.sleep ?? sleep)(options.pollMs ?? 15_000);
  }
}

export async function stopTrainingJob(client: SageMakerClient, jobName: string): Promise<void> {
  await client.send(new StopTrainingJobCommand({ TrainingJobName: jobName }));
}

function trainingResult(jobName: string, job: DescribeTrainingJobCommandOutput): TrainingJobResult {
  return {
    jobName,
    status: job.TrainingJobStatus ?? "Unknown",
    ...(job.SecondaryStatus ? { secondaryStatus: job.SecondaryStatus } : {}),
    ...(job.ModelArtifacts?.S3ModelArtifacts ? { modelArtifact: job.ModelArtifacts.S3ModelArtifacts } : {}),
    ...(job.FailureReason ? { failureReason: job.FailureReason } : {}),
    ...(job.TrainingTimeInSeconds !== undefined ? { trainingSeconds: job.TrainingTimeInSeconds } : {}),
    ...(job.BillableTimeInSeconds !== undefined ? { billableSeconds: job.BillableTimeInSeconds } : {}),
  };
}

// -------------------------------------------------------------------------------------------- deployment

/** A model to serve: the stack's endpoint template plus the archive and image of one model version. */
export interface DeploymentSpec {
  readonly endpointName: string;
  readonly image: string;
  /** `s3://<lake>/models/...tar.gz`, e.g. a training job's artifact. */
  readonly modelDataUrl: string;
  readonly roleArn: string;
  readonly kmsKeyArn: string;
  readonly instanceType?: string;
  readonly initialInstanceCount?: number;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
  readonly networkIsolation?: boolean;
  readonly autoscaling?: EndpointAutoscalingArgs;
}

export interface DeploymentResult {
  readonly endpointName: string;
  readonly modelName: string;
  readonly endpointConfigName: string;
  /** `created` for a new endpoint, `updated` when an existing one was moved to the new config. */
  readonly action: "created" | "updated";
  readonly status: string;
  readonly scalableResourceId: string;
}

const RESOURCE_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/** Every problem with a deployment spec, before any API call. */
export function validateDeploymentSpec(spec: DeploymentSpec): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (!RESOURCE_NAME.test(spec.endpointName) || spec.endpointName.length > 50) {
    issues.push({
      path: "endpointName",
      value: spec.endpointName,
      expected: "1 to 50 letters, digits and hyphens, not starting with a hyphen",
    });
  }
  if (!/^s3:\/\/[^/]+\/.+\.tar\.gz$/.test(spec.modelDataUrl)) {
    issues.push({
      path: "modelDataUrl",
      value: spec.modelDataUrl,
      expected: "the s3:// URI of a model archive (.tar.gz)",
    });
  }
  issues.push(...validateServingSettings(resolveServingSettings(spec)));
  return issues;
}

/**
 * Creates a new model and endpoint config for this version, then creates the endpoint or moves the
 * existing one to the new config, waits until it is in service, and registers autoscaling on its variant.
 */
export async function deployModel(
  clients: SageMakerClients,
  spec: DeploymentSpec,
  options: { onStep?: (step: string) => void; pollMs?: number; sleep?: Sleep; now?: () => Date } = {},
): Promise<DeploymentResult> {
  const issues = validateDeploymentSpec(spec);
  if (issues.length > 0) throw new ValidationError(`deployment ${spec.endpointName}`, issues);
  const settings = resolveServingSettings(spec);
  const step = options.onStep ?? (() => undefined);
  const version = (options.now ?? (() => new Date()))()
    .toISOString()
    .replace(/[-:TZ.]/g, "")
    .slice(0, 14);
  const modelName = `${spec.endpointName}-${version}`;
  const endpointConfigName = `${spec.endpointName}-${version}`;

  step(`creating model ${modelName}`);
  await clients.sagemaker.send(
    new CreateModelCommand({
      ModelName: modelName,
      ExecutionRoleArn: spec.roleArn,
      PrimaryContainer: { Image: spec.image, ModelDataUrl: spec.modelDataUrl },
      VpcConfig: { Subnets: [...spec.subnetIds], SecurityGroupIds: [...spec.securityGroupIds] },
      EnableNetworkIsolation: settings.networkIsolation,
    }),
  );
  step(`creating endpoint config ${endpointConfigName}`);
  await clients.sagemaker.send(
    new CreateEndpointConfigCommand({
      EndpointConfigName: endpointConfigName,
      KmsKeyId: spec.kmsKeyArn,
      ProductionVariants: [
        {
          VariantName: VARIANT_NAME,
          ModelName: modelName,
          InstanceType: settings.instanceType as ProductionVariantInstanceType,
          InitialInstanceCount: settings.initialInstanceCount,
        },
      ],
    }),
  );

  const exists = await endpointExists(clients.sagemaker, spec.endpointName);
  step(`${exists ? "updating" : "creating"} endpoint ${spec.endpointName}`);
  if (exists) {
    await clients.sagemaker.send(
      new UpdateEndpointCommand({ EndpointName: spec.endpointName, EndpointConfigName: endpointConfigName }),
    );
  } else {
    await clients.sagemaker.send(
      new CreateEndpointCommand({ EndpointName: spec.endpointName, EndpointConfigName: endpointConfigName }),
    );
  }
  const status = await waitForEndpoint(clients.sagemaker, spec.endpointName, step, options);

  const resourceId = `endpoint/${spec.endpointName}/variant/${VARIANT_NAME}`;
  const a = settings.autoscaling;
  step(
    `registering autoscaling ${a.minCapacity}..${a.maxCapacity} instances at ${a.targetInvocationsPerInstance} invocations per instance`,
  );
  await clients.autoscaling.send(
    new RegisterScalableTargetCommand({
      ServiceNamespace: "sagemaker",
      ResourceId: resourceId,
      ScalableDimension: "sagemaker:variant:DesiredInstanceCount",
      MinCapacity: a.minCapacity,
      MaxCapacity: a.maxCapacity,
    }),
  );
  await clients.autoscaling.send(
    new PutScalingPolicyCommand({
      PolicyName: "InvocationsPerInstancePolicy",
      ServiceNamespace: "sagemaker",
      ResourceId: resourceId,
      ScalableDimension: "sagemaker:variant:DesiredInstanceCount",
      PolicyType: "TargetTrackingScaling",
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: a.targetInvocationsPerInstance,
        PredefinedMetricSpecification: { PredefinedMetricType: "SageMakerVariantInvocationsPerInstance" },
        ScaleInCooldown: a.scaleInCooldownSeconds,
        ScaleOutCooldown: a.scaleOutCooldownSeconds,
      },
    }),
  );
  return {
    endpointName: spec.endpointName,
    modelName,
    endpointConfigName,
    action: exists ? "updated" : "created",
    status,
    scalableResourceId: resourceId,
  };
}

async function endpointExists(client: SageMakerClient, name: string): Promise<boolean> {
  try {
    await client.send(new DescribeEndpointCommand({ EndpointName: name }));
    return true;
  } catch (err) {
    // SageMaker answers a missing endpoint with a ValidationException "Could not find endpoint".
    if (err instanceof Error && /could not find/i.test(err.message)) return false;
    throw err;
  }
}

async function waitForEndpoint(
  client: SageMakerClient,
  name: string,
  step: (s: string) => void,
  options: { pollMs?: number; sleep?: Sleep },
): Promise<string> {
  let last = "";
  for (;;) {
    const endpoint = await client.send(new DescribeEndpointCommand({ EndpointName: name }));
    const status = endpoint.EndpointStatus ?? "Unknown";
    if (status !== last) step(`endpoint ${name}: ${status}`);
    last = status;
    if (status === "InService") return status;
    if (status === "Failed")
      throw new Error(`endpoint ${name} failed: ${endpoint.FailureReason ?? "no reason given"}`);
    await (options.sleep ?? sleep)(options.pollMs ?? 30_000);
  }
}

// ------------------------------------------------------------------------------------------------ invoke

/** Calls an endpoint with a JSON payload (seed §2.3: `{"features": [...]}`) and returns its parsed answer. */
export async function invokeEndpoint(
  runtime: SageMakerRuntimeClient,
  endpointName: string,
  payload: unknown,
): Promise<unknown> {
  const response = await runtime.send(
    new InvokeEndpointCommand({
      EndpointName: endpointName,
      ContentType: "application/json",
      Accept: "application/json",
      Body: new TextEncoder().encode(JSON.stringify(payload)),
    }),
  );
  const text = new TextDecoder().decode(response.Body);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
