import type { PolicyResource } from "@pulumi/policy";

import { bucketsOf, describeBucket, isLogTarget, type BucketView } from "../lib/buckets";
import { stackPolicy } from "../lib/define";
import { KMS_KEY } from "../lib/types";
import { peek, requireKnown, UNKNOWN } from "../lib/unknown";

interface EncryptionDefault {
  readonly sseAlgorithm?: string;
  readonly kmsMasterKeyId?: string;
}

/** The AWS-managed key for S3, which a bucket uses for `aws:kms` when no key is given. */
const AWS_MANAGED_S3_KEY = /(^|:)alias\/aws\/s3$/;

/**
 * Data buckets are encrypted by default with a customer-managed KMS key (seed §8.3). The encryption may live
 * on the bucket (legacy inline `serverSideEncryptionConfiguration`) or, as with @pulumi/aws 7, in a separate
 * BucketServerSideEncryptionConfiguration joined to the bucket; a bucket with neither only gets S3's SSE-S3
 * default and fails. Server access log target buckets are judged differently: S3 cannot deliver server
 * access logs into an SSE-KMS bucket, so they must use SSE-S3 (AES256) instead (configurable).
 */
export const s3BucketKmsEncryption = stackPolicy({
  name: "s3-bucket-kms-encryption",
  description:
    "S3 buckets are encrypted by default with a customer-managed KMS key (log target buckets with SSE-S3).",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Add an aws.s3.BucketServerSideEncryptionConfiguration for the bucket with sseAlgorithm aws:kms, " +
    "kmsMasterKeyId set to a customer-managed aws.kms.Key and bucketKeyEnabled true. A bucket that receives " +
    "S3 server access logs uses sseAlgorithm AES256 instead.",
  // Stricter than both checks: a bucket without an encryption configuration fails (CKV_AWS_19 passes it on
  // S3's SSE-S3 default) and aws:kms needs a customer-managed key; but aws:kms:dsse passes (both checks fail
  // the dual-layer variant, which is SSE-KMS and more) and log targets take SSE-S3, the only encryption S3
  // delivers server access logs into (CKV_AWS_145 fails them).
  checkov: ["CKV_AWS_19", "CKV_AWS_145"],
  config: {
    logTargetsUseSseS3: {
      type: "boolean",
      default: true,
      description:
        "Judge server access log target buckets by S3's rule (SSE-S3 only) instead of requiring a KMS key",
    },
  },
  validate: (args, report) => {
    const { logTargetsUseSseS3 } = args.getConfig<{ logTargetsUseSseS3: boolean }>();
    const buckets = bucketsOf(args.resources);
    if (buckets.length === 0) args.notApplicable("The stack declares no S3 buckets");
    for (const bucket of buckets) {
      const problem = judge(bucket, logTargetsUseSseS3);
      if (problem) report(`${describeBucket(bucket)} ${problem}`, bucket.resource.urn);
    }
  },
});

function judge(bucket: BucketView, logTargetsUseSseS3: boolean): string | undefined {
  const defaults = encryptionDefaults(bucket);
  if (defaults.length === 0) {
    return "has no default encryption configuration, so it only gets S3's SSE-S3 default: encrypt it with a customer-managed KMS key";
  }
  if (logTargetsUseSseS3 && isLogTarget(bucket)) {
    const sources = bucket.logSources.map((s) => JSON.stringify(s.name)).join(", ");
    const kms = defaults.find(({ value }) => value.sseAlgorithm !== "AES256");
    if (kms) {
      return `receives server access logs (${sources}) but is encrypted with ${String(kms.value.sseAlgorithm)}: S3 delivers server access logs only to buckets encrypted with SSE-S3 (AES256)`;
    }
    return undefined;
  }
  for (const { value, source } of defaults) {
    const algorithm = value.sseAlgorithm;
    if (algorithm !== "aws:kms" && algorithm !== "aws:kms:dsse") {
      return `is encrypted with ${String(algorithm)}, not with a customer-managed KMS key: set sseAlgorithm to aws:kms and kmsMasterKeyId`;
    }
    const key = peek(() => value.kmsMasterKeyId);
    if (key === UNKNOWN) {
      // Unknown during preview: a key ARN computed from a KMS key of the stack is customer-managed.
      if (dependsOnKmsKey(source)) continue;
      requireKnown(() => value.kmsMasterKeyId); // throws: undecidable during preview
    }
    if (key === undefined || key === "") {
      return "uses the AWS-managed key aws/s3 (no kmsMasterKeyId): set kmsMasterKeyId to a customer-managed KMS key";
    }
    if (typeof key === "string" && AWS_MANAGED_S3_KEY.test(key)) {
      return `uses the AWS-managed key ${key}: set kmsMasterKeyId to a customer-managed KMS key`;
    }
  }
  return undefined;
}

/** Every default-encryption rule of a bucket, inline or from its encryption resources. */
function encryptionDefaults(bucket: BucketView): { value: EncryptionDefault; source: PolicyResource }[] {
  const out: { value: EncryptionDefault; source: PolicyResource }[] = [];
  const inline = bucket.resource.props.serverSideEncryptionConfiguration as
    { rule?: { applyServerSideEncryptionByDefault?: EncryptionDefault } } | undefined;
  const inlineDefault = inline?.rule?.applyServerSideEncryptionByDefault;
  if (inlineDefault) out.push({ value: inlineDefault, source: bucket.resource });
  for (const r of bucket.settings.encryption) {
    const rules = (r.props.rules ?? []) as { applyServerSideEncryptionByDefault?: EncryptionDefault }[];
    for (const rule of rules) {
      if (rule.applyServerSideEncryptionByDefault) {
        out.push({ value: rule.applyServerSideEncryptionByDefault, source: r });
      }
    }
  }
  return out;
}

function dependsOnKmsKey(r: PolicyResource): boolean {
  return Object.values(r.propertyDependencies).some((deps) => deps.some((d) => d.type === KMS_KEY));
}
