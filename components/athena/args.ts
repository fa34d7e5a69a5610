import { lakeKey } from "../data-lake/layout";
import type { ValidationIssue } from "../validation";

/** Athena engine versions a workgroup may select; `AUTO` lets Athena upgrade it. */
export const ATHENA_ENGINE_VERSIONS = ["Athena engine version 3", "AUTO"] as const;
export type AthenaEngineVersion = (typeof ATHENA_ENGINE_VERSIONS)[number];

/** Athena's smallest per-query cutoff: 10 MB. */
export const MIN_BYTES_SCANNED_CUTOFF = 10 * 1024 * 1024;
export const GIB = 1024 ** 3;

/** Where query results go: `artifacts/athena/results/`, a sub-prefix of the lake's artifacts zone. */
export const RESULTS_PREFIX = `${lakeKey("artifacts", "athena", "results")}/`;

/** Settings of the query workgroup (seed: services map, Athena). */
export interface QueryWorkgroupSettings {
  /**
   * Most bytes one query may scan: Athena cancels it there, so a forgotten `WHERE` on a partitioned table costs at
   * most this (Athena bills per TB scanned). At least 10 MB (10485760), Athena's minimum.
   * @default 10737418240 (10 GiB)
   */
  bytesScannedCutoffPerQuery?: number;
  /** The query engine; pinned so that an upgrade is a reviewed change. @default "Athena engine version 3" */
  engineVersion?: AthenaEngineVersion;
  /** Publish the workgroup's query metrics (data scanned, run time) to CloudWatch. @default true */
  publishCloudwatchMetrics?: boolean;
}

export type ResolvedQueryWorkgroupSettings = Required<QueryWorkgroupSettings>;

export function resolveQueryWorkgroupSettings(
  settings: QueryWorkgroupSettings = {},
): ResolvedQueryWorkgroupSettings {
  return {
    bytesScannedCutoffPerQuery: settings.bytesScannedCutoffPerQuery ?? 10 * GIB,
    engineVersion: settings.engineVersion ?? "Athena engine version 3",
    publishCloudwatchMetrics: settings.publishCloudwatchMetrics ?? true,
  };
}

/** Every problem with resolved workgroup settings; empty when they are valid. Paths are relative to the settings. */
export function validateQueryWorkgroupSettings(s: ResolvedQueryWorkgroupSettings): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const cutoff = s.bytesScannedCutoffPerQuery;
  if (typeof cutoff !== "number" || !Number.isSafeInteger(cutoff) || cutoff < MIN_BYTES_SCANNED_CUTOFF) {
    issues.push({
      path: "bytesScannedCutoffPerQuery",
      value: cutoff,
      expected: `a whole number of bytes of at least ${MIN_BYTES_SCANNED_CUTOFF} (10 MB, Athena's minimum), e.g. ${10 * GIB} for 10 GiB`,
    });
  }
  if (!(ATHENA_ENGINE_VERSIONS as readonly string[]).includes(s.engineVersion)) {
    issues.push({
      path: "engineVersion",
      value: s.engineVersion,
      expected: `one of ${ATHENA_ENGINE_VERSIONS.map((v) => JSON.stringify(v)).join(", ")}`,
    });
  }
  if (typeof s.publishCloudwatchMetrics !== "boolean") {
    issues.push({
      path: "publishCloudwatchMetrics",
      value: s.publishCloudwatchMetrics,
      expected: "true or false",
    });
  }
  return issues;
}

/** Athena workgroup names: letters, digits, `.`, `_` and `-`, up to 128 characters. */
export const WORKGROUP_NAME = /^[A-Za-z0-9._-]{1,128}$/;
/** A table or column name Athena reads without quoting. */
export const SQL_IDENTIFIER = /^[a-z_][a-z0-9_]{0,127}$/;
