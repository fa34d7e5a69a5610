import type { PolicyResource } from "@pulumi/policy";

import { bucketsOf, describeBucket } from "../lib/buckets";
import { stackPolicy } from "../lib/define";
import { ACCOUNT_PUBLIC_ACCESS_BLOCK } from "../lib/types";

const FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

/**
 * Every bucket has a BucketPublicAccessBlock with all four blocks on (a separate resource in @pulumi/aws 7),
 * unless the stack sets the account-wide AccountPublicAccessBlock with all four on.
 */
export const s3BucketPublicAccessBlock = stackPolicy({
  name: "s3-bucket-public-access-block",
  description:
    "S3 buckets block all public access: blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets.",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Add an aws.s3.BucketPublicAccessBlock for the bucket with blockPublicAcls, blockPublicPolicy, " +
    "ignorePublicAcls and restrictPublicBuckets all true.",
  validate: (args, report) => {
    const buckets = bucketsOf(args.resources);
    if (buckets.length === 0) args.notApplicable("The stack declares no S3 buckets");
    if (args.resources.some((r) => r.type === ACCOUNT_PUBLIC_ACCESS_BLOCK && missingFlags(r).length === 0)) {
      return; // the whole account blocks public access
    }
    for (const bucket of buckets) {
      const blocks = bucket.settings.publicAccessBlock;
      if (blocks.length === 0) {
        report(
          `${describeBucket(bucket)} has no BucketPublicAccessBlock: add one with ${FLAGS.join(", ")} set to true`,
          bucket.resource.urn,
        );
        continue;
      }
      const missing = [...new Set(blocks.flatMap(missingFlags))];
      if (missing.length > 0) {
        report(
          `${describeBucket(bucket)} does not block all public access: ${missing.join(", ")} must be true`,
          bucket.resource.urn,
        );
      }
    }
  },
});

function missingFlags(r: PolicyResource): string[] {
  return FLAGS.filter((flag) => r.props[flag] !== true);
}
