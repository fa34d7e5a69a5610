import type { PolicyResource } from "@pulumi/policy";

import { bucketsOf, describeBucket, describeResource } from "../lib/buckets";
import { stackPolicy } from "../lib/define";
import { ACCOUNT_PUBLIC_ACCESS_BLOCK, BUCKET_SETTING_TYPES } from "../lib/types";

const FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

const BLOCK_TYPES = new Set<string>(BUCKET_SETTING_TYPES.publicAccessBlock);

/**
 * Every bucket has a BucketPublicAccessBlock with all four blocks on (a separate resource in @pulumi/aws 7),
 * unless the stack sets the account-wide AccountPublicAccessBlock with all four on. A BucketPublicAccessBlock
 * for a bucket the stack does not declare is judged on its own: all four flags on.
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
  checkov: ["CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56", "CKV2_AWS_6"],
  validate: (args, report) => {
    const buckets = bucketsOf(args.resources);
    const blocks = args.resources.filter((r) => BLOCK_TYPES.has(r.type));
    if (buckets.length === 0 && blocks.length === 0) args.notApplicable("The stack declares no S3 buckets");
    if (args.resources.some((r) => r.type === ACCOUNT_PUBLIC_ACCESS_BLOCK && missingFlags(r).length === 0)) {
      return; // the whole account blocks public access
    }
    for (const bucket of buckets) {
      const own = bucket.settings.publicAccessBlock;
      if (own.length === 0) {
        report(
          `${describeBucket(bucket)} has no BucketPublicAccessBlock: add one with ${FLAGS.join(", ")} set to true`,
          bucket.resource.urn,
        );
        continue;
      }
      const missing = [...new Set(own.flatMap(missingFlags))];
      if (missing.length > 0) {
        report(
          `${describeBucket(bucket)} does not block all public access: ${missing.join(", ")} must be true`,
          bucket.resource.urn,
        );
      }
    }
    const joined = new Set(buckets.flatMap((b) => b.settings.publicAccessBlock));
    for (const block of blocks.filter((b) => !joined.has(b))) {
      const missing = missingFlags(block);
      if (missing.length > 0) {
        report(
          `${describeResource(block.type, block.name)} does not block all public access: ${missing.join(", ")} must be true`,
          block.urn,
        );
      }
    }
  },
});

function missingFlags(r: PolicyResource): string[] {
  return FLAGS.filter((flag) => r.props[flag] !== true);
}
