import { bucketsOf, describeBucket, inlineBlocks, isLogTarget } from "../lib/buckets";
import { stackPolicy } from "../lib/define";

/**
 * Data buckets record S3 server access logs: a BucketLogging for the bucket (@pulumi/aws 7), or the legacy
 * inline `logging` (`loggings` on BucketV2). A bucket that receives server access logs is not required to log
 * its own access unless `includeLogTargets` is set: logging it into itself loops, and into a third bucket only
 * moves the question (Checkov's CKV_AWS_18 is routinely waived on the access-log bucket for that reason).
 */
export const s3BucketAccessLogging = stackPolicy({
  name: "s3-bucket-access-logging",
  description: "S3 data buckets deliver server access logs to a log bucket.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Add an aws.s3.BucketLogging for the bucket with targetBucket set to a log bucket (SSE-S3, public access " +
    "blocked) and a targetPrefix.",
  checkov: ["CKV_AWS_18"],
  config: {
    includeLogTargets: {
      type: "boolean",
      default: false,
      description: "Also require access logging on buckets that receive server access logs",
    },
  },
  validate: (args, report) => {
    const { includeLogTargets } = args.getConfig<{ includeLogTargets: boolean }>();
    const buckets = bucketsOf(args.resources).filter((b) => includeLogTargets || !isLogTarget(b));
    if (buckets.length === 0) args.notApplicable("The stack declares no S3 data buckets");
    for (const bucket of buckets) {
      const inline = inlineBlocks<{ targetBucket?: unknown }>(bucket.resource, "logging");
      if (inline.length > 0 || bucket.settings.logging.length > 0) continue;
      report(
        `${describeBucket(bucket)} has no server access logging: add a BucketLogging with a targetBucket`,
        bucket.resource.urn,
      );
    }
  },
});
