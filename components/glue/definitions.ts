/**
 * What the catalog's Glue job and crawler are, as plain data: the component declares them from these, and the
 * emulator tests create them with the SDK from the same values, so both run the same job.
 */
import * as path from "node:path";

import { lakeKey, lakeUri } from "../data-lake/layout";
import type { ResolvedDataCatalogSettings } from "./args";

/** The ETL job's PySpark script, in this repository. */
export const ETL_SCRIPT_FILE = "raw_to_processed.py";
export const ETL_SCRIPT_PATH = path.join(__dirname, "jobs", ETL_SCRIPT_FILE);

/** Where the script is uploaded: `artifacts/glue/scripts/<file>`, a sub-prefix of the lake's artifacts zone. */
export const ETL_SCRIPT_KEY = lakeKey("artifacts", "glue", "scripts", ETL_SCRIPT_FILE);

/** Glue reads its script from S3 only. */
export function etlScriptUri(bucket: string): string {
  return `s3://${bucket}/${ETL_SCRIPT_KEY}`;
}

/** Where the ETL job writes its dataset: `s3://<lake>/processed/<dataset>/`. */
export function etlTargetUri(bucket: string, dataset: string): string {
  return `${lakeUri(bucket, "processed", dataset)}/`;
}

/**
 * The job's default arguments: Glue's own (bookmarks on, metrics) and the script's (see jobs/raw_to_processed.py).
 * A run may override the script's, e.g. `--source_path` to read one folder of raw/.
 */
export function etlJobArguments(
  bucket: string,
  s: Pick<ResolvedDataCatalogSettings, "dataset" | "sourceFormat" | "timestampColumn">,
): Record<string, string> {
  return {
    "--job-language": "python",
    // Each run reads only the raw files earlier runs have not processed; the security configuration encrypts
    // the bookmark (CSE-KMS).
    "--job-bookmark-option": "job-bookmark-enable",
    "--enable-metrics": "true",
    "--source_path": lakeUri(bucket, "raw"),
    "--target_path": etlTargetUri(bucket, s.dataset),
    "--source_format": s.sourceFormat,
    "--timestamp_column": s.timestampColumn,
  };
}

/**
 * The crawler's configuration: a table per folder directly under processed/ (level 2 from the bucket:
 * processed/<dataset>/), whose year=/month=/day= folders become its partitions, which inherit the table's schema.
 */
export function crawlerConfiguration(): string {
  return JSON.stringify({
    Version: 1.0,
    Grouping: { TableLevelConfiguration: 2 },
    CrawlerOutput: { Partitions: { AddOrUpdateBehavior: "InheritFromTable" } },
  });
}

/** Files under processed/ that are not data: Spark's markers and unfinished output. */
export const CRAWLER_EXCLUSIONS = ["**/_SUCCESS", "**/_temporary/**", "**.crc"] as const;

/**
 * The log groups Glue writes to when a security configuration encrypts CloudWatch Logs: they are named after the
 * configuration and the role, so that each is encrypted with the configuration's key.
 */
export function jobLogGroupNames(
  securityConfiguration: string,
  role: string,
): { output: string; error: string } {
  const stem = `/aws-glue/jobs/${securityConfiguration}-role/${role}`;
  return { output: `${stem}/output`, error: `${stem}/error` };
}

export function crawlerLogGroupName(securityConfiguration: string, role: string): string {
  return `/aws-glue/crawlers-role/${role}-${securityConfiguration}`;
}
