import { bucketsOf, describeBucket, isLogTarget } from "../lib/buckets";
import { stackPolicy } from "../lib/define";

/**
 * Data buckets keep object versions, so an overwrite or delete can be undone: a BucketVersioning with status
 * Enabled (or legacy inline `versioning.enabled`). Buckets that only receive server access logs are not data
 * buckets and are not applicable unless `includeLogTargets` is set.
 */
export const s3BucketVersioning = stackPolicy({
  name: "s3-bucket-versioning",
  description: "S3 data buckets have versioning enabled.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Add an aws.s3.BucketVersioning for the bucket with versioningConfiguration { status: "Enabled" }.',
  checkov: ["CKV_AWS_21"],
  config: {
    includeLogTargets: {
      type: "boolean",
      default: false,
      description: "Also require versioning on buckets that only receive server access logs",
    },
  },
  validate: (args, report) => {
    const { includeLogTargets } = args.getConfig<{ includeLogTargets: boolean }>();
    const buckets = bucketsOf(args.resources).filter((b) => includeLogTargets || !isLogTarget(b));
    if (buckets.length === 0) args.notApplicable("The stack declares no S3 data buckets");
    for (const bucket of buckets) {
      const inline =
        (bucket.resource.props.versioning as { enabled?: boolean } | undefined)?.enabled === true;
      const statuses = bucket.settings.versioning.map(
        (v) => (v.props.versioningConfiguration as { status?: string } | undefined)?.status,
      );
      if (inline || statuses.includes("Enabled")) continue;
      report(
        statuses.length === 0
          ? `${describeBucket(bucket)} has no BucketVersioning: enable versioning on data buckets`
          : `${describeBucket(bucket)} has versioning ${statuses.map(String).join(", ")}, expected Enabled`,
        bucket.resource.urn,
      );
    }
  },
});
