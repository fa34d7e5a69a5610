/**
 * Settings of the event-driven ETL trigger and the pure pieces built from them: the EventBridge rule's event
 * pattern and the target's input transformer, which turns an S3 `Object Created` event into the ML pipeline's
 * execution input (`{"etlArguments": {"--source_path": ...}}`, see components/pipeline/definition.ts).
 */
import { lakeKey, zonePrefix } from "../data-lake/layout";
import { wholeNumbers, type ValidationIssue } from "../validation";

/**
 * What the Glue run of a triggered execution reads (`--source_path`).
 * - `prefix`: the watched prefix, `s3://<bucket>/raw/clicks/`. The ETL job keeps bookmarks, so a run reads
 *   every file under it that no run has read yet: the whole drop the event announced, and anything an earlier,
 *   failed or rejected run left behind. Needs exactly one watched prefix (EventBridge cannot tell a target
 *   which of a rule's prefixes matched). The choice for dataset drops.
 * - `object`: the object of the event, `s3://<bucket>/<key>`: one run per file. For independent whole-file
 *   drops only: with a marker suffix the run would read the marker itself, and a key with spaces or special
 *   characters may arrive encoded.
 */
export type EtlSourcePath = "prefix" | "object";
export const ETL_SOURCE_PATHS: readonly EtlSourcePath[] = ["prefix", "object"];

/**
 * Settings of the ETL trigger (issue 10): which new objects of the lake's raw zone start the ML pipeline.
 *
 * Every matching object starts one execution, and every execution runs the Glue job (one run at a time: its
 * bookmarks need that), a training job and an endpoint update. A burst of objects would start as many
 * executions: most fail on the busy Glue job, and each of the others trains and deploys. Hence the default: a producer
 * writes a dataset's files under one prefix, then a `_SUCCESS` marker (what Spark, Glue and Hadoop writers do),
 * and only the marker starts the pipeline, which reads the whole prefix.
 */
export interface EtlTriggerSettings {
  /**
   * Key prefixes inside the raw zone to watch, each ending in `/` (`raw/clicks/`). At most 10.
   * @default ["raw/"]
   */
  prefixes?: readonly string[];
  /**
   * Only keys ending in one of these start the pipeline; `[]` lets every object start one (a burst of files is
   * a burst of executions). At most 5.
   * @default ["_SUCCESS"]
   */
  suffixes?: readonly string[];
  /** See {@link EtlSourcePath}. @default "prefix" */
  sourcePath?: EtlSourcePath;
  /** Times EventBridge retries starting an execution (throttled, state machine busy), 0 to 185. @default 24 */
  retryAttempts?: number;
  /** Longest EventBridge keeps retrying an event, seconds, 60 to 86400; then it goes to the DLQ. @default 21600 */
  maxEventAgeSeconds?: number;
  /** Days the dead-letter queue keeps events that could not start an execution, 1 to 14. @default 14 */
  deadLetterRetentionDays?: number;
  /** Whether the rule is enabled; `false` keeps everything declared but starts nothing. @default true */
  enabled?: boolean;
}

export interface ResolvedEtlTriggerSettings {
  readonly prefixes: readonly string[];
  readonly suffixes: readonly string[];
  readonly sourcePath: EtlSourcePath;
  readonly retryAttempts: number;
  readonly maxEventAgeSeconds: number;
  readonly deadLetterRetentionDays: number;
  readonly enabled: boolean;
}

/** The marker a completed dataset drop ends with (Spark, Glue and Hadoop output committers write it). */
export const SUCCESS_MARKER = "_SUCCESS";
export const MAX_PREFIXES = 10;
export const MAX_SUFFIXES = 5;

export const DEFAULT_ETL_TRIGGER: ResolvedEtlTriggerSettings = {
  prefixes: [zonePrefix("raw")],
  suffixes: [SUCCESS_MARKER],
  sourcePath: "prefix",
  retryAttempts: 24,
  maxEventAgeSeconds: 6 * 3600,
  deadLetterRetentionDays: 14,
  enabled: true,
};

export function resolveEtlTriggerSettings(settings: EtlTriggerSettings = {}): ResolvedEtlTriggerSettings {
  const given = Object.fromEntries(
    Object.entries(settings).filter(([, v]) => v !== undefined),
  ) as EtlTriggerSettings;
  return {
    ...DEFAULT_ETL_TRIGGER,
    ...given,
    prefixes: [...(given.prefixes ?? DEFAULT_ETL_TRIGGER.prefixes)],
    suffixes: [...(given.suffixes ?? DEFAULT_ETL_TRIGGER.suffixes)],
  };
}

/** S3's safe key characters: a prefix also goes into the input template's JSON text, unescaped. */
const SAFE_KEY = /^[A-Za-z0-9!_.*'()=/-]+$/;

/**
 * True when `prefix` is a folder of the raw zone: `raw/` or `raw/<segments>/`, with no empty, `.` or `..` part,
 * in S3's safe key characters.
 */
export function isRawPrefix(prefix: string): boolean {
  const raw = zonePrefix("raw");
  if (!SAFE_KEY.test(prefix) || !prefix.startsWith(raw) || !prefix.endsWith("/")) return false;
  const rest = prefix.slice(raw.length);
  try {
    return rest === "" || `${lakeKey("raw", rest)}/` === prefix;
  } catch {
    return false;
  }
}

/** Every problem with resolved trigger settings; empty when they are valid. Paths are relative to the settings. */
export function validateEtlTriggerSettings(s: ResolvedEtlTriggerSettings): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const list = (path: string, value: unknown, max: number, what: string, check: (v: string) => boolean) => {
    if (!Array.isArray(value) || value.length === 0 || value.length > max) {
      issues.push({ path, value, expected: `a list of 1 to ${max} ${what}` });
      return;
    }
    value.forEach((v: unknown, i) => {
      if (typeof v !== "string" || !check(v))
        issues.push({ path: `${path}[${i}]`, value: v, expected: what });
    });
    value.forEach((v: unknown, i) => {
      if (value.indexOf(v) !== i)
        issues.push({ path: `${path}[${i}]`, value: v, expected: "each entry once" });
    });
  };
  list(
    "prefixes",
    s.prefixes,
    MAX_PREFIXES,
    'folders of the raw zone ending in "/", e.g. raw/clicks/',
    isRawPrefix,
  );
  if (Array.isArray(s.suffixes) && s.suffixes.length > 0) {
    list("suffixes", s.suffixes, MAX_SUFFIXES, "non-empty key endings without /, e.g. _SUCCESS", (v) =>
      /^[^/]{1,100}$/.test(v),
    );
  } else if (!Array.isArray(s.suffixes)) {
    issues.push({
      path: "suffixes",
      value: s.suffixes,
      expected: "a list of key endings, or [] for every object",
    });
  }
  if (!ETL_SOURCE_PATHS.includes(s.sourcePath)) {
    issues.push({
      path: "sourcePath",
      value: s.sourcePath,
      expected: `one of ${ETL_SOURCE_PATHS.join(", ")}`,
    });
  } else if (s.sourcePath === "prefix" && Array.isArray(s.prefixes) && s.prefixes.length > 1) {
    issues.push({
      path: "prefixes",
      value: s.prefixes,
      expected:
        'one prefix when sourcePath is "prefix" (the Glue run reads it, and EventBridge cannot say which of ' +
        'several matched): declare one trigger per prefix, or use sourcePath "object"',
    });
  }
  const whole = wholeNumbers(issues);
  whole("retryAttempts", s.retryAttempts, 0, 185, "retries");
  whole("maxEventAgeSeconds", s.maxEventAgeSeconds, 60, 86_400, "seconds");
  whole("deadLetterRetentionDays", s.deadLetterRetentionDays, 1, 14, "days");
  if (typeof s.enabled !== "boolean") {
    issues.push({ path: "enabled", value: s.enabled, expected: "true or false" });
  }
  return issues;
}

// ------------------------------------------------------------------------------------ event pattern

/** An EventBridge content filter on a string field. */
export type KeyFilter = { readonly prefix: string } | { readonly wildcard: string };

/** The event pattern of the rule: S3 `Object Created` events of the lake bucket whose key matches a filter. */
export interface EtlEventPattern {
  readonly source: readonly ["aws.s3"];
  readonly "detail-type": readonly ["Object Created"];
  readonly detail: {
    readonly bucket: { readonly name: readonly [string] };
    readonly object: { readonly key: readonly KeyFilter[] };
  };
}

/**
 * The key filters: a `prefix` filter per prefix without suffixes; with suffixes, a `wildcard` filter per
 * prefix and suffix (`raw/clicks/*_SUCCESS`), as the entries of one field's list are alternatives, and
 * EventBridge has no "prefix and suffix" filter on one field. `*` and `\` in a prefix or suffix are escaped.
 */
export function keyFilters(s: Pick<ResolvedEtlTriggerSettings, "prefixes" | "suffixes">): KeyFilter[] {
  if (s.suffixes.length === 0) return s.prefixes.map((prefix) => ({ prefix }));
  const escape = (v: string) => v.replace(/[\\*]/g, (c) => `\\${c}`);
  return s.prefixes.flatMap((p) => s.suffixes.map((x) => ({ wildcard: `${escape(p)}*${escape(x)}` })));
}

export function etlEventPattern(bucket: string, s: ResolvedEtlTriggerSettings): EtlEventPattern {
  return {
    source: ["aws.s3"],
    "detail-type": ["Object Created"],
    detail: { bucket: { name: [bucket] }, object: { key: keyFilters(s) } },
  };
}

// --------------------------------------------------------------------------------- input transformer

/** An EventBridge input transformer: event fields by name, and the template they fill in. */
export interface InputTransformer {
  readonly inputPaths: Readonly<Record<string, string>>;
  readonly inputTemplate: string;
}

/** The Glue argument that names the object whose event started the run, for the run's and execution's history. */
export const TRIGGER_ARGUMENT = "--trigger_object";

/**
 * The target's input transformer: the pipeline's execution input, within its contract (`hyperparameters` and
 * `etlArguments` only, see components/pipeline/client.ts): `--source_path` for the Glue run (see
 * {@link EtlSourcePath}) and {@link TRIGGER_ARGUMENT}, the object's URI, which the job ignores but the Glue run,
 * the execution's input and the pipeline's failure records keep. EventBridge names the execution with a UUID
 * (36 characters), which the pipeline's run names are sized for.
 */
export function etlInputTransformer(
  s: Pick<ResolvedEtlTriggerSettings, "prefixes" | "sourcePath">,
): InputTransformer {
  const [prefix] = s.prefixes;
  const source = s.sourcePath === "object" ? "s3://<bucket>/<key>" : `s3://<bucket>/${prefix ?? ""}`;
  return {
    inputPaths: { bucket: "$.detail.bucket.name", key: "$.detail.object.key" },
    inputTemplate: `{"etlArguments": {"--source_path": "${source}", "${TRIGGER_ARGUMENT}": "s3://<bucket>/<key>"}}`,
  };
}
