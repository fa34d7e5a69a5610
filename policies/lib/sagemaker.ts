import type { PolicyResource } from "@pulumi/policy";

import { peek, UNKNOWN } from "./unknown";

/** Type tokens of the SageMaker-related resources the SageMaker policies read. */
export const SAGEMAKER = {
  model: "aws:sagemaker/model:Model",
  endpointConfig: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
  endpoint: "aws:sagemaker/endpoint:Endpoint",
  notebook: "aws:sagemaker/notebookInstance:NotebookInstance",
  domain: "aws:sagemaker/domain:Domain",
  dataQualityJob: "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition",
  flowDefinition: "aws:sagemaker/flowDefinition:FlowDefinition",
  pipeline: "aws:sagemaker/pipeline:Pipeline",
  scalableTarget: "aws:appautoscaling/target:Target",
  scalingPolicy: "aws:appautoscaling/policy:Policy",
  stateMachine: "aws:sfn/stateMachine:StateMachine",
} as const;

/** One production variant of an endpoint config, as @pulumi/aws takes it. */
export interface Variant {
  readonly variantName?: string;
  readonly modelName?: string;
  readonly instanceType?: string;
  readonly serverlessConfig?: unknown;
}

export function variantsOf(props: Record<string, unknown>): Variant[] {
  const variants = props.productionVariants;
  return Array.isArray(variants) ? (variants as Variant[]) : [];
}

/** True when every variant of the config is serverless: no instances to encrypt, isolate or scale. */
export function isServerlessOnly(props: Record<string, unknown>): boolean {
  const variants = variantsOf(props);
  return variants.length > 0 && variants.every((v) => v.serverlessConfig !== undefined);
}

/** A CreateTrainingJob request found in a workflow definition, and where it was found. */
export interface TrainingRequest {
  /** `state "Train"` or `step "Train"`, for messages. */
  readonly where: string;
  /** The request's parameters; keys ending in `.$` are set from the execution's input at run time. */
  readonly request: Record<string, unknown>;
}

const CREATE_TRAINING_JOB =
  /^arn:aws[\w-]*:states:::sagemaker:createTrainingJob(\.sync|\.waitForTaskToken)?$/;

/**
 * The training jobs a Step Functions state machine or a SageMaker pipeline starts. Definitions are JSON text;
 * one that is unknown during preview makes the calling policy undecidable (it throws, and CrossGuard notes
 * that the policy could not run), and one that does not parse starts no job the policy can see.
 */
export function trainingRequestsOf(resource: {
  type: string;
  props: Record<string, unknown>;
}): TrainingRequest[] {
  const property = resource.type === SAGEMAKER.stateMachine ? "definition" : "pipelineDefinition";
  const text = peek(() => resource.props[property]);
  if (text === UNKNOWN) return [resource.props[property]] as never; // throws CrossGuard's unknown-value error
  const definition = parseJson(text);
  if (definition === undefined) return [];
  return resource.type === SAGEMAKER.stateMachine ? statesTraining(definition) : pipelineTraining(definition);
}

function statesTraining(definition: Record<string, unknown>): TrainingRequest[] {
  const found: TrainingRequest[] = [];
  const walk = (machine: unknown): void => {
    const states = asRecord(asRecord(machine).States);
    for (const [name, raw] of Object.entries(states)) {
      const state = asRecord(raw);
      if (
        state.Type === "Task" &&
        typeof state.Resource === "string" &&
        CREATE_TRAINING_JOB.test(state.Resource)
      ) {
        found.push({
          where: `state ${JSON.stringify(name)}`,
          request: asRecord(state.Parameters ?? state.Arguments),
        });
      }
      for (const branch of Array.isArray(state.Branches) ? state.Branches : []) walk(branch);
      if (state.ItemProcessor !== undefined) walk(state.ItemProcessor);
      if (state.Iterator !== undefined) walk(state.Iterator);
    }
  };
  walk(definition);
  return found;
}

function pipelineTraining(definition: Record<string, unknown>): TrainingRequest[] {
  const steps = Array.isArray(definition.Steps) ? definition.Steps : [];
  return steps
    .map((s) => asRecord(s))
    .filter((s) => s.Type === "Training")
    .map((s) => ({ where: `step ${JSON.stringify(String(s.Name))}`, request: asRecord(s.Arguments) }));
}

/** A request field's value; `DYNAMIC` when the definition sets it from the execution's input (`Key.$`). */
export const DYNAMIC: unique symbol = Symbol("set at run time");

export function field(request: Record<string, unknown>, key: string): unknown {
  if (`${key}.$` in request) return DYNAMIC;
  return request[key];
}

export function parseJson(text: unknown): Record<string, unknown> | undefined {
  if (typeof text === "object" && text !== null) return text as Record<string, unknown>;
  if (typeof text !== "string") return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** The resources `resource` took its `property` from, by the engine's property dependencies. */
export function sourcesOf(resource: PolicyResource, property: string, type: string): PolicyResource[] {
  return (resource.propertyDependencies[property] ?? []).filter((d) => d.type === type);
}
