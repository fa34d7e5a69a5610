import { describeResource } from "../lib/buckets";
import { resourcePolicy } from "../lib/define";
import { BUCKET_SETTING_TYPES } from "../lib/types";

/**
 * A bucket's ownership controls disable ACLs (`BucketOwnerEnforced`): the bucket owner owns every object and
 * access is decided by policies alone. `BucketOwnerPreferred` and `ObjectWriter` keep ACLs in force. A bucket
 * without ownership controls gets S3's default for new buckets, BucketOwnerEnforced.
 */
export const s3BucketAclsDisabled = resourcePolicy({
  name: "s3-bucket-acls-disabled",
  description: "S3 bucket ownership controls disable ACLs with BucketOwnerEnforced.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Set rule { objectOwnership: "BucketOwnerEnforced" } on the aws.s3.BucketOwnershipControls (and remove the ' +
    "bucket's BucketAcl).",
  types: [...BUCKET_SETTING_TYPES.ownershipControls],
  checkov: ["CKV2_AWS_65"],
  validate: (args, report) => {
    const ownership = (args.props.rule as { objectOwnership?: string } | undefined)?.objectOwnership;
    if (ownership !== "BucketOwnerEnforced") {
      report(
        `${describeResource(args.type, args.name)} has rule.objectOwnership ${JSON.stringify(ownership ?? null)}, which keeps ACLs in force: set it to "BucketOwnerEnforced"`,
      );
    }
  },
});
