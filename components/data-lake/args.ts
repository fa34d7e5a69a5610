import { wholeNumbers, type ValidationIssue } from "../validation";
import { isLakeZone, type LakeZone } from "./layout";

/** Day counts of the lake's lifecycle rules (seed §1.4). */
export interface LakeLifecycleArgs {
  /** Days before raw/ objects move to STANDARD_IA; S3 requires at least 30. @default 30 */
  rawToInfrequentAccessDays?: number;
  /** Days before raw/ objects move to GLACIER; at least 30 days after the STANDARD_IA move. @default 90 */
  rawToGlacierDays?: number;
  /** Days after which training checkpoints under artifacts/checkpoints/ expire. @default 14 */
  checkpointExpirationDays?: number;
  /** Days after which incomplete multipart uploads are aborted. @default 7 */
  abortIncompleteMultipartUploadDays?: number;
  /** Days a version stays after it stops being current, before it is deleted. @default 30 */
  noncurrentVersionExpirationDays?: number;
  /** Days server access logs are kept in the log bucket. @default 365 */
  accessLogRetentionDays?: number;
}

/**
 * What happens to the lake's buckets and key when they leave the stack.
 * - `protect`: Pulumi refuses to delete them (protect) and, if forced, leaves them in AWS (retainOnDelete).
 * - `retain`: `pulumi destroy` drops them from the stack but leaves them, and their data, in AWS.
 * - `destroy`: they are deleted with the stack, objects included (forceDestroy). Never allowed in production.
 */
export type DeletionPolicy = "protect" | "retain" | "destroy";
export const DELETION_POLICIES: readonly DeletionPolicy[] = ["protect", "retain", "destroy"];

/** What a deletion policy must be, phrased to follow "expected": `one of protect, retain, destroy`. */
export const DELETION_POLICY_EXPECTED = `one of ${DELETION_POLICIES.join(", ")}`;

/**
 * The problem with a deletion policy that is not one of {@link DELETION_POLICIES}; empty when it is one.
 * @param value the policy given (typed loosely: config may hold anything)
 * @param path where it was given @default "deletionPolicy"
 */
export function deletionPolicyIssues(value: unknown, path = "deletionPolicy"): ValidationIssue[] {
  if (DELETION_POLICIES.includes(value as DeletionPolicy)) return [];
  return [{ path, value, expected: DELETION_POLICY_EXPECTED }];
}

/**
 * What production demands of a deletion policy: `protect`, because production data is never deleted with the
 * stack. Empty outside the `prod` environment and for `protect`.
 * @param environment the stack's environment, e.g. `prod`
 * @param value the policy given
 * @param path where it was given @default "deletionPolicy"
 */
export function productionDeletionPolicyIssues(
  environment: string | undefined,
  value: unknown,
  path = "deletionPolicy",
): ValidationIssue[] {
  if (environment !== "prod" || value === "protect") return [];
  return [
    {
      path,
      value,
      expected: `"protect" in a prod environment: production data is never deleted with the stack`,
    },
  ];
}

/** The resource options a deletion policy stands for; stores of data and their keys take them. */
export function keepOptions(policy: DeletionPolicy): { protect?: boolean; retainOnDelete?: boolean } {
  switch (policy) {
    case "protect":
      return { protect: true, retainOnDelete: true };
    case "retain":
      return { retainOnDelete: true };
    case "destroy":
      return {};
  }
}

export interface DataLakeArgs {
  /** Lifecycle day counts. @default the seed's values, see {@link LakeLifecycleArgs} */
  lifecycle?: LakeLifecycleArgs;
  /**
   * Deny every request that does not use TLS, by bucket policy. Turn off only for emulators that enforce
   * bucket policies without their conditions (moto). @default true
   */
  tlsOnly?: boolean;
  /** See {@link DeletionPolicy}. @default "protect" */
  deletionPolicy?: DeletionPolicy;
  /** Waiting period before a deleted KMS key is destroyed, 7 to 30 days. @default 30 */
  kmsKeyDeletionWindowDays?: number;
  /** Tags for every resource of the lake. @default {} */
  tags?: Record<string, string>;
  /**
   * AWS services that deliver objects into the lake (Bedrock's invocation logs): each gets a bucket-policy
   * statement allowing `s3:PutObject` under its prefix and a key-policy statement allowing data keys, both
   * only for this account's resources. @default []
   */
  serviceWriters?: readonly ServiceWriter[];
  /**
   * Send the data bucket's events (object created, deleted...) to EventBridge's default bus, so that rules can
   * react to them (the ETL trigger). S3 sends all of its events once this is on; rules choose. @default false
   */
  eventBridge?: boolean;
}

/** An AWS service that writes into one prefix of the lake. */
export interface ServiceWriter {
  /** Names the policy statements, e.g. `bedrock-logs`. */
  readonly id: string;
  /** The service principal, e.g. `bedrock.amazonaws.com`. */
  readonly service: string;
  readonly zone: LakeZone;
  /** A sub-prefix inside the zone, ending in `/`. @default "" */
  readonly prefix?: string;
}

export type ResolvedLakeLifecycle = Required<LakeLifecycleArgs>;

export interface ResolvedDataLakeArgs {
  readonly lifecycle: ResolvedLakeLifecycle;
  readonly tlsOnly: boolean;
  readonly deletionPolicy: DeletionPolicy;
  readonly kmsKeyDeletionWindowDays: number;
  readonly tags: Readonly<Record<string, string>>;
  readonly serviceWriters: readonly ServiceWriter[];
  readonly eventBridge: boolean;
}

/** The seed's lifecycle (§1.4) plus housekeeping rules. */
export const DEFAULT_LAKE_LIFECYCLE: ResolvedLakeLifecycle = {
  rawToInfrequentAccessDays: 30,
  rawToGlacierDays: 90,
  checkpointExpirationDays: 14,
  abortIncompleteMultipartUploadDays: 7,
  noncurrentVersionExpirationDays: 30,
  accessLogRetentionDays: 365,
};

/** S3 keeps objects at least 30 days in STANDARD_IA: before the move, and again before the next one. */
export const S3_MIN_DAYS_IN_STANDARD_IA = 30;

export function resolveDataLakeArgs(args: DataLakeArgs = {}): ResolvedDataLakeArgs {
  return {
    lifecycle: { ...DEFAULT_LAKE_LIFECYCLE, ...definedOnly(args.lifecycle ?? {}) },
    tlsOnly: args.tlsOnly ?? true,
    deletionPolicy: args.deletionPolicy ?? "protect",
    kmsKeyDeletionWindowDays: args.kmsKeyDeletionWindowDays ?? 30,
    tags: { ...(args.tags ?? {}) },
    serviceWriters: [...(args.serviceWriters ?? [])],
    eventBridge: args.eventBridge ?? false,
  };
}

/** Every problem with resolved lake arguments; empty when they are valid. Paths are relative to the args. */
export function validateDataLakeArgs(args: ResolvedDataLakeArgs): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const lc = args.lifecycle;
  const whole = wholeNumbers(issues);
  const wholeDays = (key: keyof ResolvedLakeLifecycle, min: number): boolean =>
    whole(`lifecycle.${key}`, lc[key], min, 36500, "days");

  const iaOk = wholeDays("rawToInfrequentAccessDays", S3_MIN_DAYS_IN_STANDARD_IA);
  if (wholeDays("rawToGlacierDays", 1) && iaOk) {
    const earliest = lc.rawToInfrequentAccessDays + S3_MIN_DAYS_IN_STANDARD_IA;
    if (lc.rawToGlacierDays < earliest) {
      issues.push({
        path: "lifecycle.rawToGlacierDays",
        value: lc.rawToGlacierDays,
        expected:
          `at least ${earliest}: ${S3_MIN_DAYS_IN_STANDARD_IA} days after ` +
          `lifecycle.rawToInfrequentAccessDays (${lc.rawToInfrequentAccessDays}), as S3 keeps objects ` +
          `${S3_MIN_DAYS_IN_STANDARD_IA} days in STANDARD_IA before moving them on`,
      });
    }
  }
  wholeDays("checkpointExpirationDays", 1);
  wholeDays("abortIncompleteMultipartUploadDays", 1);
  wholeDays("noncurrentVersionExpirationDays", 1);
  wholeDays("accessLogRetentionDays", 1);

  const window = args.kmsKeyDeletionWindowDays;
  if (!Number.isInteger(window) || window < 7 || window > 30) {
    issues.push({
      path: "kmsKeyDeletionWindowDays",
      value: window,
      expected: "a whole number of days from 7 to 30",
    });
  }
  args.serviceWriters.forEach((w, i) => {
    if (!/^[a-z][a-z0-9-]*$/.test(w.id)) {
      issues.push({
        path: `serviceWriters.${i}.id`,
        value: w.id,
        expected: "lowercase letters, digits and hyphens",
      });
    }
    if (!/^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com$/.test(w.service)) {
      issues.push({
        path: `serviceWriters.${i}.service`,
        value: w.service,
        expected: "an AWS service principal such as bedrock.amazonaws.com",
      });
    }
    if (!isLakeZone(w.zone)) {
      issues.push({
        path: `serviceWriters.${i}.zone`,
        value: w.zone,
        expected: "a zone of the lake's layout",
      });
    }
    const prefix = w.prefix ?? "";
    if (
      prefix !== "" &&
      (!prefix.endsWith("/") || prefix.startsWith("/") || prefix.split("/").includes(".."))
    ) {
      issues.push({
        path: `serviceWriters.${i}.prefix`,
        value: prefix,
        expected: 'a relative prefix ending in "/", e.g. bedrock/',
      });
    }
  });
  if (typeof args.eventBridge !== "boolean") {
    issues.push({ path: "eventBridge", value: args.eventBridge, expected: "true or false" });
  }
  issues.push(...deletionPolicyIssues(args.deletionPolicy));
  return issues;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
