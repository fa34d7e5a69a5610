import { checkSageMakerInstanceType } from "../catalog/instances";
import { type ValidationIssue, wholeNumbers } from "../validation";
import { SEED_HYPERPARAMETERS } from "./training-job";

/** Settings of the training-job template (seed §2.1, §2.2, §8.1). */
export interface TrainingSettings {
  /** Training image, a URI in ECR: `<account>.dkr.ecr.<region>.amazonaws.com/<repository>[:tag|@digest]`. */
  image: string;
  /** @default "ml.p3.2xlarge" */
  instanceType?: string;
  /** Instances per job; scale 1 -> 2 -> 4 while checking throughput (seed §8.1). @default 1 */
  instanceCount?: number;
  /** Volume per instance, GB. @default 100 */
  volumeSizeGb?: number;
  /** Longest a job may run, seconds. @default 3600 */
  maxRuntimeSeconds?: number;
  /** Managed spot training (up to 90% cheaper; seed §2.2). @default true */
  spot?: boolean;
  /** Longest a spot job may wait for capacity and run, seconds; at least maxRuntimeSeconds. @default 7200 */
  maxWaitSeconds?: number;
  /** Cut the training container off from the network (seed §8.3). @default true */
  networkIsolation?: boolean;
  /** Defaults for every job; `mlplat train` overrides them per job. @default the seed's epochs 10, batch_size 32, learning_rate 0.001 */
  hyperparameters?: Record<string, string>;
}

export type ResolvedTrainingSettings = Required<TrainingSettings>;

/** SageMaker's limits. */
export const MAX_TRAINING_SECONDS = 28 * 24 * 3600;
export const MAX_VOLUME_GB = 16384;

const ECR_IMAGE =
  /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([a-z0-9][a-z0-9._/-]*)(?::[\w][\w.-]{0,127}|@sha256:[0-9a-f]{64})?$/;

export function resolveTrainingSettings(settings: TrainingSettings): ResolvedTrainingSettings {
  return {
    image: settings.image,
    instanceType: settings.instanceType ?? "ml.p3.2xlarge",
    instanceCount: settings.instanceCount ?? 1,
    volumeSizeGb: settings.volumeSizeGb ?? 100,
    maxRuntimeSeconds: settings.maxRuntimeSeconds ?? 3600,
    spot: settings.spot ?? true,
    maxWaitSeconds: settings.maxWaitSeconds ?? 7200,
    networkIsolation: settings.networkIsolation ?? true,
    hyperparameters: { ...SEED_HYPERPARAMETERS, ...(settings.hyperparameters ?? {}) },
  };
}

export function validateTrainingSettings(s: ResolvedTrainingSettings): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (parseEcrImage(s.image) === undefined) {
    issues.push({
      path: "image",
      value: s.image,
      expected:
        "an ECR image URI such as 123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/my-ml-image:latest",
    });
  }
  issues.push(...checkSageMakerInstanceType("instanceType", s.instanceType, "training"));
  const whole = wholeNumbers(issues);
  whole("instanceCount", s.instanceCount, 1, 100, "instances");
  whole("volumeSizeGb", s.volumeSizeGb, 1, MAX_VOLUME_GB, "GB");
  const runOk = whole("maxRuntimeSeconds", s.maxRuntimeSeconds, 1, MAX_TRAINING_SECONDS, "seconds");
  if (s.spot && whole("maxWaitSeconds", s.maxWaitSeconds, 1, MAX_TRAINING_SECONDS, "seconds") && runOk) {
    if (s.maxWaitSeconds < s.maxRuntimeSeconds) {
      issues.push({
        path: "maxWaitSeconds",
        value: s.maxWaitSeconds,
        expected: `at least maxRuntimeSeconds (${s.maxRuntimeSeconds}): a spot job's wait includes its run`,
      });
    }
  }
  for (const [key, value] of Object.entries(s.hyperparameters)) {
    if (typeof value !== "string" || value.length > 2500) {
      issues.push({ path: `hyperparameters.${key}`, value, expected: "a string of at most 2500 characters" });
    }
  }
  return issues;
}

/** The account, region and repository of an ECR image URI; undefined when it is not one. */
export function parseEcrImage(
  image: string,
): { account: string; region: string; repository: string } | undefined {
  const match = ECR_IMAGE.exec(image);
  if (!match) return undefined;
  const [, account = "", region = "", repository = ""] = match;
  return { account, region, repository };
}
