import { describeResource } from "../lib/buckets";
import { resourcePolicy } from "../lib/define";

/**
 * Objects declared with the deprecated aws.s3.BucketObject are encrypted with a customer-managed KMS key named
 * on the object (`kmsKeyId`), as Checkov's CKV_AWS_186 requires of aws_s3_bucket_object. Its successor,
 * aws.s3.BucketObjectv2, is not checked (as in Checkov): it inherits the bucket's default encryption, which
 * s3-bucket-kms-encryption requires to be a customer-managed key.
 */
export const s3ObjectKmsCmk = resourcePolicy({
  name: "s3-object-kms-cmk",
  description: "S3 objects declared with aws.s3.BucketObject are encrypted with a customer-managed KMS key.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set kmsKeyId to the ARN of a customer-managed aws.kms.Key on the aws.s3.BucketObject (or declare the " +
    "object with aws.s3.BucketObjectv2 in a bucket whose default encryption uses such a key).",
  types: ["aws:s3/bucketObject:BucketObject"],
  checkov: ["CKV_AWS_186"],
  validate: (args, report) => {
    const key = args.props.kmsKeyId as string | undefined;
    if (key === undefined || key === "") {
      report(
        `${describeResource(args.type, args.name)} has no kmsKeyId: set it to a customer-managed KMS key ARN`,
      );
    }
  },
});
