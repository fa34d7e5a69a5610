import type { ValidationIssue } from "../validation";

/** The tags whose costs AWS reports per value once they are activated (the stack's required tags). */
export const DEFAULT_COST_ALLOCATION_TAG_KEYS = ["Project", "Environment", "CostCenter", "Owner"] as const;

/** The seed's checklist (§7.4): be told at 80% of the month's budget, and again when it is spent. */
export const DEFAULT_ALERT_THRESHOLDS_PERCENT = [80, 100] as const;

/** AWS Budgets allows this many notifications per budget. */
export const MAX_BUDGET_NOTIFICATIONS = 10;
/** AWS Budgets allows this many email subscribers per notification (plus one SNS topic). */
export const MAX_BUDGET_EMAILS = 10;

export const ANOMALY_FREQUENCIES = ["IMMEDIATE", "DAILY", "WEEKLY"] as const;
export type AnomalyFrequency = (typeof ANOMALY_FREQUENCIES)[number];

export const ANOMALY_MONITORS = ["tag", "services"] as const;
/**
 * What an anomaly monitor watches.
 * - `tag`: a custom monitor on the first scope tag (`Project=<value>`): only this project's spend.
 * - `services`: AWS's dimensional monitor of every service in the account. AWS allows one per account, so
 *   declare it in one stack only.
 */
export type AnomalyMonitorKind = (typeof ANOMALY_MONITORS)[number];

/** Cost Anomaly Detection for the stack's spend. */
export interface AnomalyMonitoringSettings {
  /** Watch the spend for anomalies. @default false */
  enabled?: boolean;
  /** Alert on an anomaly whose total impact reaches this many USD. @default 20 */
  thresholdUsd?: number;
  /** See {@link AnomalyMonitorKind}. @default "tag" */
  monitor?: AnomalyMonitorKind;
  /**
   * How alerts are sent. AWS sends IMMEDIATE alerts only to an SNS topic, and DAILY or WEEKLY summaries only
   * to email addresses. @default "IMMEDIATE"
   */
  frequency?: AnomalyFrequency;
}

/** The stack's cost guardrails (seed §6.2, §7.4): a monthly budget with alerts, and cost visibility. */
export interface CostGuardrailSettings {
  /**
   * The stack's monthly budget in USD. No default: each stack states what it may spend (`mlplat cost` shows
   * its estimate).
   */
  monthlyLimitUsd: number;
  /**
   * Alert when the month's actual spend passes these percentages of the budget: whole numbers from 1 to
   * 1000, ascending. @default [80, 100]
   */
  alertThresholdsPercent?: readonly number[];
  /** Also alert when the month's spend is forecast to pass 100% of the budget. @default false */
  alertOnForecast?: boolean;
  /** Addresses that receive the budget's alerts (at most 10). @default [] */
  alertEmails?: readonly string[];
  /**
   * An existing SNS topic (same account) for the alerts instead of a new one; its policy must let
   * budgets.amazonaws.com publish. @default - a new KMS-encrypted topic when `createTopic` is on
   */
  snsTopicArn?: string;
  /**
   * Create a KMS-encrypted SNS topic for the alerts (to subscribe chat or paging integrations to). Ignored
   * when `snsTopicArn` is given. @default true
   */
  createTopic?: boolean;
  /**
   * The tags that scope the budget to this stack's resources, with the values the stack's tags give them.
   * One key filters with `TagKeyValue`; several are combined with AND. Each must be a cost allocation tag.
   * @default ["Project"]
   */
  scopeTagKeys?: readonly string[];
  /** Tag keys to activate as cost allocation tags. @default ["Project", "Environment", "CostCenter", "Owner"] */
  costAllocationTagKeys?: readonly string[];
  /**
   * Activate `costAllocationTagKeys` in the account. Activation is account-wide (and, in an organization,
   * only the management account may do it): let one stack per account own it, and turn it off in the others.
   * The resources are kept in AWS when they leave the stack, so a destroyed stack never deactivates tags
   * that other stacks report by. @default true
   */
  activateCostAllocationTags?: boolean;
  /** Cost Anomaly Detection. @default - off */
  anomalyMonitoring?: AnomalyMonitoringSettings;
}

export interface ResolvedAnomalyMonitoring {
  readonly thresholdUsd: number;
  readonly monitor: AnomalyMonitorKind;
  readonly frequency: AnomalyFrequency;
}

export interface ResolvedCostGuardrailSettings {
  readonly monthlyLimitUsd: number;
  readonly alertThresholdsPercent: readonly number[];
  readonly alertOnForecast: boolean;
  readonly alertEmails: readonly string[];
  readonly snsTopicArn?: string;
  /** True when the component creates its own topic (no `snsTopicArn`, `createTopic` on). */
  readonly createTopic: boolean;
  readonly scopeTagKeys: readonly string[];
  readonly costAllocationTagKeys: readonly string[];
  readonly activateCostAllocationTags: boolean;
  /** Set when anomaly monitoring is enabled. */
  readonly anomalyMonitoring?: ResolvedAnomalyMonitoring;
}

export function resolveCostGuardrailSettings(settings: CostGuardrailSettings): ResolvedCostGuardrailSettings {
  const anomaly = settings.anomalyMonitoring;
  return {
    monthlyLimitUsd: settings.monthlyLimitUsd,
    alertThresholdsPercent: [...(settings.alertThresholdsPercent ?? DEFAULT_ALERT_THRESHOLDS_PERCENT)],
    alertOnForecast: settings.alertOnForecast ?? false,
    alertEmails: [...(settings.alertEmails ?? [])],
    ...(settings.snsTopicArn !== undefined ? { snsTopicArn: settings.snsTopicArn } : {}),
    createTopic: settings.snsTopicArn === undefined && (settings.createTopic ?? true),
    scopeTagKeys: [...(settings.scopeTagKeys ?? ["Project"])],
    costAllocationTagKeys: [...(settings.costAllocationTagKeys ?? DEFAULT_COST_ALLOCATION_TAG_KEYS)],
    activateCostAllocationTags: settings.activateCostAllocationTags ?? true,
    ...(anomaly?.enabled === true
      ? {
          anomalyMonitoring: {
            thresholdUsd: anomaly.thresholdUsd ?? 20,
            monitor: anomaly.monitor ?? "tag",
            frequency: anomaly.frequency ?? "IMMEDIATE",
          },
        }
      : {}),
  };
}

const EMAIL = /^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$/;
/** A standard (not FIFO) topic: AWS Budgets cannot publish to FIFO topics. */
const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
/** What AWS accepts in a user-defined tag key (AWS-generated `aws:` keys are activated by AWS, not here). */
const TAG_KEY = /^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;

/**
 * Every problem with resolved cost settings; empty when they are valid. `tags` are the tags the stack gives
 * its resources: each scope tag must have a value there. Paths are relative to the settings.
 */
export function validateCostGuardrailSettings(
  s: ResolvedCostGuardrailSettings,
  tags: Readonly<Record<string, string>>,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const limit = s.monthlyLimitUsd;
  if (typeof limit !== "number" || !Number.isFinite(limit) || limit <= 0 || limit > 1e9) {
    issues.push({
      path: "monthlyLimitUsd",
      value: limit,
      expected:
        "the stack's monthly budget, a positive amount of USD such as 50 (there is no default: `mlplat cost` shows the stack's estimate)",
    });
  } else if (Math.round(limit * 100) !== limit * 100) {
    issues.push({ path: "monthlyLimitUsd", value: limit, expected: "an amount in whole cents, e.g. 49.99" });
  }

  const thresholds = s.alertThresholdsPercent;
  if (!Array.isArray(thresholds) || thresholds.length === 0) {
    issues.push({
      path: "alertThresholdsPercent",
      value: thresholds,
      expected: "a non-empty list of percentages of the budget, e.g. [80, 100]",
    });
  } else {
    const wrong = (thresholds as readonly unknown[])
      .map((t, i) => ({ t, i }))
      .filter(({ t }) => typeof t !== "number" || !Number.isInteger(t) || t < 1 || t > 1000);
    for (const { t, i } of wrong) {
      issues.push({
        path: `alertThresholdsPercent[${i}]`,
        value: t,
        expected: "a whole percentage of the budget from 1 to 1000",
      });
    }
    if (wrong.length === 0 && thresholds.some((t, i) => i > 0 && t <= (thresholds[i - 1] ?? 0))) {
      issues.push({
        path: "alertThresholdsPercent",
        value: thresholds,
        expected: "percentages in ascending order without repeats, e.g. [50, 80, 100]",
      });
    }
    const notifications = thresholds.length + (s.alertOnForecast ? 1 : 0);
    if (notifications > MAX_BUDGET_NOTIFICATIONS) {
      issues.push({
        path: "alertThresholdsPercent",
        value: thresholds,
        expected: `at most ${MAX_BUDGET_NOTIFICATIONS - (s.alertOnForecast ? 1 : 0)} thresholds: AWS Budgets allows ${MAX_BUDGET_NOTIFICATIONS} notifications per budget${s.alertOnForecast ? ", and the forecast alert is one" : ""}`,
      });
    }
  }
  if (typeof s.alertOnForecast !== "boolean") {
    issues.push({ path: "alertOnForecast", value: s.alertOnForecast, expected: "true or false" });
  }

  const emails = s.alertEmails;
  if (!Array.isArray(emails)) {
    issues.push({ path: "alertEmails", value: emails, expected: "a list of email addresses" });
  } else {
    emails.forEach((e, i) => {
      if (typeof e !== "string" || !EMAIL.test(e)) {
        issues.push({
          path: `alertEmails[${i}]`,
          value: e,
          expected: "one email address such as finops@example.com",
        });
      } else if (emails.indexOf(e) !== i) {
        issues.push({ path: `alertEmails[${i}]`, value: e, expected: "an address not already listed" });
      }
    });
    if (emails.length > MAX_BUDGET_EMAILS) {
      issues.push({
        path: "alertEmails",
        value: emails,
        expected: `at most ${MAX_BUDGET_EMAILS} addresses (AWS Budgets' limit per alert); use a mailing list or the SNS topic for more`,
      });
    }
    if (emails.length === 0 && s.snsTopicArn === undefined) {
      issues.push({
        path: "alertEmails",
        value: emails,
        expected:
          "at least one address, or snsTopicArn (an existing topic that people subscribe to): an alert nobody receives guards nothing",
      });
    }
  }
  if (
    s.snsTopicArn !== undefined &&
    (typeof s.snsTopicArn !== "string" || !SNS_TOPIC_ARN.test(s.snsTopicArn))
  ) {
    issues.push({
      path: "snsTopicArn",
      value: s.snsTopicArn,
      expected:
        "the ARN of a standard (not FIFO) SNS topic, e.g. arn:aws:sns:ap-northeast-2:123456789012:budget-alerts",
    });
  }
  if (typeof s.createTopic !== "boolean") {
    issues.push({ path: "createTopic", value: s.createTopic, expected: "true or false" });
  }

  const allocation = s.costAllocationTagKeys;
  const allocationOk = checkTagKeys(issues, "costAllocationTagKeys", allocation);
  if (checkTagKeys(issues, "scopeTagKeys", s.scopeTagKeys)) {
    s.scopeTagKeys.forEach((key, i) => {
      if (allocationOk && !allocation.includes(key)) {
        issues.push({
          path: `scopeTagKeys[${i}]`,
          value: key,
          expected: `one of costAllocationTagKeys (${allocation.join(", ")}): AWS filters costs only by activated tags`,
        });
      } else if (typeof tags[key] !== "string" || tags[key] === "") {
        issues.push({
          path: `scopeTagKeys[${i}]`,
          value: key,
          expected: `a tag the stack sets on its resources (it sets ${Object.keys(tags).join(", ") || "none"})`,
        });
      }
    });
  }
  if (typeof s.activateCostAllocationTags !== "boolean") {
    issues.push({
      path: "activateCostAllocationTags",
      value: s.activateCostAllocationTags,
      expected: "true or false",
    });
  }

  const anomaly = s.anomalyMonitoring;
  if (anomaly !== undefined) {
    const threshold = anomaly.thresholdUsd;
    if (typeof threshold !== "number" || !Number.isFinite(threshold) || threshold <= 0) {
      issues.push({
        path: "anomalyMonitoring.thresholdUsd",
        value: threshold,
        expected: "a positive amount of USD: the total impact from which an anomaly is reported",
      });
    }
    if (!(ANOMALY_MONITORS as readonly string[]).includes(anomaly.monitor)) {
      issues.push({
        path: "anomalyMonitoring.monitor",
        value: anomaly.monitor,
        expected: `one of ${ANOMALY_MONITORS.join(", ")}`,
      });
    }
    if (!(ANOMALY_FREQUENCIES as readonly string[]).includes(anomaly.frequency)) {
      issues.push({
        path: "anomalyMonitoring.frequency",
        value: anomaly.frequency,
        expected: `one of ${ANOMALY_FREQUENCIES.join(", ")}`,
      });
    } else if (anomaly.frequency === "IMMEDIATE" && !s.createTopic && s.snsTopicArn === undefined) {
      issues.push({
        path: "anomalyMonitoring.frequency",
        value: anomaly.frequency,
        expected:
          "DAILY or WEEKLY (emailed) when there is no SNS topic: AWS sends IMMEDIATE anomaly alerts only to SNS",
      });
    } else if (anomaly.frequency !== "IMMEDIATE" && Array.isArray(emails) && emails.length === 0) {
      issues.push({
        path: "anomalyMonitoring.frequency",
        value: anomaly.frequency,
        expected:
          "IMMEDIATE when alertEmails is empty: AWS emails DAILY and WEEKLY summaries, to alertEmails",
      });
    }
  }
  return issues;
}

/** True when `keys` is a non-empty list of distinct, valid tag keys; records each problem otherwise. */
function checkTagKeys(issues: ValidationIssue[], path: string, keys: readonly string[]): boolean {
  if (!Array.isArray(keys) || keys.length === 0) {
    issues.push({ path, value: keys, expected: "a non-empty list of tag keys, e.g. [Project]" });
    return false;
  }
  let ok = true;
  keys.forEach((key, i) => {
    if (typeof key !== "string" || !TAG_KEY.test(key)) {
      ok = false;
      issues.push({
        path: `${path}[${i}]`,
        value: key,
        expected:
          "a user-defined tag key: 1 to 128 letters, digits, spaces or _.:/=+-@, not starting with aws:",
      });
    } else if (keys.indexOf(key) !== i) {
      ok = false;
      issues.push({ path: `${path}[${i}]`, value: key, expected: "a key not already listed" });
    }
  });
  return ok;
}
