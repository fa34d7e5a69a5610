import { checkLogRetention } from "../catalog/cloudwatch";
import { type ValidationIssue, wholeNumbers } from "../validation";

/** Lambda's limits (seed §4.3). */
export const LAMBDA_LIMITS = {
  memoryMb: { min: 128, max: 10240 },
  timeoutSeconds: { min: 1, max: 900 },
  ephemeralStorageMb: { min: 512, max: 10240 },
  /** The default regional concurrency quota (seed §4.3: 1000, raised on request). */
  accountConcurrency: 1000,
} as const;

/** Python runtimes the handler supports. */
export const PYTHON_RUNTIMES = ["python3.11", "python3.12", "python3.13"] as const;

/** Settings of an inference function (seed §4). */
export interface InferenceFunctionSettings {
  /** Key of the model file in the lake, under `models/` (a JSON model, see the README). */
  modelKey: string;
  /** @default 512 */
  memoryMb?: number;
  /** @default 30 */
  timeoutSeconds?: number;
  /** Size of /tmp. @default 512 */
  ephemeralStorageMb?: number;
  /** Concurrency reserved for (and capping) the function. @default 10 */
  reservedConcurrency?: number;
  /** @default "python3.12" */
  runtime?: (typeof PYTHON_RUNTIMES)[number];
  /** An HTTPS URL in front of the function, callable only with SigV4-signed requests (AWS_IAM). @default false */
  functionUrl?: boolean;
  /** Days CloudWatch Logs keeps the function's logs. @default 30 */
  logRetentionDays?: number;
}

export type ResolvedInferenceFunctionSettings = Required<InferenceFunctionSettings>;

export function resolveInferenceFunctionSettings(
  settings: InferenceFunctionSettings,
): ResolvedInferenceFunctionSettings {
  return {
    modelKey: settings.modelKey,
    memoryMb: settings.memoryMb ?? 512,
    timeoutSeconds: settings.timeoutSeconds ?? 30,
    ephemeralStorageMb: settings.ephemeralStorageMb ?? 512,
    reservedConcurrency: settings.reservedConcurrency ?? 10,
    runtime: settings.runtime ?? "python3.12",
    functionUrl: settings.functionUrl ?? false,
    logRetentionDays: settings.logRetentionDays ?? 30,
  };
}

export function validateInferenceFunctionSettings(s: ResolvedInferenceFunctionSettings): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (
    typeof s.modelKey !== "string" ||
    !/^models\/[A-Za-z0-9!_.*'()=/-]+\.json$/.test(s.modelKey) ||
    s.modelKey.split("/").some((part) => part === "" || part === "." || part === "..")
  ) {
    issues.push({
      path: "modelKey",
      value: s.modelKey,
      expected:
        "a .json model key under models/, such as models/production/churn.json (the function reads models/ only)",
    });
  }
  const whole = wholeNumbers(issues);
  const L = LAMBDA_LIMITS;
  whole("memoryMb", s.memoryMb, L.memoryMb.min, L.memoryMb.max, "MB", " (Lambda: 128 MB to 10 GB)");
  whole(
    "timeoutSeconds",
    s.timeoutSeconds,
    L.timeoutSeconds.min,
    L.timeoutSeconds.max,
    "seconds",
    " (Lambda: at most 15 minutes)",
  );
  whole(
    "ephemeralStorageMb",
    s.ephemeralStorageMb,
    L.ephemeralStorageMb.min,
    L.ephemeralStorageMb.max,
    "MB",
    " (Lambda's /tmp: 512 MB to 10 GB)",
  );
  whole(
    "reservedConcurrency",
    s.reservedConcurrency,
    1,
    L.accountConcurrency - 100,
    "executions",
    " (Lambda keeps 100 of the default 1000 unreserved)",
  );
  if (!(PYTHON_RUNTIMES as readonly string[]).includes(s.runtime)) {
    issues.push({ path: "runtime", value: s.runtime, expected: `one of ${PYTHON_RUNTIMES.join(", ")}` });
  }
  checkLogRetention(issues, "logRetentionDays", s.logRetentionDays);
  if (typeof s.functionUrl !== "boolean") {
    issues.push({ path: "functionUrl", value: s.functionUrl, expected: "true or false" });
  }
  return issues;
}
