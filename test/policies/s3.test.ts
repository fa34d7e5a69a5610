import { describe, expect, it } from "vitest";

import { policyProxy } from "../../policies/lib/unknown";
import {
  changed,
  compliantLake,
  declared,
  evaluateOne,
  KEY_ARN,
  messagesOf,
  T,
  TAGS,
  tlsDeny,
  without,
} from "./helpers";

const UNKNOWN_STRING = policyProxy.unknownStringValue;
const kms = (kmsMasterKeyId?: string) => ({
  rules: [
    {
      applyServerSideEncryptionByDefault: {
        sseAlgorithm: "aws:kms",
        ...(kmsMasterKeyId ? { kmsMasterKeyId } : {}),
      },
    },
  ],
});
const sseS3 = { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] };

describe("s3-bucket-kms-encryption", () => {
  const policy = "s3-bucket-kms-encryption";

  it("passes the data bucket under a customer-managed key and the log bucket under SSE-S3", async () => {
    expect(await messagesOf(policy, compliantLake())).toEqual([]);
  });

  it("fails a bucket without any encryption configuration (no false pass on S3's SSE-S3 default)", async () => {
    expect(await messagesOf(policy, without(compliantLake(), "lake-data-encryption"))).toEqual([
      `bucket "lake-data" has no default encryption configuration, so it only gets S3's SSE-S3 default: encrypt it with a customer-managed KMS key`,
    ]);
  });

  it("fails a data bucket with SSE-S3", async () => {
    expect(await messagesOf(policy, changed(compliantLake(), "lake-data-encryption", sseS3))).toEqual([
      `bucket "lake-data" is encrypted with AES256, not with a customer-managed KMS key: set sseAlgorithm to aws:kms and kmsMasterKeyId`,
    ]);
  });

  it("fails aws:kms without a key and with the AWS-managed alias", async () => {
    expect(await messagesOf(policy, changed(compliantLake(), "lake-data-encryption", kms()))).toEqual([
      `bucket "lake-data" uses the AWS-managed key aws/s3 (no kmsMasterKeyId): set kmsMasterKeyId to a customer-managed KMS key`,
    ]);
    expect(
      await messagesOf(policy, changed(compliantLake(), "lake-data-encryption", kms("alias/aws/s3"))),
    ).toEqual([
      `bucket "lake-data" uses the AWS-managed key alias/aws/s3: set kmsMasterKeyId to a customer-managed KMS key`,
    ]);
  });

  it("requires SSE-S3 on a server access log target, where S3 cannot deliver logs to SSE-KMS", async () => {
    expect(await messagesOf(policy, changed(compliantLake(), "lake-logs-encryption", kms(KEY_ARN)))).toEqual([
      `bucket "lake-logs" receives server access logs ("lake-data-logging") but is encrypted with aws:kms: S3 delivers server access logs only to buckets encrypted with SSE-S3 (AES256)`,
    ]);
    expect(await messagesOf(policy, without(compliantLake(), "lake-logs-encryption"))).toEqual([
      `bucket "lake-logs" has no default encryption configuration, so it only gets S3's SSE-S3 default: encrypt it with a customer-managed KMS key`,
    ]);
  });

  it("judges a log target like any bucket when logTargetsUseSseS3 is false", async () => {
    expect(await messagesOf(policy, compliantLake(), { logTargetsUseSseS3: false })).toEqual([
      `bucket "lake-logs" is encrypted with AES256, not with a customer-managed KMS key: set sseAlgorithm to aws:kms and kmsMasterKeyId`,
    ]);
  });

  it("reads legacy inline encryption on the bucket", async () => {
    const inline = changed(without(compliantLake(), "lake-data-encryption"), "lake-data", {
      serverSideEncryptionConfiguration: {
        rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN } },
      },
    });
    expect(await messagesOf(policy, inline)).toEqual([]);
  });

  it("joins a setting to its bucket by name when it has no dependency, and ignores settings of other buckets", async () => {
    const named = declared(T.bucket, "named", { bucket: "my-named-bucket", tags: TAGS });
    const encryption = (bucket: string) =>
      declared(T.encryption, `enc-${bucket}`, { bucket, ...kms(KEY_ARN) });
    expect(await messagesOf(policy, [named, encryption("my-named-bucket")])).toEqual([]);
    expect(await messagesOf(policy, [named, encryption("someone-elses-bucket")])).toEqual([
      `bucket "named" has no default encryption configuration, so it only gets S3's SSE-S3 default: encrypt it with a customer-managed KMS key`,
    ]);
  });

  it("passes a key ARN unknown during preview when it comes from a KMS key of the stack", async () => {
    expect(
      await messagesOf(policy, changed(compliantLake(), "lake-data-encryption", kms(UNKNOWN_STRING))),
    ).toEqual([]);
  });

  it("reports an advisory 'can't run' note when an unknown key ARN has no known source", async () => {
    const lake = changed(compliantLake(), "lake-data-encryption", kms(UNKNOWN_STRING), {
      propertyDependencies: { bucket: [compliantLake()[1]?.urn ?? ""] },
    });
    const { violations } = await evaluateOne(policy, lake);
    expect(violations.map((v) => [v.level, v.message])).toEqual([
      [
        "advisory",
        "can't run policy 's3-bucket-kms-encryption' from policy pack 'mlplat-guardrails@v0.1.0' during preview: string value at .rules.0.applyServerSideEncryptionByDefault.kmsMasterKeyId can't be known during preview",
      ],
    ]);
  });

  it("is not applicable to a stack without buckets", async () => {
    const { violations, notApplicable } = await evaluateOne(policy, [
      declared(T.key, "k", { enableKeyRotation: true }),
    ]);
    expect(violations).toEqual([]);
    expect(notApplicable).toEqual({ [policy]: 1 });
  });
});

describe("s3-bucket-public-access-block", () => {
  const policy = "s3-bucket-public-access-block";

  it("passes buckets with all four blocks", async () => {
    expect(await messagesOf(policy, compliantLake())).toEqual([]);
  });

  it("fails a bucket without a public-access block", async () => {
    expect(await messagesOf(policy, without(compliantLake(), "lake-data-public-access"))).toEqual([
      `bucket "lake-data" has no BucketPublicAccessBlock: add one with blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets set to true`,
    ]);
  });

  it("fails a block that leaves one flag off", async () => {
    expect(
      await messagesOf(
        policy,
        changed(compliantLake(), "lake-logs-public-access", { restrictPublicBuckets: false }),
      ),
    ).toEqual([`bucket "lake-logs" does not block all public access: restrictPublicBuckets must be true`]);
  });

  it("accepts the account-wide block in place of per-bucket blocks", async () => {
    const lake = without(without(compliantLake(), "lake-data-public-access"), "lake-logs-public-access");
    const account = declared(T.accountPublicAccessBlock, "account", {
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(await messagesOf(policy, [...lake, account])).toEqual([]);
  });
});

describe("s3-bucket-versioning", () => {
  const policy = "s3-bucket-versioning";

  it("passes data buckets with versioning Enabled", async () => {
    expect(await messagesOf(policy, compliantLake())).toEqual([]);
  });

  it("fails a data bucket without versioning, and one with versioning Suspended", async () => {
    expect(await messagesOf(policy, without(compliantLake(), "lake-data-versioning"))).toEqual([
      `bucket "lake-data" has no BucketVersioning: enable versioning on data buckets`,
    ]);
    expect(
      await messagesOf(
        policy,
        changed(compliantLake(), "lake-data-versioning", {
          versioningConfiguration: { status: "Suspended" },
        }),
      ),
    ).toEqual([`bucket "lake-data" has versioning Suspended, expected Enabled`]);
  });

  it("does not require versioning on a log target unless includeLogTargets is set", async () => {
    const lake = without(compliantLake(), "lake-logs-versioning");
    expect(await messagesOf(policy, lake)).toEqual([]);
    expect(await messagesOf(policy, lake, { includeLogTargets: true })).toEqual([
      `bucket "lake-logs" has no BucketVersioning: enable versioning on data buckets`,
    ]);
  });
});

describe("s3-bucket-lifecycle-rules", () => {
  const policy = "s3-bucket-lifecycle-rules";
  const withTransitions = (transitions: { days: number; storageClass: string }[]) =>
    changed(compliantLake(), "lake-data-lifecycle", {
      rules: [{ id: "Raw", status: "Enabled", filter: { prefix: "raw/" }, transitions }],
    });

  it("passes the seed's rules: STANDARD_IA after 30 days, GLACIER after 90", async () => {
    expect(await messagesOf(policy, compliantLake())).toEqual([]);
  });

  it("fails a data bucket without lifecycle rules, and one whose only rule is disabled", async () => {
    expect(await messagesOf(policy, without(compliantLake(), "lake-data-lifecycle"))).toEqual([
      `bucket "lake-data" has no enabled lifecycle rules: add a BucketLifecycleConfiguration`,
    ]);
    expect(
      await messagesOf(
        policy,
        changed(compliantLake(), "lake-data-lifecycle", { rules: [{ id: "Off", status: "Disabled" }] }),
      ),
    ).toEqual([`bucket "lake-data" has no enabled lifecycle rules: add a BucketLifecycleConfiguration`]);
  });

  it("fails transitions out of order", async () => {
    const lake = withTransitions([
      { days: 30, storageClass: "GLACIER" },
      { days: 90, storageClass: "STANDARD_IA" },
    ]);
    expect(await messagesOf(policy, lake)).toEqual([
      `bucket "lake-data" lifecycle rule "Raw": transitions out of order: STANDARD_IA after 90 days follows GLACIER after 30 days`,
    ]);
  });

  it("fails STANDARD_IA before 30 days and GLACIER less than 30 days after it", async () => {
    expect(await messagesOf(policy, withTransitions([{ days: 20, storageClass: "STANDARD_IA" }]))).toEqual([
      `bucket "lake-data" lifecycle rule "Raw": STANDARD_IA after 20 days: S3 requires at least 30`,
    ]);
    const tooSoon = withTransitions([
      { days: 30, storageClass: "STANDARD_IA" },
      { days: 45, storageClass: "GLACIER" },
    ]);
    expect(await messagesOf(policy, tooSoon)).toEqual([
      `bucket "lake-data" lifecycle rule "Raw": GLACIER after 45 days is less than 30 days after STANDARD_IA (30)`,
    ]);
  });

  it("fails a storage class S3 does not transition to", async () => {
    expect(await messagesOf(policy, withTransitions([{ days: 30, storageClass: "STANDARD" }]))).toEqual([
      `bucket "lake-data" lifecycle rule "Raw": STANDARD is not a storage class S3 transitions to (STANDARD_IA, INTELLIGENT_TIERING, ONEZONE_IA, GLACIER_IR, GLACIER, DEEP_ARCHIVE)`,
    ]);
  });

  it("does not require rules on a log target unless includeLogTargets is set", async () => {
    const lake = without(compliantLake(), "lake-logs-lifecycle");
    expect(await messagesOf(policy, lake)).toEqual([]);
    expect(await messagesOf(policy, lake, { includeLogTargets: true })).toEqual([
      `bucket "lake-logs" has no enabled lifecycle rules: add a BucketLifecycleConfiguration`,
    ]);
  });
});

describe("s3-bucket-tls-only", () => {
  const policy = "s3-bucket-tls-only";
  const policyWith = (statement: Record<string, unknown>) => ({
    policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }),
  });

  it("passes bucket policies that deny s3:* without TLS on the bucket and its objects", async () => {
    expect(await messagesOf(policy, compliantLake())).toEqual([]);
  });

  it("fails a bucket without a bucket policy", async () => {
    expect(await messagesOf(policy, without(compliantLake(), "lake-data-policy"))).toEqual([
      `bucket "lake-data" has no bucket policy: add one that denies requests without TLS`,
    ]);
  });

  it("fails a deny without the SecureTransport condition, and one that misses the bucket itself", async () => {
    const missing = `bucket "lake-data" has a bucket policy without a statement denying s3:* on the bucket and its objects when aws:SecureTransport is false`;
    const { Condition: _c, ...unconditional } = tlsDeny("lake-data");
    expect(
      await messagesOf(policy, changed(compliantLake(), "lake-data-policy", policyWith(unconditional))),
    ).toEqual([missing]);
    const objectsOnly = { ...tlsDeny("lake-data"), Resource: "arn:aws:s3:::lake-data/*" };
    expect(
      await messagesOf(policy, changed(compliantLake(), "lake-data-policy", policyWith(objectsOnly))),
    ).toEqual([missing]);
  });

  it("reads a legacy inline policy on the bucket", async () => {
    const lake = changed(
      without(compliantLake(), "lake-data-policy"),
      "lake-data",
      policyWith(tlsDeny("lake-data")),
    );
    expect(await messagesOf(policy, lake)).toEqual([]);
  });
});
