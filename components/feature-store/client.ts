import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  type DynamoDBClientConfig,
} from "@aws-sdk/client-dynamodb";
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";

import { ValidationError, type ValidationIssue } from "../validation";
import { MAX_FEATURE_TTL_DAYS } from "./args";
import { FEATURE_TABLE, featureKey, RUNS_BY_MODEL_INDEX, RUNS_TABLE } from "./tables";

/**
 * The feature store's data-plane client (no Pulumi): puts and gets online feature vectors, and records, reads
 * and lists training runs, in the tables of ./tables.ts. Every input is validated before a request is made,
 * and every problem is reported at once, with its path, the value and what is expected.
 */

/**
 * The longest feature vector accepted. A DynamoDB item holds at most 400 KB, and a number takes up to 21 bytes
 * plus one of list overhead: 4,096 numbers stay under 100 KB, whatever their digits.
 */
export const MAX_FEATURE_VECTOR_LENGTH = 4096;

/**
 * The largest magnitude accepted for a DynamoDB number: DynamoDB's is 9.9999999999999999999999999999999999999E+125
 * (38 nines), which a JavaScript number cannot state exactly; 9.99e125 stays safely inside it.
 */
export const DYNAMODB_MAX_MAGNITUDE = 9.99e125;
/** The smallest non-zero magnitude a DynamoDB number holds. */
export const DYNAMODB_MIN_MAGNITUDE = 1e-130;

/** Params and metrics a run may carry, each: a DynamoDB item holds at most 400 KB. */
export const MAX_RUN_ENTRIES = 200;

/** Entity ids are the partition key: any text up to 1,024 characters (DynamoDB allows 2,048 bytes). */
const ENTITY_ID_MAX = 1024;
/** Feature groups: snake_case names; `#` is the key separator, so it is excluded. */
const FEATURE_GROUP = /^[a-z][a-z0-9_]{0,127}$/;
/** Experiment, run and model ids: letters, digits and `. _ : -`, starting with a letter or digit. */
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const PARAM_NAME = /^[A-Za-z0-9_.:/-]{1,128}$/;

/** A run's lifecycle. Completed, Failed and Stopped runs are finished and carry `endedAt`. */
export type RunStatus = "Pending" | "Running" | "Completed" | "Failed" | "Stopped";
export const RUN_STATUSES: readonly RunStatus[] = ["Pending", "Running", "Completed", "Failed", "Stopped"];
const FINISHED: readonly RunStatus[] = ["Completed", "Failed", "Stopped"];

/** A feature vector to write. */
export interface FeatureVectorInput {
  /** The entity the features describe: a user, an item, a session. */
  readonly entityId: string;
  /** The feature group, snake_case, e.g. `user_profile`. */
  readonly featureGroup: string;
  /** The group's schema version, from 1: a new version never overwrites an older one's vectors. */
  readonly version: number;
  readonly values: readonly number[];
}

/** A stored feature vector. */
export interface FeatureVector extends FeatureVectorInput {
  /** When it was written, ISO 8601 UTC. */
  readonly updatedAt: string;
  /** Epoch seconds after which TTL deletes it; undefined when the store's TTL is off. */
  readonly expiresAt?: number;
}

/** A run parameter: a hyperparameter or setting, as given to training. */
export type RunParam = string | number | boolean;

/** A training run to record. */
export interface RunInput {
  readonly experimentId: string;
  readonly runId: string;
  /** The model the run trains (the SageMaker model or package group name). */
  readonly modelName: string;
  /** @default "Running" */
  readonly status?: RunStatus;
  /** @default {} */
  readonly params?: Readonly<Record<string, RunParam>>;
  /** @default {} */
  readonly metrics?: Readonly<Record<string, number>>;
  /** The trained model in the lake's `models/` zone, `s3://<bucket>/models/...`. @default - none yet */
  readonly modelArtifactUri?: string;
  /** ISO 8601 UTC. @default - now */
  readonly startedAt?: string;
}

/** What finishing (or progressing) a run changes. */
export interface RunUpdate {
  readonly status: RunStatus;
  /** Merged into the run's metrics, replacing metrics of the same name. @default {} */
  readonly metrics?: Readonly<Record<string, number>>;
  /** @default - unchanged */
  readonly modelArtifactUri?: string;
  /** ISO 8601 UTC. @default - now, for a finished status; none otherwise */
  readonly endedAt?: string;
}

/** A stored run. */
export interface TrainingRun {
  readonly experimentId: string;
  readonly runId: string;
  readonly modelName: string;
  readonly status: RunStatus;
  readonly params: Readonly<Record<string, RunParam>>;
  readonly metrics: Readonly<Record<string, number>>;
  readonly modelArtifactUri?: string;
  readonly startedAt: string;
  readonly endedAt?: string;
  readonly updatedAt: string;
}

export interface FeatureStoreClientOptions {
  /** The features table (stack output `featureStore.featureTableName`). */
  readonly featureTableName: string;
  /** The runs table (stack output `featureStore.metadataTableName`). */
  readonly metadataTableName: string;
  /**
   * Days a written vector lives before TTL deletes it: the store's `featureTtlDays`. 0 writes no expiry.
   * @default 30
   */
  readonly featureTtlDays?: number;
  /** When set, model artifacts must be in this bucket (the lake's data bucket). @default - any bucket */
  readonly lakeBucket?: string;
  /** A DynamoDB client, or the settings of a new one. @default - a client from the environment's AWS settings */
  readonly dynamodb?: DynamoDBClient | DynamoDBClientConfig;
  /** The clock, for tests. @default () => new Date() */
  readonly now?: () => Date;
}

/** A DynamoDB failure with the table and item named. */
export class FeatureStoreError extends Error {
  override readonly name = "FeatureStoreError";
  /** The DynamoDB error name (`ResourceNotFoundException`, `ConditionalCheckFailedException`, ...). */
  readonly code: string;

  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

const DAY_SECONDS = 86_400;

export class FeatureStoreClient {
  readonly featureTableName: string;
  readonly metadataTableName: string;
  readonly featureTtlDays: number;
  readonly lakeBucket?: string;
  readonly documents: DynamoDBDocumentClient;
  private readonly now: () => Date;

  constructor(options: FeatureStoreClientOptions) {
    const issues: ValidationIssue[] = [];
    for (const key of ["featureTableName", "metadataTableName"] as const) {
      if (typeof options[key] !== "string" || !/^[A-Za-z0-9_.-]{3,255}$/.test(options[key])) {
        issues.push({
          path: key,
          value: options[key],
          expected: "a DynamoDB table name (3 to 255 letters, digits, _ . and -)",
        });
      }
    }
    const ttl = options.featureTtlDays ?? 30;
    if (!Number.isInteger(ttl) || ttl < 0 || ttl > MAX_FEATURE_TTL_DAYS) {
      issues.push({
        path: "featureTtlDays",
        value: ttl,
        expected: `a whole number of days from 0 to ${MAX_FEATURE_TTL_DAYS} (0: no expiry)`,
      });
    }
    if (issues.length > 0) throw new ValidationError("feature store client", issues);
    this.featureTableName = options.featureTableName;
    this.metadataTableName = options.metadataTableName;
    this.featureTtlDays = ttl;
    if (options.lakeBucket !== undefined) this.lakeBucket = options.lakeBucket;
    const client =
      options.dynamodb instanceof DynamoDBClient
        ? options.dynamodb
        : new DynamoDBClient(options.dynamodb ?? {});
    this.documents = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    this.now = options.now ?? (() => new Date());
  }

  /** Writes (replaces) an entity's vector of one feature group version, with an expiry when TTL is on. */
  async putFeatures(input: FeatureVectorInput): Promise<FeatureVector> {
    const issues = [
      ...featureAddressIssues(input.entityId, input.featureGroup, input.version),
      ...vectorIssues(input.values),
    ];
    if (issues.length > 0) throw new ValidationError("feature vector", issues);
    const now = this.now();
    const vector: FeatureVector = {
      entityId: input.entityId,
      featureGroup: input.featureGroup,
      version: input.version,
      values: [...input.values],
      updatedAt: now.toISOString(),
      ...(this.featureTtlDays > 0
        ? { expiresAt: Math.floor(now.getTime() / 1000) + this.featureTtlDays * DAY_SECONDS }
        : {}),
    };
    const item = { ...vector, [FEATURE_TABLE.rangeKey.name]: featureKey(input.featureGroup, input.version) };
    await this.send(
      () => this.documents.send(new PutCommand({ TableName: this.featureTableName, Item: item })),
      `put features ${describeFeatures(input)} into table ${this.featureTableName}`,
    );
    return vector;
  }

  /**
   * An entity's vector of one feature group version, or undefined when there is none or it has expired (TTL
   * deletes expired items within a few days, not at once: until then they are read as absent).
   */
  async getFeatures(
    entityId: string,
    featureGroup: string,
    version: number,
    options: { consistentRead?: boolean } = {},
  ): Promise<FeatureVector | undefined> {
    const issues = featureAddressIssues(entityId, featureGroup, version);
    if (issues.length > 0) throw new ValidationError("feature vector", issues);
    const out = await this.send(
      () =>
        this.documents.send(
          new GetCommand({
            TableName: this.featureTableName,
            Key: {
              [FEATURE_TABLE.hashKey.name]: entityId,
              [FEATURE_TABLE.rangeKey.name]: featureKey(featureGroup, version),
            },
            ConsistentRead: options.consistentRead ?? false,
          }),
        ),
      `get features ${describeFeatures({ entityId, featureGroup, version })} from table ${this.featureTableName}`,
    );
    const item = out.Item;
    if (item === undefined) return undefined;
    const expiresAt = typeof item.expiresAt === "number" ? item.expiresAt : undefined;
    if (expiresAt !== undefined && expiresAt * 1000 <= this.now().getTime()) return undefined;
    return {
      entityId: String(item.entityId),
      featureGroup: String(item.featureGroup),
      version: Number(item.version),
      values: (item.values as unknown[]).map(Number),
      updatedAt: String(item.updatedAt),
      ...(expiresAt !== undefined ? { expiresAt } : {}),
    };
  }

  /** Records a new run; an existing run of the same experiment and id is never overwritten. */
  async recordRun(input: RunInput): Promise<TrainingRun> {
    const now = this.now().toISOString();
    const run: TrainingRun = {
      experimentId: input.experimentId,
      runId: input.runId,
      modelName: input.modelName,
      status: input.status ?? "Running",
      params: { ...(input.params ?? {}) },
      metrics: { ...(input.metrics ?? {}) },
      ...(input.modelArtifactUri !== undefined ? { modelArtifactUri: input.modelArtifactUri } : {}),
      startedAt: input.startedAt ?? now,
      ...(FINISHED.includes(input.status ?? "Running") ? { endedAt: now } : {}),
      updatedAt: now,
    };
    const issues = [
      ...runKeyIssues(run.experimentId, run.runId),
      ...idIssues("modelName", run.modelName),
      ...statusIssues(run.status),
      ...paramIssues(run.params),
      ...metricIssues("metrics", run.metrics),
      ...this.artifactIssues(run.modelArtifactUri),
      ...timestampIssues("startedAt", run.startedAt),
    ];
    if (issues.length > 0) throw new ValidationError("training run", issues);
    const where = `run ${JSON.stringify(run.runId)} of experiment ${JSON.stringify(run.experimentId)}`;
    await this.send(
      () =>
        this.documents.send(
          new PutCommand({
            TableName: this.metadataTableName,
            Item: run,
            ConditionExpression: "attribute_not_exists(#run)",
            ExpressionAttributeNames: { "#run": RUNS_TABLE.rangeKey.name },
          }),
        ),
      `record ${where} in table ${this.metadataTableName}`,
      `${where} already exists: runs are recorded once, then updated`,
    );
    return run;
  }

  /** Moves a recorded run to a new status, merging metrics and setting the artifact; returns the run. */
  async updateRun(experimentId: string, runId: string, update: RunUpdate): Promise<TrainingRun> {
    const metrics = update.metrics ?? {};
    const endedAt =
      update.endedAt ?? (FINISHED.includes(update.status) ? this.now().toISOString() : undefined);
    const issues = [
      ...runKeyIssues(experimentId, runId),
      ...statusIssues(update.status),
      ...metricIssues("metrics", metrics),
      ...this.artifactIssues(update.modelArtifactUri),
      ...(endedAt !== undefined ? timestampIssues("endedAt", endedAt) : []),
    ];
    if (issues.length > 0) throw new ValidationError("training run update", issues);
    // Every attribute goes through a name placeholder: `status` and `metrics` are DynamoDB reserved words.
    const names: Record<string, string> = {
      "#run": RUNS_TABLE.rangeKey.name,
      "#status": "status",
      "#updatedAt": "updatedAt",
    };
    const values: Record<string, unknown> = {
      ":status": update.status,
      ":updatedAt": this.now().toISOString(),
    };
    const sets = ["#status = :status", "#updatedAt = :updatedAt"];
    const set = (attribute: string, value: unknown): void => {
      names[`#${attribute}`] = attribute;
      values[`:${attribute}`] = value;
      sets.push(`#${attribute} = :${attribute}`);
    };
    if (Object.keys(metrics).length > 0) names["#metrics"] = "metrics";
    Object.entries(metrics).forEach(([name, value], i) => {
      names[`#m${i}`] = name;
      values[`:m${i}`] = value;
      sets.push(`#metrics.#m${i} = :m${i}`);
    });
    if (update.modelArtifactUri !== undefined) set("modelArtifactUri", update.modelArtifactUri);
    if (endedAt !== undefined) set("endedAt", endedAt);
    const where = `run ${JSON.stringify(runId)} of experiment ${JSON.stringify(experimentId)}`;
    const out = await this.send(
      () =>
        this.documents.send(
          new UpdateCommand({
            TableName: this.metadataTableName,
            Key: { [RUNS_TABLE.hashKey.name]: experimentId, [RUNS_TABLE.rangeKey.name]: runId },
            UpdateExpression: `SET ${sets.join(", ")}`,
            ConditionExpression: "attribute_exists(#run)",
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ReturnValues: "ALL_NEW",
          }),
        ),
      `update ${where} in table ${this.metadataTableName}`,
      `${where} does not exist: record it first`,
    );
    return toRun(out.Attributes ?? {});
  }

  /** One run, or undefined when it was never recorded. */
  async getRun(experimentId: string, runId: string): Promise<TrainingRun | undefined> {
    const issues = runKeyIssues(experimentId, runId);
    if (issues.length > 0) throw new ValidationError("training run", issues);
    const out = await this.send(
      () =>
        this.documents.send(
          new GetCommand({
            TableName: this.metadataTableName,
            Key: { [RUNS_TABLE.hashKey.name]: experimentId, [RUNS_TABLE.rangeKey.name]: runId },
          }),
        ),
      `get run ${JSON.stringify(runId)} of experiment ${JSON.stringify(experimentId)}`,
    );
    return out.Item === undefined ? undefined : toRun(out.Item);
  }

  /** Every run of an experiment, by run id. */
  async listRuns(experimentId: string): Promise<TrainingRun[]> {
    const issues = idIssues("experimentId", experimentId);
    if (issues.length > 0) throw new ValidationError("run listing", issues);
    return this.query(
      {
        KeyConditionExpression: "#experiment = :experiment",
        ExpressionAttributeNames: { "#experiment": RUNS_TABLE.hashKey.name },
        ExpressionAttributeValues: { ":experiment": experimentId },
      },
      Infinity,
      `list the runs of experiment ${JSON.stringify(experimentId)}`,
    );
  }

  /**
   * A model's runs across experiments, newest first (index {@link RUNS_BY_MODEL_INDEX}), optionally only those
   * in one status, at most `limit` of them.
   */
  async listRunsByModel(
    modelName: string,
    options: { status?: RunStatus; limit?: number } = {},
  ): Promise<TrainingRun[]> {
    const limit = options.limit ?? 100;
    const issues = [
      ...idIssues("modelName", modelName),
      ...(options.status !== undefined ? statusIssues(options.status) : []),
    ];
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      issues.push({ path: "limit", value: limit, expected: "a whole number of runs from 1 to 1000" });
    }
    if (issues.length > 0) throw new ValidationError("run listing", issues);
    const index = RUNS_TABLE.indexes.find((i) => i.name === RUNS_BY_MODEL_INDEX);
    const status = options.status;
    return this.query(
      {
        IndexName: RUNS_BY_MODEL_INDEX,
        KeyConditionExpression: "#model = :model",
        ScanIndexForward: false,
        ExpressionAttributeNames: {
          "#model": index?.hashKey.name ?? "modelName",
          ...(status !== undefined ? { "#status": "status" } : {}),
        },
        ExpressionAttributeValues: {
          ":model": modelName,
          ...(status !== undefined ? { ":status": status } : {}),
        },
        ...(status !== undefined ? { FilterExpression: "#status = :status" } : {}),
      },
      limit,
      `list the runs of model ${JSON.stringify(modelName)}`,
    );
  }

  /** Every page of a query on the runs table, up to `limit` runs. */
  private async query(
    request: Omit<ConstructorParameters<typeof QueryCommand>[0], "TableName" | "ExclusiveStartKey">,
    limit: number,
    what: string,
  ): Promise<TrainingRun[]> {
    const runs: TrainingRun[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.send(
        () =>
          this.documents.send(
            new QueryCommand({
              ...request,
              TableName: this.metadataTableName,
              ...(start !== undefined ? { ExclusiveStartKey: start } : {}),
            }),
          ),
        `${what} in table ${this.metadataTableName}`,
      );
      runs.push(...(out.Items ?? []).map(toRun));
      start = out.LastEvaluatedKey;
    } while (start !== undefined && runs.length < limit);
    return runs.slice(0, limit);
  }

  private artifactIssues(uri: string | undefined): ValidationIssue[] {
    if (uri === undefined) return [];
    const m =
      typeof uri === "string" ? /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(models\/.+)$/.exec(uri) : null;
    if (!m) {
      return [
        {
          path: "modelArtifactUri",
          value: uri,
          expected:
            "an s3:// URI in the lake's models/ zone, e.g. s3://<lake-bucket>/models/experiment-001/model.tar.gz",
        },
      ];
    }
    if (this.lakeBucket !== undefined && m[1] !== this.lakeBucket) {
      return [
        {
          path: "modelArtifactUri",
          value: uri,
          expected: `a URI in the lake's bucket ${JSON.stringify(this.lakeBucket)}`,
        },
      ];
    }
    return [];
  }

  /** Runs a request; a DynamoDB error becomes a FeatureStoreError that names what was being done. */
  private async send<T>(request: () => Promise<T>, what: string, conditionFailed?: string): Promise<T> {
    try {
      return await request();
    } catch (err) {
      if (conditionFailed !== undefined && err instanceof ConditionalCheckFailedException) {
        throw new FeatureStoreError(conditionFailed, err.name, { cause: err });
      }
      const code = err instanceof Error ? err.name : "Error";
      const message = err instanceof Error ? err.message : String(err);
      const hint = code === "ResourceNotFoundException" ? " (does the table exist in this region?)" : "";
      throw new FeatureStoreError(`could not ${what}: ${code}: ${message}${hint}`, code, { cause: err });
    }
  }
}

function describeFeatures(f: { entityId: string; featureGroup: string; version: number }): string {
  return `${JSON.stringify(featureKey(f.featureGroup, f.version))} of entity ${JSON.stringify(f.entityId)}`;
}

function featureAddressIssues(entityId: unknown, featureGroup: unknown, version: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (typeof entityId !== "string" || entityId.length === 0 || entityId.length > ENTITY_ID_MAX) {
    issues.push({
      path: "entityId",
      value: entityId,
      expected: `a string of 1 to ${ENTITY_ID_MAX} characters`,
    });
  }
  if (typeof featureGroup !== "string" || !FEATURE_GROUP.test(featureGroup)) {
    issues.push({
      path: "featureGroup",
      value: featureGroup,
      expected: "1 to 128 lowercase letters, digits and underscores, starting with a letter",
    });
  }
  if (typeof version !== "number" || !Number.isInteger(version) || version < 1 || version > 1_000_000) {
    issues.push({ path: "version", value: version, expected: "a whole number from 1 to 1000000" });
  }
  return issues;
}

/** A problem with a number DynamoDB must store, or undefined: finite, and inside DynamoDB's number range. */
function numberProblem(value: unknown): string | undefined {
  if (typeof value !== "number" || !Number.isFinite(value)) return "a finite number";
  const magnitude = Math.abs(value);
  if (magnitude > DYNAMODB_MAX_MAGNITUDE || (magnitude !== 0 && magnitude < DYNAMODB_MIN_MAGNITUDE)) {
    return "a number DynamoDB stores: 0, or a magnitude from 1e-130 to 9.99e125";
  }
  return undefined;
}

function vectorIssues(values: unknown): ValidationIssue[] {
  if (!Array.isArray(values) || values.length === 0 || values.length > MAX_FEATURE_VECTOR_LENGTH) {
    return [
      {
        path: "values",
        value: Array.isArray(values) ? `${values.length} values` : values,
        expected: `a list of 1 to ${MAX_FEATURE_VECTOR_LENGTH} numbers`,
      },
    ];
  }
  const issues: ValidationIssue[] = [];
  (values as unknown[]).forEach((value, i) => {
    const problem = numberProblem(value);
    if (problem) issues.push({ path: `values.${i}`, value, expected: problem });
  });
  return issues;
}

function idIssues(path: string, value: unknown): ValidationIssue[] {
  if (typeof value === "string" && RUN_ID.test(value)) return [];
  return [
    {
      path,
      value,
      expected: "1 to 128 letters, digits and . _ : -, starting with a letter or digit",
    },
  ];
}

function runKeyIssues(experimentId: unknown, runId: unknown): ValidationIssue[] {
  return [...idIssues("experimentId", experimentId), ...idIssues("runId", runId)];
}

function statusIssues(status: unknown): ValidationIssue[] {
  return RUN_STATUSES.includes(status as RunStatus)
    ? []
    : [{ path: "status", value: status, expected: `one of ${RUN_STATUSES.join(", ")}` }];
}

function paramIssues(params: Readonly<Record<string, unknown>>): ValidationIssue[] {
  const entries = Object.entries(params);
  if (entries.length > MAX_RUN_ENTRIES) {
    return [{ path: "params", value: `${entries.length} params`, expected: `at most ${MAX_RUN_ENTRIES}` }];
  }
  const issues: ValidationIssue[] = [];
  for (const [name, value] of entries) {
    if (!PARAM_NAME.test(name)) {
      issues.push({
        path: `params.${name}`,
        value: name,
        expected: "a name of 1 to 128 letters, digits and _ . : / -",
      });
    } else if (typeof value === "string") {
      if (value.length > 1024) {
        issues.push({ path: `params.${name}`, value, expected: "a string of at most 1024 characters" });
      }
    } else if (typeof value !== "boolean") {
      const problem = numberProblem(value);
      if (problem)
        issues.push({ path: `params.${name}`, value, expected: `a string, a boolean or ${problem}` });
    }
  }
  return issues;
}

function metricIssues(path: string, metrics: Readonly<Record<string, unknown>>): ValidationIssue[] {
  const entries = Object.entries(metrics);
  if (entries.length > MAX_RUN_ENTRIES) {
    return [{ path, value: `${entries.length} metrics`, expected: `at most ${MAX_RUN_ENTRIES}` }];
  }
  const issues: ValidationIssue[] = [];
  for (const [name, value] of entries) {
    if (!PARAM_NAME.test(name)) {
      issues.push({
        path: `${path}.${name}`,
        value: name,
        expected: "a name of 1 to 128 letters, digits and _ . : / -",
      });
      continue;
    }
    const problem = numberProblem(value);
    if (problem) issues.push({ path: `${path}.${name}`, value, expected: problem });
  }
  return issues;
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Timestamps are ISO 8601 UTC strings in one fixed form (`Date.toISOString()`, milliseconds included), so that
 * the index's `startedAt` sorts by time as text.
 */
function timestampIssues(path: string, value: unknown): ValidationIssue[] {
  if (typeof value === "string" && ISO_UTC.test(value) && !Number.isNaN(Date.parse(value))) return [];
  return [{ path, value, expected: "an ISO 8601 UTC time, e.g. 2026-01-31T12:00:00.000Z" }];
}

function toRun(item: Record<string, unknown>): TrainingRun {
  return {
    experimentId: String(item.experimentId),
    runId: String(item.runId),
    modelName: String(item.modelName),
    status: item.status as RunStatus,
    params: (item.params ?? {}) as Record<string, RunParam>,
    metrics: (item.metrics ?? {}) as Record<string, number>,
    ...(typeof item.modelArtifactUri === "string" ? { modelArtifactUri: item.modelArtifactUri } : {}),
    startedAt: String(item.startedAt),
    ...(typeof item.endedAt === "string" ? { endedAt: item.endedAt } : {}),
    updatedAt: String(item.updatedAt),
  };
}
