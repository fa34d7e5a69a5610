import { checkLogRetention } from "../catalog/cloudwatch";
import { wholeNumbers, type ValidationIssue } from "../validation";

/**
 * How the pipeline waits for its Glue and SageMaker jobs.
 * - `sync`: the `.sync` integrations (`glue:startJobRun.sync`, `sagemaker:createTrainingJob.sync`): Step Functions
 *   waits for the job itself, stops it when the execution stops, and a failed job is a task failure that the
 *   step's retries run again. What real AWS should use.
 * - `poll`: each job is started request-response, then a Wait -> describe (`aws-sdk:glue:getJobRun`,
 *   `aws-sdk:sagemaker:describeTrainingJob`) -> Choice loop follows it. Also valid on AWS; it is what the
 *   emulator can execute (moto runs request-response and `aws-sdk:*` tasks, not `.sync`). A job that ends
 *   failed is recorded and notified without running again.
 */
export type IntegrationMode = "sync" | "poll";
export const INTEGRATION_MODES: readonly IntegrationMode[] = ["sync", "poll"];

/** Retries of every task state, with exponential backoff: interval, interval x rate, x rate^2 ... */
export interface PipelineRetrySettings {
  /** Retries of a failed step after its first attempt; 0 turns retries off. @default 3 */
  maxAttempts?: number;
  /**
   * Retries of the training step. In `sync` mode a retry runs the whole job again, so it is kept apart (a spot
   * interruption is not a failure: SageMaker resumes the job from its checkpoints). @default 1
   */
  trainingMaxAttempts?: number;
  /** Seconds before the first retry. @default 30 */
  intervalSeconds?: number;
  /** Factor the wait grows by at each further retry. @default 2 */
  backoffRate?: number;
  /** Longest wait before any one retry, seconds. @default 600 */
  maxDelaySeconds?: number;
  /** Spread each wait at random between 0 and its length (`JitterStrategy: FULL`). @default true */
  jitter?: boolean;
}

/** Settings of the ML pipeline state machine (issue 8). */
export interface PipelineSettings {
  /** See {@link IntegrationMode}. @default "sync" */
  integration?: IntegrationMode;
  /** @default see {@link PipelineRetrySettings} */
  retry?: PipelineRetrySettings;
  /** Seconds between status checks of a job (`poll` mode) and of the endpoint (both modes). @default 60 */
  pollSeconds?: number;
  /** Longest the ETL job run may take, minutes: StartJobRun's `Timeout`, 1 to 2880 (Glue's limit). @default 120 */
  etlTimeoutMinutes?: number;
  /** Days CloudWatch Logs keeps the execution logs. @default 90 */
  logRetentionDays?: number;
  /** Addresses subscribed to the failure topic (each confirms its subscription by email). @default [] */
  notificationEmails?: readonly string[];
}

export interface ResolvedPipelineSettings {
  readonly integration: IntegrationMode;
  readonly retry: Required<PipelineRetrySettings>;
  readonly pollSeconds: number;
  readonly etlTimeoutMinutes: number;
  readonly logRetentionDays: number;
  readonly notificationEmails: readonly string[];
}

export const DEFAULT_RETRY: Required<PipelineRetrySettings> = {
  maxAttempts: 3,
  trainingMaxAttempts: 1,
  intervalSeconds: 30,
  backoffRate: 2,
  maxDelaySeconds: 600,
  jitter: true,
};

export function resolvePipelineSettings(settings: PipelineSettings = {}): ResolvedPipelineSettings {
  return {
    integration: settings.integration ?? "sync",
    retry: { ...DEFAULT_RETRY, ...definedOnly(settings.retry ?? {}) },
    pollSeconds: settings.pollSeconds ?? 60,
    etlTimeoutMinutes: settings.etlTimeoutMinutes ?? 120,
    logRetentionDays: settings.logRetentionDays ?? 90,
    notificationEmails: [...(settings.notificationEmails ?? [])],
  };
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
/** Glue's limit on a job run's timeout, minutes (48 hours). */
export const MAX_ETL_TIMEOUT_MINUTES = 2880;

export function validatePipelineSettings(s: ResolvedPipelineSettings): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (!INTEGRATION_MODES.includes(s.integration)) {
    issues.push({
      path: "integration",
      value: s.integration,
      expected: `one of ${INTEGRATION_MODES.join(", ")}`,
    });
  }
  const whole = wholeNumbers(issues);
  const r = s.retry;
  whole("retry.maxAttempts", r.maxAttempts, 0, 10, "retries");
  whole(
    "retry.trainingMaxAttempts",
    r.trainingMaxAttempts,
    0,
    3,
    "retries",
    ": each one may run the job again",
  );
  const intervalOk = whole("retry.intervalSeconds", r.intervalSeconds, 1, 3600, "seconds");
  if (typeof r.backoffRate !== "number" || !(r.backoffRate >= 1 && r.backoffRate <= 10)) {
    issues.push({
      path: "retry.backoffRate",
      value: r.backoffRate,
      expected: "a number from 1 to 10 (1 waits the same interval every time)",
    });
  }
  if (whole("retry.maxDelaySeconds", r.maxDelaySeconds, 1, 86_400, "seconds") && intervalOk) {
    if (r.maxDelaySeconds < r.intervalSeconds) {
      issues.push({
        path: "retry.maxDelaySeconds",
        value: r.maxDelaySeconds,
        expected: `at least retry.intervalSeconds (${r.intervalSeconds})`,
      });
    }
  }
  if (typeof r.jitter !== "boolean") {
    issues.push({ path: "retry.jitter", value: r.jitter, expected: "true or false" });
  }
  whole("pollSeconds", s.pollSeconds, 1, 3600, "seconds");
  whole("etlTimeoutMinutes", s.etlTimeoutMinutes, 1, MAX_ETL_TIMEOUT_MINUTES, "minutes");
  checkLogRetention(issues, "logRetentionDays", s.logRetentionDays);
  if (!Array.isArray(s.notificationEmails)) {
    issues.push({
      path: "notificationEmails",
      value: s.notificationEmails,
      expected: "a list of email addresses",
    });
  } else {
    s.notificationEmails.forEach((email, i) => {
      if (typeof email !== "string" || !EMAIL.test(email)) {
        issues.push({ path: `notificationEmails[${i}]`, value: email, expected: "an email address" });
      }
    });
    const seen = new Set<string>();
    s.notificationEmails.forEach((email, i) => {
      const key = String(email).toLowerCase();
      if (seen.has(key)) {
        issues.push({ path: `notificationEmails[${i}]`, value: email, expected: "each address once" });
      }
      seen.add(key);
    });
  }
  return issues;
}

/**
 * The names a pipeline gives its runs' training jobs, models and endpoint configs, `<prefix>-<execution>`, come
 * from this prefix (the component's name): lowercase (SageMaker lowers names in ARNs, which IAM matches
 * case-sensitively) and short enough that a 36-character execution name (a UUID, as the console makes them)
 * still fits SageMaker's 63 characters.
 */
export const NAME_PREFIX = /^[a-z0-9](-*[a-z0-9]){0,25}$/;
export const MAX_EXECUTION_NAME_LENGTH = 36;

export function validateNamePrefix(path: string, prefix: string): ValidationIssue[] {
  return NAME_PREFIX.test(prefix)
    ? []
    : [
        {
          path,
          value: prefix,
          expected:
            "1 to 26 lowercase letters, digits and hyphens, not starting or ending with a hyphen (it prefixes " +
            "SageMaker names of at most 63 characters)",
        },
      ];
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
