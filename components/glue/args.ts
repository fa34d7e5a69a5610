import { checkLogRetention } from "../catalog/cloudwatch";
import { wholeNumbers, type ValidationIssue } from "../validation";

/**
 * The lake zones that hold tables, one Glue database each. raw/ holds source data as ingested (JSON, CSV: tables
 * made by hand or by a crawler), processed/ the Parquet the ETL job writes (tables made by the crawler), and
 * features/ the feature store's offline data. models/, artifacts/ and metadata/ hold archives, checkpoints and
 * logs, which nobody queries as tables, so they get no database.
 */
export const CATALOG_ZONES = ["raw", "processed", "features"] as const;
export type CatalogZone = (typeof CATALOG_ZONES)[number];

/** Worker types for Spark ETL jobs (1, 2, 4 and 8 DPUs); others (memory-optimized R.*, G.12X+) on request. */
export const GLUE_WORKER_TYPES = ["G.1X", "G.2X", "G.4X", "G.8X"] as const;
export type GlueWorkerType = (typeof GLUE_WORKER_TYPES)[number];

/** Glue versions this template's script runs on (Spark 3.3 and 3.5, Python 3.10 and 3.11). */
export const GLUE_VERSIONS = ["4.0", "5.0", "5.1"] as const;

/** Formats of the raw files the ETL job reads. */
export const SOURCE_FORMATS = ["json", "csv"] as const;
export type SourceFormat = (typeof SOURCE_FORMATS)[number];

/** The columns the ETL job partitions its Parquet output by, from each record's timestamp. */
export const PARTITION_KEYS = ["year", "month", "day"] as const;

/** Settings of the data catalog and its ETL job (seed: services map, Glue). */
export interface DataCatalogSettings {
  /** When the crawler catalogs processed/: a Glue cron expression, in UTC. @default "cron(0 3 * * ? *)" (daily at 03:00) */
  crawlerSchedule?: string;
  /** Worker type of the ETL job. @default "G.1X" */
  workerType?: GlueWorkerType;
  /** Workers per ETL run; Spark jobs run on at least 2. @default 2 */
  numberOfWorkers?: number;
  /** Longest an ETL run may take, in minutes: Glue stops it then, and bills at most that. @default 60 */
  jobTimeoutMinutes?: number;
  /** Glue version of the ETL job. @default "5.1" */
  glueVersion?: string;
  /** Times Glue retries a failed run (bookmarks make a retry pick up the same files). @default 1 */
  maxRetries?: number;
  /** Format of the raw files the ETL job reads. @default "json" */
  sourceFormat?: SourceFormat;
  /** What the ETL job writes: processed/<dataset>/, which the crawler makes the table `<dataset>`. @default "events" */
  dataset?: string;
  /**
   * Column of the raw records whose timestamp (ISO 8601 text or epoch seconds) partitions the output by
   * year/month/day; records without one fall into the run's day. @default "event_time"
   */
  timestampColumn?: string;
  /** Days CloudWatch Logs keeps the job's and the crawler's logs. @default 90 */
  logRetentionDays?: number;
  /**
   * Declare the Data Catalog's encryption settings (SSE-KMS at rest and encrypted connection passwords, under this
   * component's key). They are ONE setting per account and region: when two stacks share an account and region,
   * exactly one of them manages it and the others set this to false (and name its key in
   * {@link DataCatalogSettings.externalCatalogKeyArn}). The managing stack's key is retained when the stack is
   * destroyed, whatever the lake's deletion policy: the catalog stays encrypted under it. @default true
   */
  manageCatalogEncryption?: boolean;
  /**
   * The key another stack encrypts this account's catalog with, when `manageCatalogEncryption` is false: the
   * crawler and query users get decrypt on it. @default - none
   */
  externalCatalogKeyArn?: string;
}

export interface ResolvedDataCatalogSettings {
  readonly crawlerSchedule: string;
  readonly workerType: GlueWorkerType;
  readonly numberOfWorkers: number;
  readonly jobTimeoutMinutes: number;
  readonly glueVersion: string;
  readonly maxRetries: number;
  readonly sourceFormat: SourceFormat;
  readonly dataset: string;
  readonly timestampColumn: string;
  readonly logRetentionDays: number;
  readonly manageCatalogEncryption: boolean;
  readonly externalCatalogKeyArn?: string;
}

/** Daily at 03:00 UTC: after a night's raw data has been processed, before the working day's queries. */
export const DEFAULT_CRAWLER_SCHEDULE = "cron(0 3 * * ? *)";

/** Glue's limits on a Spark job: timeout (48 hours) and retries. */
export const MAX_JOB_TIMEOUT_MINUTES = 2880;
export const MAX_JOB_RETRIES = 10;

export function resolveDataCatalogSettings(settings: DataCatalogSettings = {}): ResolvedDataCatalogSettings {
  return {
    crawlerSchedule: settings.crawlerSchedule ?? DEFAULT_CRAWLER_SCHEDULE,
    workerType: settings.workerType ?? "G.1X",
    numberOfWorkers: settings.numberOfWorkers ?? 2,
    jobTimeoutMinutes: settings.jobTimeoutMinutes ?? 60,
    glueVersion: settings.glueVersion ?? "5.1",
    maxRetries: settings.maxRetries ?? 1,
    sourceFormat: settings.sourceFormat ?? "json",
    dataset: settings.dataset ?? "events",
    timestampColumn: settings.timestampColumn ?? "event_time",
    logRetentionDays: settings.logRetentionDays ?? 90,
    manageCatalogEncryption: settings.manageCatalogEncryption ?? true,
    ...(settings.externalCatalogKeyArn !== undefined
      ? { externalCatalogKeyArn: settings.externalCatalogKeyArn }
      : {}),
  };
}

// Glue's cron: six fields (minutes hours day-of-month month day-of-week year), one of the two days a `?`.
const GLUE_CRON = /^cron\(\s*(\S+\s+){5}\S+\s*\)$/;
// A name Athena and Glue both accept for a table or column: lowercase letters, digits and underscores.
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,127}$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

/** Every problem with resolved catalog settings; empty when they are valid. Paths are relative to the settings. */
export function validateDataCatalogSettings(s: ResolvedDataCatalogSettings): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const whole = wholeNumbers(issues);
  if (typeof s.crawlerSchedule !== "string" || !GLUE_CRON.test(s.crawlerSchedule)) {
    issues.push({
      path: "crawlerSchedule",
      value: s.crawlerSchedule,
      expected:
        'a Glue cron expression with six fields, in UTC, such as "cron(0 3 * * ? *)" (daily at 03:00)',
    });
  } else {
    const [, , dayOfMonth, , dayOfWeek] = s.crawlerSchedule.slice(5, -1).trim().split(/\s+/);
    if ((dayOfMonth === "?") === (dayOfWeek === "?")) {
      issues.push({
        path: "crawlerSchedule",
        value: s.crawlerSchedule,
        expected: 'exactly one of day-of-month (3rd field) and day-of-week (5th field) set to "?"',
      });
    }
  }
  if (!(GLUE_WORKER_TYPES as readonly string[]).includes(s.workerType)) {
    issues.push({
      path: "workerType",
      value: s.workerType,
      expected: `one of ${GLUE_WORKER_TYPES.join(", ")}`,
    });
  }
  whole("numberOfWorkers", s.numberOfWorkers, 2, 1000, "workers", " (Glue runs Spark jobs on at least 2)");
  whole("jobTimeoutMinutes", s.jobTimeoutMinutes, 1, MAX_JOB_TIMEOUT_MINUTES, "minutes");
  if (!(GLUE_VERSIONS as readonly string[]).includes(s.glueVersion)) {
    issues.push({
      path: "glueVersion",
      value: s.glueVersion,
      expected: `one of ${GLUE_VERSIONS.join(", ")}`,
    });
  }
  whole("maxRetries", s.maxRetries, 0, MAX_JOB_RETRIES, "retries");
  if (!(SOURCE_FORMATS as readonly string[]).includes(s.sourceFormat)) {
    issues.push({
      path: "sourceFormat",
      value: s.sourceFormat,
      expected: `one of ${SOURCE_FORMATS.join(", ")}`,
    });
  }
  for (const key of ["dataset", "timestampColumn"] as const) {
    if (typeof s[key] !== "string" || !IDENTIFIER.test(s[key])) {
      issues.push({
        path: key,
        value: s[key],
        expected:
          "lowercase letters, digits and underscores, starting with a letter or underscore (a name Athena accepts)",
      });
    }
  }
  if ((PARTITION_KEYS as readonly string[]).includes(s.timestampColumn)) {
    issues.push({
      path: "timestampColumn",
      value: s.timestampColumn,
      expected: `a column other than the partition keys ${PARTITION_KEYS.join(", ")}, which the job derives from it`,
    });
  }
  checkLogRetention(issues, "logRetentionDays", s.logRetentionDays);
  if (typeof s.manageCatalogEncryption !== "boolean") {
    issues.push({
      path: "manageCatalogEncryption",
      value: s.manageCatalogEncryption,
      expected: "true or false",
    });
  }
  if (s.externalCatalogKeyArn !== undefined) {
    if (s.manageCatalogEncryption) {
      issues.push({
        path: "externalCatalogKeyArn",
        value: s.externalCatalogKeyArn,
        expected:
          "nothing while manageCatalogEncryption is true (this component's own key then encrypts the catalog)",
      });
    } else if (!KMS_KEY_ARN.test(s.externalCatalogKeyArn)) {
      issues.push({
        path: "externalCatalogKeyArn",
        value: s.externalCatalogKeyArn,
        expected:
          "a KMS key ARN such as arn:aws:kms:ap-northeast-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      });
    }
  }
  return issues;
}

/**
 * The Glue database of a zone: the component's name in Athena's spelling (lowercase letters, digits and
 * underscores; a hyphen would need quoting in every query) and the zone: `databaseName("mlplat-dev-data",
 * "raw")` is `mlplat_dev_data_raw`.
 */
export function databaseName(component: string, zone: CatalogZone): string {
  const stem = component
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  return `${stem}_${zone}`;
}
