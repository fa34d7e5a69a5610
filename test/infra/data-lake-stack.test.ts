import { beforeAll, describe, expect, it } from "vitest";

import type { ProgramRun } from "../../scripts/cli/offline/runner";
import { policyOf, resource, resourcesOfType, runStack } from "../harness";

const S3 = "aws:s3";
const BUCKET = `${S3}/bucket:Bucket`;

describe("prod stack: the data lake", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runStack("prod");
  });

  /** The lake and what it declares itself (grants to other components' roles aside). */
  const lakeResources = () => {
    const lake = resource(run, "mlplat:data-lake:DataLake", "mlplat-prod-lake");
    return [
      lake,
      ...run.resources.filter((r) => r.parent === lake.urn && r.type !== "aws:iam/rolePolicy:RolePolicy"),
    ];
  };

  it("declares exactly these resources (names are part of the contract)", () => {
    expect(
      lakeResources()
        .map((r) => `${r.type} ${r.name}`)
        .sort(),
    ).toEqual(
      [
        "mlplat:data-lake:DataLake mlplat-prod-lake",
        "aws:kms/key:Key mlplat-prod-lake-key",
        "aws:kms/alias:Alias mlplat-prod-lake-key-alias",
        ...["data", "logs"].flatMap((b) => [
          `${BUCKET} mlplat-prod-lake-${b}`,
          `aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock mlplat-prod-lake-${b}-public-access`,
          `aws:s3/bucketOwnershipControls:BucketOwnershipControls mlplat-prod-lake-${b}-ownership`,
          `aws:s3/bucketVersioning:BucketVersioning mlplat-prod-lake-${b}-versioning`,
          `aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration mlplat-prod-lake-${b}-encryption`,
          `aws:s3/bucketPolicy:BucketPolicy mlplat-prod-lake-${b}-policy`,
          `aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration mlplat-prod-lake-${b}-lifecycle`,
        ]),
        "aws:s3/bucketLogging:BucketLogging mlplat-prod-lake-data-logging",
        // Prod's ETL trigger listens to the data bucket's events on EventBridge.
        "aws:s3/bucketNotification:BucketNotification mlplat-prod-lake-data-events",
      ].sort(),
    );
  });

  it("parents every lake resource on the component", () => {
    const lake = resource(run, "mlplat:data-lake:DataLake", "mlplat-prod-lake");
    expect(lake.parent).toBeUndefined();
    const own = run.resources.filter((r) => r.name.startsWith("mlplat-prod-lake-") && r !== lake);
    expect(own.length).toBeGreaterThan(17);
    for (const r of own) expect(r.parent, r.name).toBe(lake.urn);
  });

  it("records which resources each one depends on, by input property", () => {
    const data = resource(run, BUCKET, "lake-data");
    const sse = resource(
      run,
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "data-encryption",
    );
    expect(sse.propertyDependencies.bucket).toEqual([data.urn]);
    const logging = resource(run, "aws:s3/bucketLogging:BucketLogging", "data-logging");
    expect(logging.dependencies).toContain(
      resource(run, "aws:s3/bucketPolicy:BucketPolicy", "logs-policy").urn,
    );
    const policy = resource(run, "aws:s3/bucketPolicy:BucketPolicy", "data-policy");
    expect(policy.dependencies).toContain(
      resource(run, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "data-public-access").urn,
    );
  });

  it("encrypts the data bucket with a rotating customer-managed key and S3 bucket keys", () => {
    const key = resource(run, "aws:kms/key:Key", "lake-key");
    expect(key.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
    const sse = resource(
      run,
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "data-encryption",
    );
    expect(sse.inputs.bucket).toBe("mlplat-prod-lake-data");
    expect(sse.inputs.rules).toEqual([
      {
        applyServerSideEncryptionByDefault: {
          sseAlgorithm: "aws:kms",
          kmsMasterKeyId: "arn:aws:kms:ap-northeast-2:123456789012:key/mlplat-prod-lake-key-key-id",
        },
        bucketKeyEnabled: true,
      },
    ]);
    expect(resource(run, "aws:kms/alias:Alias", "lake-key-alias").inputs.name).toBe("alias/mlplat-prod-lake");
  });

  it("encrypts the log bucket with SSE-S3, the only encryption S3 access logging delivers to", () => {
    const sse = resource(
      run,
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "logs-encryption",
    );
    expect(sse.inputs.rules).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
  });

  it("versions both buckets, blocks all public access and enforces bucket-owner ownership", () => {
    for (const b of ["data", "logs"]) {
      expect(
        resource(run, "aws:s3/bucketVersioning:BucketVersioning", `${b}-versioning`).inputs
          .versioningConfiguration,
      ).toEqual({
        status: "Enabled",
      });
      expect(
        resource(run, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", `${b}-public-access`).inputs,
      ).toMatchObject({
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      expect(
        resource(run, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", `${b}-ownership`).inputs.rule,
      ).toEqual({
        objectOwnership: "BucketOwnerEnforced",
      });
    }
  });

  it("applies the seed's lifecycle: raw/ to STANDARD_IA at 30 and GLACIER at 90, checkpoints gone at 14", () => {
    const lifecycle = resource(
      run,
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
      "data-lifecycle",
    );
    expect(lifecycle.inputs.rules).toEqual([
      {
        id: "MoveOldDataToGlacier",
        status: "Enabled",
        filter: { prefix: "raw/" },
        transitions: [
          { days: 30, storageClass: "STANDARD_IA" },
          { days: 90, storageClass: "GLACIER" },
        ],
      },
      {
        id: "DeleteOldCheckpoints",
        status: "Enabled",
        filter: { prefix: "artifacts/checkpoints/" },
        expiration: { days: 14 },
      },
      {
        id: "AbortIncompleteMultipartUploads",
        status: "Enabled",
        filter: {},
        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
      },
      {
        id: "ExpireNoncurrentVersions",
        status: "Enabled",
        filter: {},
        noncurrentVersionExpiration: { noncurrentDays: 90 },
        expiration: { expiredObjectDeleteMarker: true },
      },
    ]);
  });

  const sourceConditions = {
    StringEquals: { "aws:SourceAccount": "123456789012" },
    ArnLike: { "aws:SourceArn": "arn:aws:bedrock:ap-northeast-2:123456789012:*" },
  };
  const bedrockDelivery = {
    Sid: "AllowBedrockLogsDelivery",
    Effect: "Allow",
    Principal: { Service: "bedrock.amazonaws.com" },
    Action: "s3:PutObject",
    Resource: "arn:aws:s3:::mlplat-prod-lake-data/artifacts/logs/bedrock/*",
    Condition: sourceConditions,
  };

  it("lets Bedrock, for this account only, deliver its invocation logs and make data keys for them", () => {
    const key = resource(run, "aws:kms/key:Key", "lake-key");
    expect(policyOf(key).Statement).toEqual([
      {
        Sid: "AccountAdministersKey",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::123456789012:root" },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "AllowBedrockLogsDataKeys",
        Effect: "Allow",
        Principal: { Service: "bedrock.amazonaws.com" },
        Action: "kms:GenerateDataKey",
        Resource: "*",
        Condition: sourceConditions,
      },
    ]);
  });

  it("denies plain HTTP on both buckets and admits only this lake's access logs to the log bucket", () => {
    const tlsDeny = (bucket: string) => ({
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
    expect(policyOf(resource(run, "aws:s3/bucketPolicy:BucketPolicy", "data-policy")).Statement).toEqual([
      bedrockDelivery,
      tlsDeny("mlplat-prod-lake-data"),
    ]);
    expect(policyOf(resource(run, "aws:s3/bucketPolicy:BucketPolicy", "logs-policy")).Statement).toEqual([
      {
        Sid: "AllowServerAccessLogsFromDataBucket",
        Effect: "Allow",
        Principal: { Service: "logging.s3.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: "arn:aws:s3:::mlplat-prod-lake-logs/s3-access/*",
        Condition: { ArnLike: { "aws:SourceArn": "arn:aws:s3:::mlplat-prod-lake-data" } },
      },
      tlsDeny("mlplat-prod-lake-logs"),
    ]);
  });

  it("sends server access logs to the log bucket, which expires them after 365 days", () => {
    expect(resource(run, "aws:s3/bucketLogging:BucketLogging", "data-logging").inputs).toEqual({
      bucket: "mlplat-prod-lake-data",
      targetBucket: "mlplat-prod-lake-logs",
      targetPrefix: "s3-access/",
      targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
    });
    const rules = resource(
      run,
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
      "logs-lifecycle",
    ).inputs.rules as Record<string, unknown>[];
    expect(rules[0]).toMatchObject({ id: "ExpireAccessLogs", expiration: { days: 365 } });
  });

  it("protects and retains the buckets and the key in production, and never force-destroys", () => {
    for (const r of [...resourcesOfType(run, BUCKET), resource(run, "aws:kms/key:Key", "lake-key")]) {
      expect(r.protect, r.name).toBe(true);
      expect(r.retainOnDelete, r.name).toBe(true);
    }
    for (const bucket of resourcesOfType(run, BUCKET)) expect(bucket.inputs.forceDestroy).toBe(false);
  });

  it("tags every taggable resource with the four required tags", () => {
    const tags = {
      Project: "mlplat",
      Environment: "prod",
      CostCenter: "ml-platform",
      Owner: "platform-team@example.com",
    };
    for (const r of [...resourcesOfType(run, BUCKET), resource(run, "aws:kms/key:Key", "lake-key")]) {
      expect(r.inputs.tags, r.name).toEqual(tags);
    }
  });

  it("exports the lake's names, key and zone URIs", () => {
    const lake = run.outputs.dataLake as Record<string, unknown>;
    expect(lake.bucketName).toBe("mlplat-prod-lake-data");
    expect(lake.kmsKeyArn).toMatch(/^arn:aws:kms:ap-northeast-2:/);
    expect(lake.zoneUris).toMatchObject({
      raw: "s3://mlplat-prod-lake-data/raw/",
      "processed/train": "s3://mlplat-prod-lake-data/processed/train/",
      "models/production": "s3://mlplat-prod-lake-data/models/production/",
      "artifacts/checkpoints": "s3://mlplat-prod-lake-data/artifacts/checkpoints/",
      metadata: "s3://mlplat-prod-lake-data/metadata/",
    });
  });
});

describe("dev and local stacks", () => {
  it("retains dev's data on destroy without protecting it", async () => {
    const run = await runStack("dev");
    for (const bucket of resourcesOfType(run, BUCKET)) {
      expect(bucket.protect).toBeUndefined();
      expect(bucket.retainOnDelete).toBe(true);
      expect(bucket.inputs.forceDestroy).toBe(false);
    }
  });

  it("lets the local sandbox destroy its data and leaves out the TLS-only deny", async () => {
    const run = await runStack("local");
    for (const bucket of resourcesOfType(run, BUCKET)) {
      expect(bucket.retainOnDelete).toBeUndefined();
      expect(bucket.inputs.forceDestroy).toBe(true);
    }
    expect(run.resources.find((r) => r.name.endsWith("data-policy"))).toBeUndefined();
    expect(
      policyOf(resource(run, "aws:s3/bucketPolicy:BucketPolicy", "logs-policy")).Statement.map((s) => s.Sid),
    ).toEqual(["AllowServerAccessLogsFromDataBucket"]);
  });

  it("declares nothing when the data lake and the budget are switched off", async () => {
    const run = await runStack("dev", { "mlplat:features": { dataLake: false, costGuardrails: false } });
    expect(run.resources).toEqual([]);
    expect(run.outputs.dataLake).toBeUndefined();
  });
});
