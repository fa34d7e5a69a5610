import { describeResource } from "../lib/buckets";
import { resourcePolicy } from "../lib/define";
import { BUCKET_TYPES } from "../lib/types";

/**
 * A bucket that configures object lock has it enabled: `objectLockEnabled` is not false and an inline
 * `objectLockConfiguration` says `Enabled`. A bucket that says nothing about object lock is not applicable, as
 * with Checkov's CKV_AWS_143: object lock is for write-once data (audit trails, regulated datasets), and
 * templates commonly waive it for ordinary data buckets, hence advisory.
 */
export const s3BucketObjectLock = resourcePolicy({
  name: "s3-bucket-object-lock",
  description: "S3 buckets that configure object lock have it enabled.",
  severity: "low",
  enforcementLevel: "advisory",
  remediationSteps:
    'Set objectLockEnabled: true on the aws.s3.Bucket (or objectLockConfiguration { objectLockEnabled: "Enabled" }) ' +
    "and add an aws.s3.BucketObjectLockConfiguration with the default retention.",
  types: [...BUCKET_TYPES],
  checkov: ["CKV_AWS_143"],
  validate: (args, report) => {
    const enabled = args.props.objectLockEnabled as boolean | undefined;
    const configuration = args.props.objectLockConfiguration as { objectLockEnabled?: string } | undefined;
    if (enabled === undefined && configuration?.objectLockEnabled === undefined) {
      args.notApplicable("The bucket does not configure object lock");
    }
    const what = describeResource(args.type, args.name);
    if (enabled === false) {
      report(`${what} has objectLockEnabled false: set it to true to keep objects write-once`);
    } else if (
      configuration?.objectLockEnabled !== undefined &&
      configuration.objectLockEnabled !== "Enabled"
    ) {
      report(
        `${what} has objectLockConfiguration.objectLockEnabled ${JSON.stringify(configuration.objectLockEnabled)}: set it to "Enabled"`,
      );
    }
  },
});
