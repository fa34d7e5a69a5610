import {
  CreateTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  UpdateContinuousBackupsCommand,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { CreateKeyCommand } from "@aws-sdk/client-kms";
import { beforeAll, describe, expect, it } from "vitest";

import { FeatureStoreClient, FeatureStoreError } from "../../components/feature-store/client";
import {
  FEATURE_TABLE,
  keyAttributes,
  RUNS_BY_MODEL_INDEX,
  RUNS_TABLE,
  type TableShape,
} from "../../components/feature-store/tables";
import { isValidationError } from "../../components/validation";
import { clientConfig, emulator, kmsClient, resetBetweenSuites, unique } from "./support";

const DAY_SECONDS = 86_400;
const NOW = new Date("2026-03-01T09:00:00.000Z");

let dynamodb: DynamoDBClient;
let kmsKeyArn: string;
let featureTableName: string;
let metadataTableName: string;

/**
 * A table made with the SDK as the FeatureStore component declares it, from the same shape: keys and index,
 * on-demand billing, SSE with a customer-managed key, point-in-time recovery, and TTL where the shape has it.
 */
async function createTable(name: string, shape: TableShape): Promise<void> {
  await dynamodb.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: keyAttributes(shape).map((a) => ({
        AttributeName: a.name,
        AttributeType: a.type,
      })),
      KeySchema: [
        { AttributeName: shape.hashKey.name, KeyType: "HASH" },
        { AttributeName: shape.rangeKey.name, KeyType: "RANGE" },
      ],
      ...(shape.indexes.length > 0
        ? {
            GlobalSecondaryIndexes: shape.indexes.map((index) => ({
              IndexName: index.name,
              KeySchema: [
                { AttributeName: index.hashKey.name, KeyType: "HASH" },
                { AttributeName: index.rangeKey.name, KeyType: "RANGE" },
              ],
              Projection: { ProjectionType: index.projection },
            })),
          }
        : {}),
      SSESpecification: { Enabled: true, SSEType: "KMS", KMSMasterKeyId: kmsKeyArn },
      DeletionProtectionEnabled: false,
    }),
  );
  await dynamodb.send(
    new UpdateContinuousBackupsCommand({
      TableName: name,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    }),
  );
  if (shape.ttlAttribute !== undefined) {
    await dynamodb.send(
      new UpdateTimeToLiveCommand({
        TableName: name,
        TimeToLiveSpecification: { AttributeName: shape.ttlAttribute, Enabled: true },
      }),
    );
  }
}

function client(now: Date = NOW, options: { featureTtlDays?: number; lakeBucket?: string } = {}) {
  return new FeatureStoreClient({
    featureTableName,
    metadataTableName,
    dynamodb,
    now: () => now,
    ...options,
  });
}

beforeAll(async () => {
  await resetBetweenSuites();
  dynamodb = new DynamoDBClient(clientConfig());
  const key = await kmsClient().send(new CreateKeyCommand({ Description: "integration test feature store" }));
  kmsKeyArn = key.KeyMetadata?.Arn ?? "";
  const suffix = unique();
  featureTableName = `fs-${suffix}-features`;
  metadataTableName = `fs-${suffix}-runs`;
  await createTable(featureTableName, FEATURE_TABLE);
  await createTable(metadataTableName, RUNS_TABLE);
});

describe(`the feature store tables on ${emulator().kind}`, () => {
  it("are encrypted with the customer-managed key, back up continuously, and expire features on expiresAt", async () => {
    for (const name of [featureTableName, metadataTableName]) {
      const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: name }));
      expect(Table?.SSEDescription).toMatchObject({ Status: "ENABLED", SSEType: "KMS" });
      expect(Table?.SSEDescription?.KMSMasterKeyArn).toBe(kmsKeyArn);
      const backups = await dynamodb.send(new DescribeContinuousBackupsCommand({ TableName: name }));
      expect(
        backups.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus,
      ).toBe("ENABLED");
    }
    const ttl = await dynamodb.send(new DescribeTimeToLiveCommand({ TableName: featureTableName }));
    expect(ttl.TimeToLiveDescription).toEqual({ TimeToLiveStatus: "ENABLED", AttributeName: "expiresAt" });
  });
});

describe(`the feature store client on ${emulator().kind}: features`, () => {
  it("puts a vector and gets it back exactly, with an expiry 30 days out as a number attribute", async () => {
    const values = [0.125, -3.5, 0, 1e-9, 123456789.25, 2 ** 53 - 1];
    const stored = await client().putFeatures({
      entityId: "user-42",
      featureGroup: "user_profile",
      version: 3,
      values,
    });
    const expiresAt = Math.floor(NOW.getTime() / 1000) + 30 * DAY_SECONDS;
    expect(stored).toEqual({
      entityId: "user-42",
      featureGroup: "user_profile",
      version: 3,
      values,
      updatedAt: NOW.toISOString(),
      expiresAt,
    });
    expect(await client().getFeatures("user-42", "user_profile", 3, { consistentRead: true })).toEqual(
      stored,
    );

    const raw = await dynamodb.send(
      new GetItemCommand({
        TableName: featureTableName,
        Key: { entityId: { S: "user-42" }, featureKey: { S: "user_profile#v3" } },
      }),
    );
    // DynamoDB's TTL reads only a Number attribute of epoch seconds.
    expect(raw.Item?.expiresAt).toEqual({ N: String(expiresAt) });
  });

  it("keeps versions apart, and reads an absent or expired vector as undefined", async () => {
    await client().putFeatures({ entityId: "user-7", featureGroup: "user_profile", version: 1, values: [1] });
    await client().putFeatures({
      entityId: "user-7",
      featureGroup: "user_profile",
      version: 2,
      values: [2, 2],
    });
    expect((await client().getFeatures("user-7", "user_profile", 1))?.values).toEqual([1]);
    expect((await client().getFeatures("user-7", "user_profile", 2))?.values).toEqual([2, 2]);
    expect(await client().getFeatures("user-7", "user_profile", 9)).toBeUndefined();
    const later = new Date(NOW.getTime() + 31 * DAY_SECONDS * 1000);
    expect(await client(later).getFeatures("user-7", "user_profile", 1)).toBeUndefined();
  });

  it("writes no expiry when TTL is off", async () => {
    const noTtl = client(NOW, { featureTtlDays: 0 });
    const stored = await noTtl.putFeatures({
      entityId: "item-1",
      featureGroup: "item_stats",
      version: 1,
      values: [4, 5],
    });
    expect(stored.expiresAt).toBeUndefined();
    const later = new Date(NOW.getTime() + 3650 * DAY_SECONDS * 1000);
    expect((await client(later).getFeatures("item-1", "item_stats", 1))?.values).toEqual([4, 5]);
  });

  it("refuses non-finite, out-of-range and oversized vectors before any request", async () => {
    let error: unknown;
    try {
      await client().putFeatures({
        entityId: "",
        featureGroup: "User#Profile",
        version: 0,
        values: [1, Number.NaN, Infinity, 1e200],
      });
    } catch (err) {
      error = err;
    }
    expect(isValidationError(error) && error.message).toBe(
      "feature vector: 6 problems\n" +
        '  - entityId: got "", expected a string of 1 to 1024 characters\n' +
        '  - featureGroup: got "User#Profile", expected 1 to 128 lowercase letters, digits and underscores, starting with a letter\n' +
        "  - version: got 0, expected a whole number from 1 to 1000000\n" +
        "  - values.1: got NaN, expected a finite number\n" +
        "  - values.2: got Infinity, expected a finite number\n" +
        "  - values.3: got 1e+200, expected a number DynamoDB stores: 0, or a magnitude from 1e-130 to 9.99e125",
    );
    await expect(
      client().putFeatures({
        entityId: "u",
        featureGroup: "g",
        version: 1,
        values: new Array<number>(4097).fill(0),
      }),
    ).rejects.toThrow('values: got "4097 values", expected a list of 1 to 4096 numbers');
  });

  it("names the table when it does not exist", async () => {
    const missing = new FeatureStoreClient({
      featureTableName: "no-such-features",
      metadataTableName,
      dynamodb,
    });
    const error = await missing.getFeatures("u", "g", 1).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(FeatureStoreError);
    expect((error as FeatureStoreError).code).toBe("ResourceNotFoundException");
    expect((error as Error).message).toMatch(
      /^could not get features "g#v1" of entity "u" from table no-such-features: ResourceNotFoundException: .*\(does the table exist in this region\?\)$/,
    );
  });
});

describe(`the feature store client on ${emulator().kind}: training runs`, () => {
  const lake = "mlplat-dev-lake-data";
  const artifact = `s3://${lake}/models/experiment-churn/run-2/model.tar.gz`;

  it("records a run, refuses to record it twice, completes it with metrics and its model, and reads it back", async () => {
    const runs = client(NOW, { lakeBucket: lake });
    const recorded = await runs.recordRun({
      experimentId: "churn",
      runId: "run-1",
      modelName: "churn-xgb",
      params: { max_depth: 6, eta: 0.3, objective: "binary:logistic", early_stopping: true },
      startedAt: "2026-03-01T08:00:00.000Z",
    });
    expect(recorded).toEqual({
      experimentId: "churn",
      runId: "run-1",
      modelName: "churn-xgb",
      status: "Running",
      params: { max_depth: 6, eta: 0.3, objective: "binary:logistic", early_stopping: true },
      metrics: {},
      startedAt: "2026-03-01T08:00:00.000Z",
      updatedAt: NOW.toISOString(),
    });
    await expect(
      runs.recordRun({ experimentId: "churn", runId: "run-1", modelName: "churn-xgb" }),
    ).rejects.toThrow(
      'run "run-1" of experiment "churn" already exists: runs are recorded once, then updated',
    );

    const finished = new Date("2026-03-01T09:30:00.000Z");
    const done = await client(finished, { lakeBucket: lake }).updateRun("churn", "run-1", {
      status: "Completed",
      metrics: { auc: 0.91, "validation:logloss": 0.27 },
      modelArtifactUri: `s3://${lake}/models/experiment-churn/run-1/model.tar.gz`,
    });
    expect(done).toEqual({
      ...recorded,
      status: "Completed",
      metrics: { auc: 0.91, "validation:logloss": 0.27 },
      modelArtifactUri: `s3://${lake}/models/experiment-churn/run-1/model.tar.gz`,
      endedAt: finished.toISOString(),
      updatedAt: finished.toISOString(),
    });
    expect(await runs.getRun("churn", "run-1")).toEqual(done);
    expect(await runs.getRun("churn", "run-404")).toBeUndefined();
  });

  it("lists an experiment's runs, and a model's runs newest first across experiments, by status", async () => {
    const runs = client(NOW, { lakeBucket: lake });
    await runs.recordRun({
      experimentId: "churn",
      runId: "run-2",
      modelName: "churn-xgb",
      status: "Completed",
      metrics: { auc: 0.93 },
      modelArtifactUri: artifact,
      startedAt: "2026-03-01T08:30:00.000Z",
    });
    await runs.recordRun({
      experimentId: "churn-tuning",
      runId: "trial-1",
      modelName: "churn-xgb",
      status: "Failed",
      startedAt: "2026-03-01T08:45:00.000Z",
    });
    await runs.recordRun({
      experimentId: "ranking",
      runId: "run-1",
      modelName: "ranker",
      startedAt: "2026-03-01T07:00:00.000Z",
    });

    expect((await runs.listRuns("churn")).map((r) => r.runId)).toEqual(["run-1", "run-2"]);
    const byModel = await runs.listRunsByModel("churn-xgb");
    expect(byModel.map((r) => `${r.experimentId}/${r.runId}`)).toEqual([
      "churn-tuning/trial-1",
      "churn/run-2",
      "churn/run-1",
    ]);
    const completed = await runs.listRunsByModel("churn-xgb", { status: "Completed" });
    expect(completed.map((r) => [r.runId, r.metrics.auc, r.endedAt])).toEqual([
      ["run-2", 0.93, NOW.toISOString()],
      ["run-1", 0.91, "2026-03-01T09:30:00.000Z"],
    ]);
    expect((await runs.listRunsByModel("churn-xgb", { limit: 1 })).map((r) => r.runId)).toEqual(["trial-1"]);
    expect(RUNS_TABLE.indexes.map((i) => i.name)).toEqual([RUNS_BY_MODEL_INDEX]);
  });

  it("refuses artifacts outside the lake's models/ zone, bad metrics and unknown runs", async () => {
    const runs = client(NOW, { lakeBucket: lake });
    let error: unknown;
    try {
      await runs.recordRun({
        experimentId: "churn",
        runId: "run 3",
        modelName: "churn-xgb",
        status: "Done" as "Completed",
        metrics: { auc: Number.NaN },
        modelArtifactUri: "s3://other-bucket/models/m.tar.gz",
        startedAt: "2026-03-01 08:00",
      });
    } catch (err) {
      error = err;
    }
    expect(isValidationError(error) && error.message).toBe(
      "training run: 5 problems\n" +
        '  - runId: got "run 3", expected 1 to 128 letters, digits and . _ : -, starting with a letter or digit\n' +
        '  - status: got "Done", expected one of Pending, Running, Completed, Failed, Stopped\n' +
        "  - metrics.auc: got NaN, expected a finite number\n" +
        '  - modelArtifactUri: got "s3://other-bucket/models/m.tar.gz", expected a URI in the lake\'s bucket "mlplat-dev-lake-data"\n' +
        '  - startedAt: got "2026-03-01 08:00", expected an ISO 8601 UTC time, e.g. 2026-01-31T12:00:00.000Z',
    );
    await expect(
      runs.recordRun({
        experimentId: "churn",
        runId: "run-4",
        modelName: "churn-xgb",
        modelArtifactUri: `s3://${lake}/raw/model.tar.gz`,
      }),
    ).rejects.toThrow("modelArtifactUri: got");
    await expect(runs.updateRun("churn", "run-404", { status: "Completed" })).rejects.toThrow(
      'run "run-404" of experiment "churn" does not exist: record it first',
    );
  });
});
