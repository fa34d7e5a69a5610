import * as aws from "@pulumi/aws";
import { beforeAll, describe, expect, it } from "vitest";

import { estimateCost, parseUsageProfile, RULES } from "../../components/catalog/cost";
import { freeTypes } from "../../components/catalog/pricing";
import {
  FEATURE_TABLE,
  featureStoreEnvironmentIssues,
  FeatureStore,
  keyAttributes,
  resolveFeatureStoreSettings,
  RUNS_TABLE,
  validateFeatureStoreSettings,
  type FeatureStoreArgs,
} from "../../components/feature-store";
import {
  DYNAMODB_FEATURES_READ,
  DYNAMODB_FEATURES_WRITE,
  DYNAMODB_RUNS_RECORD,
  KMS_DYNAMODB_READ,
  KMS_DYNAMODB_WRITE,
} from "../../components/iam/actions";
import { formatIssue, isValidationError } from "../../components/validation";
import type { DeclaredResource, ProgramRun } from "../../scripts/cli/offline/runner";
import { policyOf, resource, resourcesOfType, runInline } from "../harness";
import { componentMandatoryViolations } from "../policies/helpers";

const TABLE = "aws:dynamodb/table:Table";
const KEY = "aws:kms/key:Key";
const ALIAS = "aws:kms/alias:Alias";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";

const KEY_ARN = "arn:aws:kms:ap-northeast-2:123456789012:key/fs-key-key-id";
const FEATURES_ARN = "arn:aws:dynamodb:ap-northeast-2:123456789012:table/fs-features";
const RUNS_ARN = "arn:aws:dynamodb:ap-northeast-2:123456789012:table/fs-runs";
const TAGS = { Project: "mlplat", Environment: "test", CostCenter: "ml", Owner: "data@example.com" };
const VIA_DYNAMODB = { StringEquals: { "kms:ViaService": "dynamodb.ap-northeast-2.amazonaws.com" } };

/** A feature store with an inference role that reads features and a training role that writes them and runs. */
function declare(settings: Partial<FeatureStoreArgs> = {}): () => Record<string, unknown> {
  return () => {
    const store = new FeatureStore("fs", { tags: TAGS, ...settings });
    const assume = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { Service: "sagemaker.amazonaws.com" }, Action: "sts:AssumeRole" },
      ],
    });
    const inference = new aws.iam.Role("inference", { assumeRolePolicy: assume, tags: TAGS });
    const training = new aws.iam.Role("training", { assumeRolePolicy: assume, tags: TAGS });
    store.grantReadFeatures("inference", inference);
    store.grantWriteFeatures("training", training);
    store.grantRecordRuns("training", training);
    return {
      featureTableName: store.featureTableName,
      featureTableArn: store.featureTableArn,
      metadataTableName: store.metadataTableName,
      metadataTableArn: store.metadataTableArn,
      kmsKeyArn: store.kmsKeyArn,
      featureTtlDays: store.featureTtlDays,
    };
  };
}

function keepOf(r: DeclaredResource): { protect?: boolean; retainOnDelete?: boolean } {
  return {
    ...(r.protect ? { protect: true } : {}),
    ...(r.retainOnDelete ? { retainOnDelete: true } : {}),
  };
}

describe("feature store settings", () => {
  it("defaults to on-demand billing, 30-day feature TTL, 35 days of point-in-time recovery and protected data", () => {
    expect(resolveFeatureStoreSettings()).toEqual({
      billingMode: "PAY_PER_REQUEST",
      readCapacityUnits: undefined,
      writeCapacityUnits: undefined,
      featureTtlDays: 30,
      pointInTimeRecovery: true,
      recoveryPeriodDays: 35,
      deletionPolicy: "protect",
    });
    expect(validateFeatureStoreSettings(resolveFeatureStoreSettings())).toEqual([]);
  });

  it("gives provisioned tables 5 read and 5 write capacity units unless told otherwise", () => {
    const s = resolveFeatureStoreSettings({ billingMode: "PROVISIONED", writeCapacityUnits: 20 });
    expect(s).toMatchObject({ readCapacityUnits: 5, writeCapacityUnits: 20 });
    expect(validateFeatureStoreSettings(s)).toEqual([]);
  });

  it("names every problem with its path, the value and what is expected", () => {
    const s = resolveFeatureStoreSettings({
      billingMode: "ON_DEMAND" as "PROVISIONED",
      readCapacityUnits: 10,
      featureTtlDays: -1,
      pointInTimeRecovery: "yes" as unknown as boolean,
      recoveryPeriodDays: 36,
      deletionPolicy: "keep" as "retain",
    });
    expect(validateFeatureStoreSettings(s).map(formatIssue)).toEqual([
      'billingMode: got "ON_DEMAND", expected one of PAY_PER_REQUEST, PROVISIONED',
      'readCapacityUnits: got 10, expected nothing with billingMode "ON_DEMAND": capacity is set only with PROVISIONED',
      "featureTtlDays: got -1, expected a whole number of days from 0 to 3650 (0 turns TTL off)",
      'pointInTimeRecovery: got "yes", expected true or false',
      "recoveryPeriodDays: got 36, expected a whole number of days from 1 to 35",
      'deletionPolicy: got "keep", expected one of protect, retain, destroy',
    ]);
  });

  it("bounds provisioned capacity by DynamoDB's default table quota and refuses capacity with on-demand billing", () => {
    const provisioned = resolveFeatureStoreSettings({
      billingMode: "PROVISIONED",
      readCapacityUnits: 0,
      writeCapacityUnits: 40_001,
    });
    expect(validateFeatureStoreSettings(provisioned).map(formatIssue)).toEqual([
      "readCapacityUnits: got 0, expected a whole number of capacity units from 1 to 40000 (DynamoDB's default quota per table)",
      "writeCapacityUnits: got 40001, expected a whole number of capacity units from 1 to 40000 (DynamoDB's default quota per table)",
    ]);
    const onDemand = resolveFeatureStoreSettings({ writeCapacityUnits: 5 });
    expect(validateFeatureStoreSettings(onDemand).map((i) => i.path)).toEqual(["writeCapacityUnits"]);
  });

  it("requires protect and point-in-time recovery in production and nowhere else", () => {
    const relaxed = resolveFeatureStoreSettings({ deletionPolicy: "retain", pointInTimeRecovery: false });
    expect(featureStoreEnvironmentIssues("prod", relaxed).map(formatIssue)).toEqual([
      'deletionPolicy: got "retain", expected "protect" in a prod environment: production data is never deleted with the stack',
      "pointInTimeRecovery: got false, expected true in a prod environment: production tables can be restored to any second",
    ]);
    expect(featureStoreEnvironmentIssues("dev", relaxed)).toEqual([]);
    expect(featureStoreEnvironmentIssues("prod", resolveFeatureStoreSettings())).toEqual([]);
  });
});

describe("table shapes", () => {
  it("keys features by entity and group version, runs by experiment and run, with a by-model index on start time", () => {
    expect(keyAttributes(FEATURE_TABLE)).toEqual([
      { name: "entityId", type: "S" },
      { name: "featureKey", type: "S" },
    ]);
    expect(keyAttributes(RUNS_TABLE)).toEqual([
      { name: "experimentId", type: "S" },
      { name: "runId", type: "S" },
      { name: "modelName", type: "S" },
      { name: "startedAt", type: "S" },
    ]);
  });
});

describe("FeatureStore, defaults", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runInline("dev", declare());
  });

  it("declares the features table on-demand, keyed by entity and feature key, with TTL on expiresAt", () => {
    expect(resource(run, TABLE, "fs-features").inputs).toEqual({
      name: "fs-features",
      billingMode: "PAY_PER_REQUEST",
      hashKey: "entityId",
      rangeKey: "featureKey",
      attributes: [
        { name: "entityId", type: "S" },
        { name: "featureKey", type: "S" },
      ],
      globalSecondaryIndexes: [],
      ttl: { attributeName: "expiresAt", enabled: true },
      pointInTimeRecovery: { enabled: true, recoveryPeriodInDays: 35 },
      serverSideEncryption: { enabled: true, kmsKeyArn: KEY_ARN },
      deletionProtectionEnabled: true,
      tags: TAGS,
    });
  });

  it("declares the runs table with the byModel index (model name, start time, all attributes) and no TTL", () => {
    const runs = resource(run, TABLE, "fs-runs").inputs;
    expect(runs).toMatchObject({
      name: "fs-runs",
      billingMode: "PAY_PER_REQUEST",
      hashKey: "experimentId",
      rangeKey: "runId",
      globalSecondaryIndexes: [
        {
          name: "byModel",
          keySchemas: [
            { attributeName: "modelName", keyType: "HASH" },
            { attributeName: "startedAt", keyType: "RANGE" },
          ],
          projectionType: "ALL",
        },
      ],
      pointInTimeRecovery: { enabled: true, recoveryPeriodInDays: 35 },
      serverSideEncryption: { enabled: true, kmsKeyArn: KEY_ARN },
      deletionProtectionEnabled: true,
    });
    expect(runs.ttl).toBeUndefined();
    expect(runs.readCapacity).toBeUndefined();
  });

  it("encrypts both tables with its own rotating key, under an alias", () => {
    const key = resource(run, KEY, "fs-key");
    expect(key.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30, tags: TAGS });
    expect(resource(run, ALIAS, "fs-key-alias").inputs.name).toBe("alias/feature-store/fs");
    for (const table of resourcesOfType(run, TABLE)) {
      expect(table.propertyDependencies.serverSideEncryption).toEqual([key.urn]);
    }
  });

  it("protects and retains the tables and their key (protect), with DynamoDB's deletion protection on", () => {
    for (const r of [...resourcesOfType(run, TABLE), resource(run, KEY, "fs-key")]) {
      expect(keepOf(r)).toEqual({ protect: true, retainOnDelete: true });
    }
    expect(keepOf(resource(run, ALIAS, "fs-key-alias"))).toEqual({});
  });

  it("lets readers get and query features only, decrypting through DynamoDB only", () => {
    const read = resource(run, ROLE_POLICY, "fs-inference-features-read");
    expect(read.inputs.role).toBe("inference");
    expect(policyOf(read).Statement).toEqual([
      { Sid: "ReadFeatures", Effect: "Allow", Action: [...DYNAMODB_FEATURES_READ], Resource: FEATURES_ARN },
      {
        Sid: "UseStoreKeyThroughDynamoDb",
        Effect: "Allow",
        Action: [...KMS_DYNAMODB_READ],
        Resource: KEY_ARN,
        Condition: VIA_DYNAMODB,
      },
    ]);
  });

  it("lets writers put features, and run recorders put, update, get and query runs and the runs' indexes", () => {
    const write = resource(run, ROLE_POLICY, "fs-training-features-write");
    expect(policyOf(write).Statement).toEqual([
      { Sid: "WriteFeatures", Effect: "Allow", Action: ["dynamodb:PutItem"], Resource: FEATURES_ARN },
      {
        Sid: "UseStoreKeyThroughDynamoDb",
        Effect: "Allow",
        Action: [...KMS_DYNAMODB_WRITE],
        Resource: KEY_ARN,
        Condition: VIA_DYNAMODB,
      },
    ]);
    const record = resource(run, ROLE_POLICY, "fs-training-runs-record");
    expect(policyOf(record).Statement[0]).toEqual({
      Sid: "RecordRuns",
      Effect: "Allow",
      Action: [...DYNAMODB_RUNS_RECORD],
      Resource: [RUNS_ARN, `${RUNS_ARN}/index/*`],
    });
  });

  it("grants no wildcard action, no delete, no scan and nothing on other tables", () => {
    const grants = resourcesOfType(run, ROLE_POLICY).filter((p) => p.name.startsWith("fs-"));
    const statements = grants.flatMap((g) => policyOf(g).Statement);
    const actions = statements.flatMap((s) => s.Action as string[]);
    expect(actions.filter((a) => a.includes("*"))).toEqual([]);
    expect(actions.filter((a) => /Delete|Scan|BatchWrite|CreateGrant/.test(a))).toEqual([]);
    expect(DYNAMODB_FEATURES_WRITE).toEqual(["dynamodb:PutItem"]);
    const resources = statements.flatMap((s) => [s.Resource].flat() as string[]);
    expect(new Set(resources)).toEqual(new Set([FEATURES_ARN, RUNS_ARN, `${RUNS_ARN}/index/*`, KEY_ARN]));
  });

  it("passes the pack and the DynamoDB policies with no mandatory violation", async () => {
    expect(await componentMandatoryViolations(run)).toEqual([]);
  });

  it("outputs both tables' names and ARNs, the key, and the TTL the client needs", () => {
    expect(run.outputs).toEqual({
      featureTtlDays: 30,
      featureTableName: "fs-features",
      featureTableArn: FEATURES_ARN,
      metadataTableName: "fs-runs",
      metadataTableArn: RUNS_ARN,
      kmsKeyArn: KEY_ARN,
    });
  });

  it("declares only priced or free types, and costs nothing idle but the key", () => {
    const free = freeTypes();
    const types = [...new Set(run.resources.filter((r) => r.custom).map((r) => r.type))];
    expect(types.filter((t) => RULES[t] === undefined && free.reason(t) === undefined)).toEqual([]);
    const estimate = estimateCost(run.resources, { region: "ap-northeast-2" });
    expect(estimate.unpriced).toEqual([]);
    expect(estimate.totals.fixedUsd).toBe("1");
  });

  it("prices on-demand requests, storage and point-in-time recovery from the usage profile", () => {
    const usage = parseUsageProfile(
      [
        "dynamodb:",
        '  - { resource: "*-features", storageGb: 10, readRequestUnits: 100000000, writeRequestUnits: 20000000 }',
      ].join("\n"),
      "profile.yaml",
    );
    const estimate = estimateCost(run.resources, { region: "us-east-1", usage });
    const features = estimate.resources.find((r) => r.name === "fs-features");
    // 100M reads x $0.125/M + 20M writes x $0.625/M + 10 GB x ($0.25 + $0.20 PITR)
    expect(features?.lines.map((l) => [l.price.key, l.monthlyUsd])).toEqual([
      ["dynamodb.onDemandReads", "12.5"],
      ["dynamodb.onDemandWrites", "12.5"],
      ["dynamodb.storage", "2.5"],
      ["dynamodb.pitr", "2"],
    ]);
    expect(features?.usageUsd).toBe("29.5");
  });
});

describe("FeatureStore options", () => {
  it("provisioned: capacity on both tables and the index, priced by the hour", async () => {
    const run = await runInline(
      "dev",
      declare({ billingMode: "PROVISIONED", readCapacityUnits: 10, writeCapacityUnits: 4 }),
    );
    const runs = resource(run, TABLE, "fs-runs").inputs;
    expect(runs).toMatchObject({ billingMode: "PROVISIONED", readCapacity: 10, writeCapacity: 4 });
    expect(runs.globalSecondaryIndexes).toEqual([
      expect.objectContaining({ name: "byModel", readCapacity: 10, writeCapacity: 4 }),
    ]);
    const estimate = estimateCost(run.resources, { region: "us-east-1" });
    const lines = estimate.resources.find((r) => r.name === "fs-runs")?.lines;
    // Table and index: 20 RCU x 730 h x $0.00013 and 8 WCU x 730 h x $0.00065.
    expect(lines?.map((l) => [l.description, l.monthlyUsd])).toEqual([
      ["20 provisioned read capacity units", "1.898"],
      ["8 provisioned write capacity units", "3.796"],
    ]);
  });

  it("retain: tables and key retained on delete, neither protected nor deletion-protected", async () => {
    const run = await runInline("dev", declare({ deletionPolicy: "retain" }));
    for (const table of resourcesOfType(run, TABLE)) {
      expect(keepOf(table)).toEqual({ retainOnDelete: true });
      expect(table.inputs.deletionProtectionEnabled).toBe(false);
    }
    expect(keepOf(resource(run, KEY, "fs-key"))).toEqual({ retainOnDelete: true });
  });

  it("destroy, TTL 0 and no point-in-time recovery: nothing kept, TTL declared off, and the PITR policy fires", async () => {
    const run = await runInline(
      "dev",
      declare({ deletionPolicy: "destroy", featureTtlDays: 0, pointInTimeRecovery: false }),
    );
    const features = resource(run, TABLE, "fs-features");
    expect(features.inputs).toMatchObject({
      ttl: { enabled: false },
      pointInTimeRecovery: { enabled: false },
      deletionProtectionEnabled: false,
    });
    for (const r of [...resourcesOfType(run, TABLE), resource(run, KEY, "fs-key")]) {
      expect(keepOf(r)).toEqual({});
    }
    expect(await componentMandatoryViolations(run)).toEqual([
      'dynamodb-pitr: DynamoDB table "fs-features" has no point-in-time recovery: set pointInTimeRecovery.enabled to true, so that it can be restored to any second of its recovery period',
      'dynamodb-pitr: DynamoDB table "fs-runs" has no point-in-time recovery: set pointInTimeRecovery.enabled to true, so that it can be restored to any second of its recovery period',
    ]);
  });

  it("uses a given key for both tables and the grants, and creates none", async () => {
    const given = "arn:aws:kms:ap-northeast-2:123456789012:key/shared";
    const run = await runInline("dev", declare({ kmsKeyArn: given }));
    expect(resourcesOfType(run, KEY)).toEqual([]);
    for (const table of resourcesOfType(run, TABLE)) {
      expect(table.inputs.serverSideEncryption).toEqual({ enabled: true, kmsKeyArn: given });
    }
    const read = resource(run, ROLE_POLICY, "fs-inference-features-read");
    expect(policyOf(read).Statement[1]?.Resource).toBe(given);
  });

  it("refuses invalid settings before declaring anything", async () => {
    let error: unknown;
    const run = await runInline("dev", () => {
      try {
        new FeatureStore("fs", { billingMode: "PROVISIONED", readCapacityUnits: 0, featureTtlDays: 1.5 });
      } catch (err) {
        error = err;
      }
      return {};
    });
    expect(isValidationError(error) && error.message).toBe(
      "FeatureStore fs: 2 problems\n" +
        "  - readCapacityUnits: got 0, expected a whole number of capacity units from 1 to 40000 (DynamoDB's default quota per table)\n" +
        "  - featureTtlDays: got 1.5, expected a whole number of days from 0 to 3650 (0 turns TTL off)",
    );
    expect(run.resources).toEqual([]);
  });

  it("refuses a grant id that would not make a resource name", async () => {
    let error: unknown;
    await runInline("dev", () => {
      const store = new FeatureStore("fs", { deletionPolicy: "destroy" });
      const role = new aws.iam.Role("r", { assumeRolePolicy: "{}" });
      try {
        store.grantReadFeatures("Inference Role", role);
      } catch (err) {
        error = err;
      }
      return {};
    });
    expect((error as Error).message).toBe(
      'grant id: got "Inference Role-features-read", expected lowercase letters, digits and hyphens',
    );
  });
});
