import { checkSageMakerInstanceType } from "../catalog/instances";
import { type ValidationIssue, wholeNumbers } from "../validation";
import { parseEcrImage } from "./training-args";

/** Target tracking on invocations per instance (seed §2.4). */
export interface EndpointAutoscalingArgs {
  /** @default 1 */
  minCapacity?: number;
  /** @default 10 */
  maxCapacity?: number;
  /** Invocations per instance per minute the policy keeps to. @default 1000 */
  targetInvocationsPerInstance?: number;
  /** @default 300 */
  scaleInCooldownSeconds?: number;
  /** @default 60 */
  scaleOutCooldownSeconds?: number;
}

/** A serverless endpoint: no instances to pay for while idle, it scales to zero. */
export interface ServerlessEndpointArgs {
  /** Memory per worker, 1024 to 6144 MB in steps of 1024. @default 2048 */
  memorySizeMb?: number;
  /** Concurrent invocations, 1 to 200. @default 5 */
  maxConcurrency?: number;
}

/** How a model is served on instances: the endpoint template, without a model version. */
export interface ServingSettings {
  /** Inference image, an ECR URI. */
  image: string;
  /** @default "ml.m5.xlarge" */
  instanceType?: string;
  /** @default 2 */
  initialInstanceCount?: number;
  /** @default see {@link EndpointAutoscalingArgs} */
  autoscaling?: EndpointAutoscalingArgs;
  /**
   * Cut the inference container off from the network (seed §8.3). Serverless endpoints support neither
   * network isolation nor a VPC. @default true for instance endpoints, false for serverless ones
   */
  networkIsolation?: boolean;
}

export interface EndpointSettings extends ServingSettings {
  /** The model archive's key inside models/, e.g. `production/model.tar.gz`. */
  modelDataKey: string;
  /**
   * `instances`: real-time instances with autoscaling (seed §2.3, §2.4). `serverless`: scales to zero, for dev.
   * @default "instances"
   */
  mode?: "instances" | "serverless";
  /** Used when mode is `serverless`. @default see {@link ServerlessEndpointArgs} */
  serverless?: ServerlessEndpointArgs;
}

export interface ResolvedServingSettings {
  readonly image: string;
  readonly instanceType: string;
  readonly initialInstanceCount: number;
  readonly autoscaling: Required<EndpointAutoscalingArgs>;
  readonly networkIsolation: boolean;
}

export interface ResolvedEndpointSettings extends ResolvedServingSettings {
  readonly modelDataKey: string;
  readonly mode: "instances" | "serverless";
  readonly serverless: Required<ServerlessEndpointArgs>;
}

export const ENDPOINT_MODES = ["instances", "serverless"] as const;

export function resolveServingSettings(
  s: ServingSettings,
  isolatedByDefault = true,
): ResolvedServingSettings {
  return {
    image: s.image,
    instanceType: s.instanceType ?? "ml.m5.xlarge",
    initialInstanceCount: s.initialInstanceCount ?? 2,
    autoscaling: {
      minCapacity: s.autoscaling?.minCapacity ?? 1,
      maxCapacity: s.autoscaling?.maxCapacity ?? 10,
      targetInvocationsPerInstance: s.autoscaling?.targetInvocationsPerInstance ?? 1000,
      scaleInCooldownSeconds: s.autoscaling?.scaleInCooldownSeconds ?? 300,
      scaleOutCooldownSeconds: s.autoscaling?.scaleOutCooldownSeconds ?? 60,
    },
    networkIsolation: s.networkIsolation ?? isolatedByDefault,
  };
}

export function resolveEndpointSettings(s: EndpointSettings): ResolvedEndpointSettings {
  const mode = s.mode ?? "instances";
  return {
    ...resolveServingSettings(s, mode === "instances"),
    modelDataKey: s.modelDataKey,
    mode,
    serverless: {
      memorySizeMb: s.serverless?.memorySizeMb ?? 2048,
      maxConcurrency: s.serverless?.maxConcurrency ?? 5,
    },
  };
}

/** Every problem with serving settings: the image, the instance type, counts, capacities and cooldowns. */
export function validateServingSettings(s: ResolvedServingSettings): ValidationIssue[] {
  return [...imageIssues(s.image), ...instanceIssues(s)];
}

export function validateEndpointSettings(s: ResolvedEndpointSettings): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const whole = wholeNumbers(issues);
  issues.push(...imageIssues(s.image));
  if (
    typeof s.modelDataKey !== "string" ||
    !/^[^/].*\.tar\.gz$/.test(s.modelDataKey) ||
    s.modelDataKey.split("/").includes("..")
  ) {
    issues.push({
      path: "modelDataKey",
      value: s.modelDataKey,
      expected: "a model archive's key inside models/, such as production/model.tar.gz",
    });
  }
  if (!ENDPOINT_MODES.includes(s.mode)) {
    issues.push({ path: "mode", value: s.mode, expected: `one of ${ENDPOINT_MODES.join(", ")}` });
  }
  if (s.mode === "serverless") {
    const memory = s.serverless.memorySizeMb;
    if (!Number.isInteger(memory) || memory < 1024 || memory > 6144 || memory % 1024 !== 0) {
      issues.push({
        path: "serverless.memorySizeMb",
        value: memory,
        expected: "1024, 2048, 3072, 4096, 5120 or 6144",
      });
    }
    whole("serverless.maxConcurrency", s.serverless.maxConcurrency, 1, 200);
    if (s.networkIsolation) {
      issues.push({
        path: "networkIsolation",
        value: true,
        expected:
          "false for a serverless endpoint: SageMaker Serverless Inference supports neither network isolation nor a VPC",
      });
    }
    return issues;
  }
  issues.push(...instanceIssues(s));
  return issues;
}

function imageIssues(image: string): ValidationIssue[] {
  if (parseEcrImage(image) !== undefined) return [];
  return [
    {
      path: "image",
      value: image,
      expected: "an ECR image URI such as 123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/my-model:1.0",
    },
  ];
}

/** The rules of an endpoint on instances. */
function instanceIssues(s: ResolvedServingSettings): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const whole = wholeNumbers(issues);
  issues.push(...checkSageMakerInstanceType("instanceType", s.instanceType, "hosting"));
  const a = s.autoscaling;
  const minOk = whole("autoscaling.minCapacity", a.minCapacity, 1, 1000);
  const maxOk = whole("autoscaling.maxCapacity", a.maxCapacity, 1, 1000);
  if (minOk && maxOk && a.maxCapacity < a.minCapacity) {
    issues.push({
      path: "autoscaling.maxCapacity",
      value: a.maxCapacity,
      expected: `at least autoscaling.minCapacity (${a.minCapacity})`,
    });
  }
  if (whole("initialInstanceCount", s.initialInstanceCount, 1, 1000) && minOk && maxOk) {
    if (s.initialInstanceCount < a.minCapacity || s.initialInstanceCount > a.maxCapacity) {
      issues.push({
        path: "initialInstanceCount",
        value: s.initialInstanceCount,
        expected: `between autoscaling.minCapacity (${a.minCapacity}) and autoscaling.maxCapacity (${a.maxCapacity})`,
      });
    }
  }
  if (!(typeof a.targetInvocationsPerInstance === "number" && a.targetInvocationsPerInstance > 0)) {
    issues.push({
      path: "autoscaling.targetInvocationsPerInstance",
      value: a.targetInvocationsPerInstance,
      expected: "a number above 0",
    });
  }
  whole("autoscaling.scaleInCooldownSeconds", a.scaleInCooldownSeconds, 0, 86400);
  whole("autoscaling.scaleOutCooldownSeconds", a.scaleOutCooldownSeconds, 0, 86400);
  return issues;
}
