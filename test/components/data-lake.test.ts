import * as aws from "@pulumi/aws";
import { describe, expect, it } from "vitest";

import {
  DataLake,
  DEFAULT_LAKE_LIFECYCLE,
  experimentZone,
  lakeKey,
  lakeUri,
  resolveDataLakeArgs,
  validateDataLakeArgs,
  zonePrefix,
  type LakeZone,
} from "../../components/data-lake";
import {
  KMS_DECRYPT,
  KMS_ENCRYPT,
  S3_BUCKET_LIST,
  S3_OBJECT_READ,
  S3_OBJECT_WRITE,
} from "../../components/iam/actions";
import { isValidationError } from "../../components/validation";
import { policyOf, resource, runInline } from "../harness";

describe("data lake arguments", () => {
  it("defaults to the seed's lifecycle, TLS only, protected data, a 30-day key deletion window, no events", () => {
    expect(resolveDataLakeArgs()).toEqual({
      lifecycle: {
        rawToInfrequentAccessDays: 30,
        rawToGlacierDays: 90,
        checkpointExpirationDays: 14,
        abortIncompleteMultipartUploadDays: 7,
        noncurrentVersionExpirationDays: 30,
        accessLogRetentionDays: 365,
      },
      tlsOnly: true,
      deletionPolicy: "protect",
      kmsKeyDeletionWindowDays: 30,
      tags: {},
      serviceWriters: [],
      eventBridge: false,
    });
    expect(validateDataLakeArgs(resolveDataLakeArgs())).toEqual([]);
  });

  it("keeps a given value over the default, and ignores an explicit undefined", () => {
    const args = resolveDataLakeArgs({
      lifecycle: { rawToGlacierDays: 180, checkpointExpirationDays: undefined },
    });
    expect(args.lifecycle).toEqual({ ...DEFAULT_LAKE_LIFECYCLE, rawToGlacierDays: 180 });
  });

  it("accepts GLACIER exactly 30 days after STANDARD_IA and refuses one day less", () => {
    const at = (ia: number, glacier: number) =>
      validateDataLakeArgs(
        resolveDataLakeArgs({ lifecycle: { rawToInfrequentAccessDays: ia, rawToGlacierDays: glacier } }),
      );
    expect(at(30, 60)).toEqual([]);
    expect(at(30, 59)).toEqual([
      {
        path: "lifecycle.rawToGlacierDays",
        value: 59,
        expected:
          "at least 60: 30 days after lifecycle.rawToInfrequentAccessDays (30), as S3 keeps objects 30 days in STANDARD_IA before moving them on",
      },
    ]);
  });
});

describe("service writers", () => {
  it("names a bad service principal, zone and prefix", () => {
    const issues = validateDataLakeArgs(
      resolveDataLakeArgs({
        serviceWriters: [{ id: "Logs", service: "bedrock", zone: "logs" as LakeZone, prefix: "../x/" }],
      }),
    );
    expect(issues.map((i) => i.path)).toEqual([
      "serviceWriters.0.id",
      "serviceWriters.0.service",
      "serviceWriters.0.zone",
      "serviceWriters.0.prefix",
    ]);
  });
});

describe("data lake layout", () => {
  it("builds keys and URIs inside zones", () => {
    expect(zonePrefix("processed/train")).toBe("processed/train/");
    expect(lakeKey("raw", "2024/01/01", "events.json")).toBe("raw/2024/01/01/events.json");
    expect(lakeKey("raw", "/2024//01/", "a.csv")).toBe("raw/2024/01/a.csv");
    expect(lakeUri("b", "artifacts/checkpoints", "job-1")).toBe("s3://b/artifacts/checkpoints/job-1");
    expect(lakeUri("b", experimentZone("001"))).toBe("s3://b/models/experiment-001/");
  });

  it("refuses zones outside the layout and keys that climb out of their zone", () => {
    expect(() => zonePrefix("processed/tran" as LakeZone)).toThrow(
      'zone: got "processed/tran", expected one of raw, processed, processed/train',
    );
    expect(() => lakeKey("models", "../raw/x")).toThrow(
      'key part: got "../raw/x", expected no "." or ".." segments',
    );
    expect(() => experimentZone("a/b")).toThrow('experiment id: got "a/b"');
  });
});

describe("DataLake component", () => {
  it("refuses invalid arguments before declaring anything", async () => {
    let error: unknown;
    const run = await runInline("dev", () => {
      try {
        new DataLake("bad", { lifecycle: { rawToInfrequentAccessDays: 10 }, kmsKeyDeletionWindowDays: 31 });
      } catch (err) {
        error = err;
      }
      return {};
    });
    expect(isValidationError(error) && error.message).toBe(
      "DataLake bad: 2 problems\n" +
        "  - lifecycle.rawToInfrequentAccessDays: got 10, expected a whole number of days from 30 to 36500\n" +
        "  - kmsKeyDeletionWindowDays: got 31, expected a whole number of days from 7 to 30",
    );
    expect(run.resources).toEqual([]);
  });

  it("grants read on one zone: list narrowed to the prefix, objects under it, decrypt with the lake key", async () => {
    const run = await runInline("dev", () => {
      const role = new aws.iam.Role("trainer", { assumeRolePolicy: "{}" });
      new DataLake("lake", { deletionPolicy: "destroy" }).grantRead("trainer", role, "processed/train");
      return {};
    });
    const grant = resource(run, "aws:iam/rolePolicy:RolePolicy", "lake-trainer-read");
    expect(grant.inputs.role).toBe("trainer");
    expect(policyOf(grant).Statement).toEqual([
      {
        Sid: "ListZone",
        Effect: "Allow",
        Action: [...S3_BUCKET_LIST],
        Resource: "arn:aws:s3:::lake-data",
        Condition: { StringLike: { "s3:prefix": ["processed/train/*"] } },
      },
      {
        Sid: "ReadZone",
        Effect: "Allow",
        Action: [...S3_OBJECT_READ],
        Resource: "arn:aws:s3:::lake-data/processed/train/*",
      },
      {
        Sid: "DecryptWithLakeKey",
        Effect: "Allow",
        Action: [...KMS_DECRYPT],
        Resource: "arn:aws:kms:ap-northeast-2:123456789012:key/lake-key-key-id",
      },
    ]);
  });

  it("grants write on one zone with the key's encrypt actions, and never delete", async () => {
    const run = await runInline("dev", () => {
      const role = new aws.iam.Role("publisher", { assumeRolePolicy: "{}" });
      new DataLake("lake", { deletionPolicy: "destroy" }).grantWrite("publisher", role, "models/production");
      return {};
    });
    const statements = policyOf(
      resource(run, "aws:iam/rolePolicy:RolePolicy", "lake-publisher-write"),
    ).Statement;
    expect(statements).toEqual([
      {
        Sid: "WriteZone",
        Effect: "Allow",
        Action: [...S3_OBJECT_WRITE],
        Resource: "arn:aws:s3:::lake-data/models/production/*",
      },
      {
        Sid: "EncryptWithLakeKey",
        Effect: "Allow",
        Action: [...KMS_ENCRYPT],
        Resource: "arn:aws:kms:ap-northeast-2:123456789012:key/lake-key-key-id",
      },
    ]);
    const actions = statements.flatMap((s) => s.Action as string[]);
    expect(actions.some((a) => a.includes("*") || a.startsWith("s3:Delete"))).toBe(false);
  });

  it("grants the whole lake when no zone is given, without a prefix condition", async () => {
    const run = await runInline("dev", () => {
      const role = new aws.iam.Role("auditor", { assumeRolePolicy: "{}" });
      new DataLake("lake", { deletionPolicy: "destroy" }).grantRead("auditor", role);
      return {};
    });
    const [list, read] = policyOf(
      resource(run, "aws:iam/rolePolicy:RolePolicy", "lake-auditor-read"),
    ).Statement;
    expect(list?.Condition).toBeUndefined();
    expect(read?.Resource).toBe("arn:aws:s3:::lake-data/*");
  });

  it("sends the data bucket's events to EventBridge only when eventBridge is on", async () => {
    const off = await runInline("dev", () => {
      new DataLake("lake", { deletionPolicy: "destroy" });
      return {};
    });
    expect(off.resources.filter((r) => r.type === "aws:s3/bucketNotification:BucketNotification")).toEqual(
      [],
    );

    const on = await runInline("dev", () => {
      new DataLake("lake", { deletionPolicy: "destroy", eventBridge: true });
      return {};
    });
    const notification = resource(on, "aws:s3/bucketNotification:BucketNotification", "lake-data-events");
    expect(notification.inputs).toEqual({ bucket: "lake-data", eventbridge: true });
  });

  it("refuses an eventBridge setting that is not a boolean", () => {
    const args = { ...resolveDataLakeArgs(), eventBridge: "yes" as unknown as boolean };
    expect(validateDataLakeArgs(args)).toEqual([
      { path: "eventBridge", value: "yes", expected: "true or false" },
    ]);
  });

  it("resolves uri() against the bucket's name", async () => {
    let uri: string | undefined;
    await runInline("dev", () => {
      new DataLake("lake", { deletionPolicy: "destroy" })
        .uri("processed/validation", "part-0.parquet")
        .apply((u) => (uri = u));
      return {};
    });
    expect(uri).toBe("s3://lake-data/processed/validation/part-0.parquet");
  });
});
