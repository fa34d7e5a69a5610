import { deletionPolicyIssues, productionDeletionPolicyIssues, type DeletionPolicy } from "../data-lake/args";
import { wholeNumbers, type ValidationIssue } from "../validation";

/**
 * How DynamoDB bills the tables: per request (on-demand: nothing while idle, scales at once) or for capacity
 * provisioned by the hour (cheaper for steady, predictable traffic).
 */
export type BillingMode = "PAY_PER_REQUEST" | "PROVISIONED";
export const BILLING_MODES: readonly BillingMode[] = ["PAY_PER_REQUEST", "PROVISIONED"];

/** Capacity units a provisioned table (and its index) gets when the settings name none. */
export const DEFAULT_CAPACITY_UNITS = 5;

/**
 * DynamoDB's default quota of read (or write) capacity units per table in a region; a table asking for more is
 * refused unless the account's quota was raised ("Service, account, and table quotas in Amazon DynamoDB").
 */
export const MAX_CAPACITY_UNITS = 40_000;

/** The longest point-in-time recovery period DynamoDB offers, in days (also its default). */
export const MAX_RECOVERY_PERIOD_DAYS = 35;

/** The longest feature TTL this template accepts, in days: a sanity ceiling (ten years). */
export const MAX_FEATURE_TTL_DAYS = 3650;

/** The feature store's settings: plain values from the stack config. */
export interface FeatureStoreSettings {
  /** See {@link BillingMode}. @default "PAY_PER_REQUEST" */
  billingMode?: BillingMode;
  /**
   * Provisioned only: read capacity units of each table and of the runs table's index, 1 to 40,000. Not
   * allowed with on-demand billing. @default 5 (with PROVISIONED)
   */
  readCapacityUnits?: number;
  /**
   * Provisioned only: write capacity units of each table and of the runs table's index, 1 to 40,000. Not
   * allowed with on-demand billing. @default 5 (with PROVISIONED)
   */
  writeCapacityUnits?: number;
  /**
   * Days an online feature vector lives after it is written; DynamoDB's TTL then deletes it (at no charge), so
   * a model never reads features a pipeline stopped refreshing. 0 turns TTL off: vectors stay until
   * overwritten. Run metadata never expires. @default 30
   */
  featureTtlDays?: number;
  /** Continuous backups of both tables, restorable to any second of the recovery period. @default true */
  pointInTimeRecovery?: boolean;
  /** Days of point-in-time recovery, 1 to 35. @default 35 */
  recoveryPeriodDays?: number;
  /**
   * What happens to the tables and their key when they leave the stack, as for the data lake:
   * - `protect`: DynamoDB's deletion protection is on, Pulumi refuses to delete them (protect) and, if forced,
   *   leaves them in AWS (retainOnDelete).
   * - `retain`: `pulumi destroy` leaves them, and their data, in AWS (retainOnDelete).
   * - `destroy`: they are deleted with the stack. Never allowed in production.
   * @default "protect"
   */
  deletionPolicy?: DeletionPolicy;
}

export interface ResolvedFeatureStoreSettings {
  readonly billingMode: BillingMode;
  /** Undefined with on-demand billing. */
  readonly readCapacityUnits: number | undefined;
  /** Undefined with on-demand billing. */
  readonly writeCapacityUnits: number | undefined;
  /** 0 when TTL is off. */
  readonly featureTtlDays: number;
  readonly pointInTimeRecovery: boolean;
  readonly recoveryPeriodDays: number;
  readonly deletionPolicy: DeletionPolicy;
}

export function resolveFeatureStoreSettings(s: FeatureStoreSettings = {}): ResolvedFeatureStoreSettings {
  const billingMode = s.billingMode ?? "PAY_PER_REQUEST";
  const capacity = (units: number | undefined): number | undefined =>
    units ?? (billingMode === "PROVISIONED" ? DEFAULT_CAPACITY_UNITS : undefined);
  return {
    billingMode,
    readCapacityUnits: capacity(s.readCapacityUnits),
    writeCapacityUnits: capacity(s.writeCapacityUnits),
    featureTtlDays: s.featureTtlDays ?? 30,
    pointInTimeRecovery: s.pointInTimeRecovery ?? true,
    recoveryPeriodDays: s.recoveryPeriodDays ?? MAX_RECOVERY_PERIOD_DAYS,
    deletionPolicy: s.deletionPolicy ?? "protect",
  };
}

/** Every problem with resolved feature store settings; empty when they are valid. Paths are relative to them. */
export function validateFeatureStoreSettings(s: ResolvedFeatureStoreSettings): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const whole = wholeNumbers(issues);
  if (!BILLING_MODES.includes(s.billingMode)) {
    issues.push({
      path: "billingMode",
      value: s.billingMode,
      expected: `one of ${BILLING_MODES.join(", ")}`,
    });
  }
  for (const path of ["readCapacityUnits", "writeCapacityUnits"] as const) {
    const units = s[path];
    if (s.billingMode === "PROVISIONED") {
      whole(path, units, 1, MAX_CAPACITY_UNITS, "capacity units", " (DynamoDB's default quota per table)");
    } else if (units !== undefined) {
      issues.push({
        path,
        value: units,
        expected: `nothing with billingMode ${JSON.stringify(s.billingMode)}: capacity is set only with PROVISIONED`,
      });
    }
  }
  whole("featureTtlDays", s.featureTtlDays, 0, MAX_FEATURE_TTL_DAYS, "days", " (0 turns TTL off)");
  if (typeof s.pointInTimeRecovery !== "boolean") {
    issues.push({ path: "pointInTimeRecovery", value: s.pointInTimeRecovery, expected: "true or false" });
  }
  whole("recoveryPeriodDays", s.recoveryPeriodDays, 1, MAX_RECOVERY_PERIOD_DAYS, "days");
  issues.push(...deletionPolicyIssues(s.deletionPolicy));
  return issues;
}

/**
 * What an environment demands of the feature store, for the stack config to report with its own rules:
 * production tables are never deleted with the stack, and can be restored to any second of the recovery
 * period. Paths are relative to the settings.
 */
export function featureStoreEnvironmentIssues(
  environment: string,
  s: ResolvedFeatureStoreSettings,
): ValidationIssue[] {
  if (environment !== "prod") return [];
  const issues: ValidationIssue[] = [];
  issues.push(...productionDeletionPolicyIssues(environment, s.deletionPolicy));
  if (!s.pointInTimeRecovery) {
    issues.push({
      path: "pointInTimeRecovery",
      value: s.pointInTimeRecovery,
      expected: "true in a prod environment: production tables can be restored to any second",
    });
  }
  return issues;
}
