/** Type tokens the policies read. Policies match on tokens, never on component classes. */
export const BUCKET_TYPES = new Set(["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"]);

/** The @pulumi/aws 7 resources that carry one setting of a bucket, split off the bucket itself. */
export const BUCKET_SETTING_TYPES = {
  encryption: [
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
  ],
  versioning: ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"],
  publicAccessBlock: ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"],
  policy: ["aws:s3/bucketPolicy:BucketPolicy"],
  lifecycle: [
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
  ],
  logging: ["aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"],
  acl: ["aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2"],
  ownershipControls: ["aws:s3/bucketOwnershipControls:BucketOwnershipControls"],
  notification: ["aws:s3/bucketNotification:BucketNotification"],
  replication: ["aws:s3/bucketReplicationConfig:BucketReplicationConfig"],
} as const;

export type BucketSetting = keyof typeof BUCKET_SETTING_TYPES;

export const ACCOUNT_PUBLIC_ACCESS_BLOCK = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock";

export const KMS_KEY = "aws:kms/key:Key";
