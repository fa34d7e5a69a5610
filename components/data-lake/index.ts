import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

import { KMS_DECRYPT, KMS_ENCRYPT, S3_BUCKET_LIST, S3_OBJECT_READ, S3_OBJECT_WRITE } from "../iam/actions";
import { ValidationError } from "../validation";
import {
  keepOptions,
  resolveDataLakeArgs,
  validateDataLakeArgs,
  type DataLakeArgs,
  type ResolvedDataLakeArgs,
  type ServiceWriter,
} from "./args";
import { LAKE_ZONES, lakeUri, zonePrefix, type LakeZone } from "./layout";

export * from "./args";
export * from "./layout";

/** Prefix under which the log bucket receives the data bucket's server access logs. */
export const ACCESS_LOG_PREFIX = "s3-access/";

interface SecuredBucket {
  readonly bucket: aws.s3.Bucket;
  readonly publicAccessBlock: aws.s3.BucketPublicAccessBlock;
}

interface PolicyStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Principal?: unknown;
  Action: string | readonly string[];
  Resource: pulumi.Input<string> | pulumi.Input<string>[];
  Condition?: Record<string, Record<string, unknown>>;
}

/**
 * The S3 data lake (seed §1, §8.3): a customer-managed KMS key, the data bucket with the zone layout, its
 * lifecycle rules, and a log bucket for server access logs. Secure by default: SSE-KMS with bucket keys,
 * versioning, every public-access block, bucket-owner-enforced ownership and a TLS-only bucket policy.
 * Access is granted per zone with {@link DataLake.grantRead} and {@link DataLake.grantWrite}.
 */
export class DataLake extends pulumi.ComponentResource {
  /** Name of the data bucket. */
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;
  /** ARN of the customer-managed key that encrypts the lake. */
  readonly kmsKeyArn: pulumi.Output<string>;
  /** Name of the bucket that receives the data bucket's server access logs. */
  readonly logBucketName: pulumi.Output<string>;
  /** `s3://` URI of every fixed zone, by zone. */
  readonly zoneUris: pulumi.Output<Record<string, string>>;

  readonly key: aws.kms.Key;
  readonly bucket: aws.s3.Bucket;
  readonly logBucket: aws.s3.Bucket;
  readonly settings: ResolvedDataLakeArgs;

  private readonly lakeName: string;

  constructor(name: string, args: DataLakeArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
    // Validated before anything is declared, the component itself included.
    const settings = resolveDataLakeArgs(args);
    const issues = validateDataLakeArgs(settings);
    if (issues.length > 0) throw new ValidationError(`DataLake ${name}`, issues);
    super("mlplat:data-lake:DataLake", name, {}, opts);
    this.settings = settings;
    this.lakeName = name;

    const tags = settings.tags;
    const keep = keepOptions(settings.deletionPolicy);

    const writers = settings.serviceWriters;
    const account = writers.length > 0 ? serviceContext(this) : undefined;
    this.key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `Encrypts the ${name} data lake`,
        enableKeyRotation: true,
        deletionWindowInDays: settings.kmsKeyDeletionWindowDays,
        // The default key policy (the account administers the key) unless services write into the lake: they
        // need data keys, which only the key policy can give a service principal.
        ...(account ? { policy: keyPolicy(writers, account) } : {}),
        tags,
      },
      { parent: this, ...keep },
    );
    new aws.kms.Alias(
      `${name}-key-alias`,
      { name: `alias/${name}`, targetKeyId: this.key.keyId },
      { parent: this },
    );

    const logs = this.secureBucket(`${name}-logs`, settings, undefined);
    const data = this.secureBucket(`${name}-data`, settings, this.key.arn);
    this.logBucket = logs.bucket;
    this.bucket = data.bucket;

    // The log bucket admits only the S3 logging service, and only for this lake's data bucket.
    const logsPolicy = this.bucketPolicy(`${name}-logs`, logs, settings.tlsOnly, [
      {
        Sid: "AllowServerAccessLogsFromDataBucket",
        Effect: "Allow",
        Principal: { Service: "logging.s3.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: pulumi.interpolate`${this.logBucket.arn}/${ACCESS_LOG_PREFIX}*`,
        Condition: { ArnLike: { "aws:SourceArn": this.bucket.arn } },
      },
    ]);
    this.bucketPolicy(
      `${name}-data`,
      data,
      settings.tlsOnly,
      account ? writers.map((w) => writerStatement(w, this.bucket.arn, account)) : [],
    );

    new aws.s3.BucketLogging(
      `${name}-data-logging`,
      {
        bucket: this.bucket.id,
        targetBucket: this.logBucket.id,
        targetPrefix: ACCESS_LOG_PREFIX,
        targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
      },
      // S3 (and moto) check that the log bucket admits the logging service when logging is switched on.
      { parent: this, dependsOn: logsPolicy ? [logsPolicy] : [] },
    );

    if (settings.eventBridge) {
      // S3 sends every event of the bucket to the default bus; EventBridge rules (the ETL trigger) choose.
      new aws.s3.BucketNotification(
        `${name}-data-events`,
        { bucket: this.bucket.id, eventbridge: true },
        { parent: this },
      );
    }

    const lc = settings.lifecycle;
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-data-lifecycle`,
      {
        bucket: this.bucket.id,
        rules: [
          {
            id: "MoveOldDataToGlacier",
            status: "Enabled",
            filter: { prefix: zonePrefix("raw") },
            transitions: [
              { days: lc.rawToInfrequentAccessDays, storageClass: "STANDARD_IA" },
              { days: lc.rawToGlacierDays, storageClass: "GLACIER" },
            ],
          },
          {
            id: "DeleteOldCheckpoints",
            status: "Enabled",
            filter: { prefix: zonePrefix("artifacts/checkpoints") },
            expiration: { days: lc.checkpointExpirationDays },
          },
          {
            id: "AbortIncompleteMultipartUploads",
            status: "Enabled",
            filter: {},
            abortIncompleteMultipartUpload: { daysAfterInitiation: lc.abortIncompleteMultipartUploadDays },
          },
          {
            id: "ExpireNoncurrentVersions",
            status: "Enabled",
            filter: {},
            noncurrentVersionExpiration: { noncurrentDays: lc.noncurrentVersionExpirationDays },
            expiration: { expiredObjectDeleteMarker: true },
          },
        ],
      },
      { parent: this },
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-logs-lifecycle`,
      {
        bucket: this.logBucket.id,
        rules: [
          {
            id: "ExpireAccessLogs",
            status: "Enabled",
            filter: {},
            expiration: { days: lc.accessLogRetentionDays },
            noncurrentVersionExpiration: { noncurrentDays: 1 },
            abortIncompleteMultipartUpload: { daysAfterInitiation: lc.abortIncompleteMultipartUploadDays },
          },
        ],
      },
      { parent: this },
    );

    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;
    this.kmsKeyArn = this.key.arn;
    this.logBucketName = this.logBucket.bucket;
    this.zoneUris = this.bucket.bucket.apply((bucket) =>
      Object.fromEntries(LAKE_ZONES.map((zone) => [zone, lakeUri(bucket, zone)])),
    );
    this.registerOutputs({
      bucketName: this.bucketName,
      bucketArn: this.bucketArn,
      kmsKeyArn: this.kmsKeyArn,
      logBucketName: this.logBucketName,
      zoneUris: this.zoneUris,
    });
  }

  /** The `s3://` URI of a zone, or of a key inside it: `lake.uri("processed/train")`. */
  uri(zone: LakeZone, ...parts: string[]): pulumi.Output<string> {
    return this.bucket.bucket.apply((bucket) => lakeUri(bucket, zone, ...parts));
  }

  /**
   * Lets `role` list and read objects under `zone` (the whole lake when omitted), and decrypt them with the
   * lake's key. `id` names the grant; the policy resource is `<lake>-<id>-read`.
   */
  grantRead(id: string, role: aws.iam.Role, zone?: LakeZone): aws.iam.RolePolicy {
    const prefix = zone === undefined ? "" : zonePrefix(zone);
    return this.rolePolicy(`${id}-read`, role, [
      {
        Sid: "ListZone",
        Effect: "Allow",
        Action: S3_BUCKET_LIST,
        Resource: this.bucket.arn,
        ...(prefix ? { Condition: { StringLike: { "s3:prefix": [`${prefix}*`] } } } : {}),
      },
      {
        Sid: "ReadZone",
        Effect: "Allow",
        Action: S3_OBJECT_READ,
        Resource: pulumi.interpolate`${this.bucket.arn}/${prefix}*`,
      },
      { Sid: "DecryptWithLakeKey", Effect: "Allow", Action: KMS_DECRYPT, Resource: this.key.arn },
    ]);
  }

  /**
   * Lets `role` write objects under `zone` (the whole lake when omitted), multipart uploads included, and
   * encrypt them with the lake's key. Writing does not include deleting. The resource is `<lake>-<id>-write`.
   */
  grantWrite(id: string, role: aws.iam.Role, zone?: LakeZone): aws.iam.RolePolicy {
    const prefix = zone === undefined ? "" : zonePrefix(zone);
    return this.rolePolicy(`${id}-write`, role, [
      {
        Sid: "WriteZone",
        Effect: "Allow",
        Action: S3_OBJECT_WRITE,
        Resource: pulumi.interpolate`${this.bucket.arn}/${prefix}*`,
      },
      { Sid: "EncryptWithLakeKey", Effect: "Allow", Action: KMS_ENCRYPT, Resource: this.key.arn },
    ]);
  }

  private rolePolicy(suffix: string, role: aws.iam.Role, statements: PolicyStatement[]): aws.iam.RolePolicy {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(suffix)) {
      throw new Error(
        `grant id: got ${JSON.stringify(suffix)}, expected lowercase letters, digits and hyphens`,
      );
    }
    return new aws.iam.RolePolicy(
      `${this.lakeName}-${suffix}`,
      { role: role.name, policy: policyDocument(statements) },
      { parent: this },
    );
  }

  /**
   * A private, versioned, encrypted bucket with bucket-owner-enforced ownership. Encrypted with SSE-KMS under
   * `kmsKeyArn`, with S3 bucket keys; with SSE-S3 when it is undefined (server access logs can only be
   * delivered to an SSE-S3 bucket, so the log bucket is the one such bucket).
   */
  private secureBucket(
    name: string,
    settings: ResolvedDataLakeArgs,
    kmsKeyArn: pulumi.Output<string> | undefined,
  ): SecuredBucket {
    const bucket = new aws.s3.Bucket(
      name,
      { forceDestroy: settings.deletionPolicy === "destroy", tags: settings.tags },
      { parent: this, ...keepOptions(settings.deletionPolicy) },
    );
    const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access`,
      {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      { parent: this },
    );
    new aws.s3.BucketOwnershipControls(
      `${name}-ownership`,
      { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
      { parent: this },
    );
    new aws.s3.BucketVersioning(
      `${name}-versioning`,
      { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
      { parent: this },
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket: bucket.id,
        rules: [
          kmsKeyArn
            ? {
                applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: kmsKeyArn },
                bucketKeyEnabled: true,
              }
            : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
        ],
      },
      { parent: this },
    );
    return { bucket, publicAccessBlock };
  }

  private bucketPolicy(
    name: string,
    target: SecuredBucket,
    tlsOnly: boolean,
    statements: PolicyStatement[],
  ): aws.s3.BucketPolicy | undefined {
    const bucket = target.bucket;
    const all: PolicyStatement[] = [...statements];
    if (tlsOnly) {
      all.push({
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      });
    }
    if (all.length === 0) return undefined;
    return new aws.s3.BucketPolicy(
      `${name}-policy`,
      { bucket: bucket.id, policy: policyDocument(all) },
      // Public-access blocks go first: S3 rejects a policy it judges public while they are being set.
      { parent: this, dependsOn: [target.publicAccessBlock] },
    );
  }
}

/** The account, region and partition that service-writer statements are conditioned on. */
interface ServiceContext {
  readonly accountId: pulumi.Output<string>;
  readonly region: pulumi.Output<string>;
  readonly partition: pulumi.Output<string>;
}

function serviceContext(parent: pulumi.Resource): ServiceContext {
  return {
    accountId: aws.getCallerIdentityOutput({}, { parent }).accountId,
    region: aws.getRegionOutput({}, { parent }).region,
    partition: aws.getPartitionOutput({}, { parent }).partition,
  };
}

/** Only this account's resources of the service: the confused-deputy guard on every service statement. */
function serviceConditions(writer: ServiceWriter, ctx: ServiceContext): PolicyStatement["Condition"] {
  const service = writer.service.split(".")[0] ?? writer.service;
  return {
    StringEquals: { "aws:SourceAccount": ctx.accountId },
    ArnLike: {
      "aws:SourceArn": pulumi.interpolate`arn:${ctx.partition}:${service}:${ctx.region}:${ctx.accountId}:*`,
    },
  };
}

function writerStatement(
  writer: ServiceWriter,
  bucketArn: pulumi.Output<string>,
  ctx: ServiceContext,
): PolicyStatement {
  return {
    Sid: `Allow${pascal(writer.id)}Delivery`,
    Effect: "Allow",
    Principal: { Service: writer.service },
    Action: "s3:PutObject",
    Resource: pulumi.interpolate`${bucketArn}/${zonePrefix(writer.zone)}${writer.prefix ?? ""}*`,
    Condition: serviceConditions(writer, ctx),
  };
}

function keyPolicy(writers: readonly ServiceWriter[], ctx: ServiceContext): pulumi.Output<string> {
  return policyDocument([
    {
      Sid: "AccountAdministersKey",
      Effect: "Allow",
      Principal: { AWS: pulumi.interpolate`arn:${ctx.partition}:iam::${ctx.accountId}:root` },
      Action: "kms:*",
      Resource: "*",
    },
    ...writers.map((w): PolicyStatement => ({
      Sid: `Allow${pascal(w.id)}DataKeys`,
      Effect: "Allow",
      Principal: { Service: w.service },
      Action: "kms:GenerateDataKey",
      Resource: "*",
      Condition: serviceConditions(w, ctx),
    })),
  ]);
}

function pascal(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_m, _dash: string, c: string) => c.toUpperCase());
}

function policyDocument(statements: PolicyStatement[]): pulumi.Output<string> {
  return pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements });
}
