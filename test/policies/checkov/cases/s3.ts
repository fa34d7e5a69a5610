/** Checkov's S3 checks as Pulumi resources (see ../case.ts). */
import type { DeclaredResource } from "../../../../scripts/cli/offline/runner";
import { declared, KEY_ARN, T, TAGS, tlsDeny } from "../../helpers";
import type { ServiceCases } from "../case";

const ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";
const AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
const OWNER_ID = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be";

const bucket = (inputs: Record<string, unknown> = {}): DeclaredResource =>
  declared(T.bucket, "bucket", { tags: TAGS, ...inputs }, { protect: true });

/** The bucket and one setting resource joined to it through its `bucket` input. */
const withSetting = (type: string, inputs: Record<string, unknown>): DeclaredResource[] => {
  const b = bucket();
  const setting = declared(
    type,
    `bucket-${type.slice(type.lastIndexOf(":") + 1).toLowerCase()}`,
    { bucket: b.name, ...inputs },
    { dependencies: [b.urn], propertyDependencies: { bucket: [b.urn] } },
  );
  return [b, setting];
};

const ALL_BLOCKED = {
  blockPublicAcls: true,
  blockPublicPolicy: true,
  ignorePublicAcls: true,
  restrictPublicBuckets: true,
};
const publicAccessBlock = (flag: keyof typeof ALL_BLOCKED, value: boolean) => ({
  fail: withSetting(T.publicAccessBlock, { ...ALL_BLOCKED, [flag]: false }),
  pass: withSetting(T.publicAccessBlock, { ...ALL_BLOCKED, [flag]: value }),
});

const bucketPolicy = (statement: Record<string, unknown>) =>
  withSetting(T.policy, { policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }) });
const readObjects = {
  Sid: "ReadObjects",
  Effect: "Allow",
  Principal: "*",
  Action: "s3:GetObject",
  Resource: "arn:aws:s3:::bucket/*",
};
const denyAll = {
  Sid: "DenyAll",
  Effect: "Deny",
  Principal: "*",
  Action: "s3:*",
  Resource: ["arn:aws:s3:::bucket", "arn:aws:s3:::bucket/*"],
};

const encryption = (sseAlgorithm: string) =>
  withSetting(T.encryption, {
    rules: [
      {
        applyServerSideEncryptionByDefault: {
          sseAlgorithm,
          ...(sseAlgorithm === "aws:kms" ? { kmsMasterKeyId: KEY_ARN } : {}),
        },
      },
    ],
  });

const grant = (uri: string | undefined, permission: string) =>
  withSetting(T.acl, {
    accessControlPolicy: {
      owner: { id: OWNER_ID },
      grants: [
        {
          grantee: uri === undefined ? { type: "CanonicalUser", id: OWNER_ID } : { type: "Group", uri },
          permission,
        },
      ],
    },
  });

const wholeBucketRule = { id: "ExpireOldObjects", status: "Enabled", filter: {}, expiration: { days: 365 } };
const abortUploads = { abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } };

export const s3: ServiceCases = {
  cases: [
    {
      id: "CKV_AWS_53",
      title: "a public-access block with blockPublicAcls false",
      ...publicAccessBlock("blockPublicAcls", true),
    },
    {
      id: "CKV_AWS_54",
      title: "a public-access block with blockPublicPolicy false",
      ...publicAccessBlock("blockPublicPolicy", true),
    },
    {
      id: "CKV_AWS_55",
      title: "a public-access block with ignorePublicAcls false",
      ...publicAccessBlock("ignorePublicAcls", true),
    },
    {
      id: "CKV_AWS_56",
      title: "a public-access block with restrictPublicBuckets false",
      ...publicAccessBlock("restrictPublicBuckets", true),
    },
    {
      id: "CKV_AWS_70",
      title: 'a bucket policy allowing s3:GetObject to Principal "*" without a condition',
      fail: bucketPolicy(readObjects),
      pass: bucketPolicy({
        ...readObjects,
        Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
      }),
    },
    {
      id: "CKV_AWS_93",
      title: 'a bucket policy denying s3:* to Principal "*" without a condition',
      fail: bucketPolicy(denyAll),
      pass: bucketPolicy({
        ...denyAll,
        Condition: { ArnNotEquals: { "aws:PrincipalArn": "arn:aws:iam::123456789012:role/admin" } },
      }),
    },
    {
      id: "CKV_AWS_143",
      title: "a bucket with objectLockEnabled false",
      fail: [bucket({ objectLockEnabled: false })],
      pass: [bucket({ objectLockEnabled: true })],
    },
    {
      id: "CKV_AWS_300",
      title: "a lifecycle configuration whose rules do not abort incomplete multipart uploads",
      fail: withSetting(T.lifecycle, { rules: [wholeBucketRule] }),
      pass: withSetting(T.lifecycle, { rules: [{ ...wholeBucketRule, ...abortUploads }] }),
    },
    {
      id: "CKV_AWS_18",
      title: "a bucket without server access logging",
      fail: [bucket()],
      pass: withSetting(T.logging, { targetBucket: "central-access-logs", targetPrefix: "bucket/" }),
    },
    {
      id: "CKV_AWS_19",
      title: "a bucket encrypted with an algorithm other than aws:kms or AES256",
      fail: encryption("aws:fsx"),
      pass: encryption("aws:kms"),
    },
    {
      id: "CKV_AWS_20",
      title: "a BucketAcl with the canned ACL public-read",
      fail: withSetting(T.acl, { acl: "public-read" }),
      pass: withSetting(T.acl, { acl: "private" }),
    },
    {
      id: "CKV_AWS_21",
      title: "a bucket without versioning",
      fail: [bucket()],
      pass: withSetting(T.versioning, { versioningConfiguration: { status: "Enabled" } }),
    },
    {
      id: "CKV_AWS_57",
      title: "a BucketAcl granting WRITE to AllUsers",
      fail: grant(ALL_USERS, "WRITE"),
      pass: grant(undefined, "WRITE"),
    },
    {
      id: "CKV_AWS_144",
      title: "a bucket without cross-region replication",
      fail: [bucket()],
      pass: withSetting(T.replication, {
        role: "arn:aws:iam::123456789012:role/replication",
        rules: [{ id: "All", status: "Enabled", destination: { bucket: "arn:aws:s3:::bucket-replica" } }],
      }),
    },
    {
      id: "CKV_AWS_145",
      title: "a bucket encrypted with SSE-S3 (AES256) instead of KMS",
      fail: encryption("AES256"),
      pass: encryption("aws:kms"),
    },
    {
      id: "CKV2_AWS_6",
      title: "a bucket without a public-access block",
      fail: [bucket()],
      pass: withSetting(T.publicAccessBlock, ALL_BLOCKED),
    },
    {
      id: "CKV2_AWS_43",
      title: "a BucketAcl granting READ to AuthenticatedUsers",
      fail: grant(AUTHENTICATED_USERS, "READ"),
      pass: grant(undefined, "READ"),
    },
    {
      id: "CKV2_AWS_61",
      title: "a bucket without a lifecycle configuration",
      fail: [bucket()],
      pass: withSetting(T.lifecycle, { rules: [{ ...wholeBucketRule, ...abortUploads }] }),
    },
    {
      id: "CKV2_AWS_62",
      title: "a bucket without event notifications",
      fail: [bucket()],
      pass: withSetting(T.notification, { eventbridge: true }),
    },
    {
      id: "CKV2_AWS_65",
      title: "ownership controls of ObjectWriter, which keep ACLs in force",
      fail: withSetting(T.ownershipControls, { rule: { objectOwnership: "ObjectWriter" } }),
      pass: withSetting(T.ownershipControls, { rule: { objectOwnership: "BucketOwnerEnforced" } }),
    },
    {
      id: "CKV_AWS_186",
      title: "a BucketObject without kmsKeyId",
      fail: [declared(T.bucketObject, "object", { bucket: "bucket", key: "config.json", content: "{}" })],
      pass: [
        declared(T.bucketObject, "object", {
          bucket: "bucket",
          key: "config.json",
          content: "{}",
          kmsKeyId: KEY_ARN,
        }),
      ],
    },
    {
      id: "CKV_AWS_375",
      title: "a BucketAcl granting READ_ACP to AllUsers",
      fail: grant(ALL_USERS, "READ_ACP"),
      pass: grant(undefined, "READ_ACP"),
    },
    {
      id: "CKV_AWS_379",
      title: "a public-read bucket without a policy denying requests without TLS",
      fail: withSetting(T.acl, { acl: "public-read" }),
      pass: [
        ...withSetting(T.acl, { acl: "public-read" }),
        declared(
          T.policy,
          "bucket-policy",
          {
            bucket: "bucket",
            policy: JSON.stringify({ Version: "2012-10-17", Statement: [tlsDeny("bucket")] }),
          },
          { dependencies: [bucket().urn], propertyDependencies: { bucket: [bucket().urn] } },
        ),
      ],
    },
  ],
  notApplicable: [],
  covered: [
    "CKV2_AWS_43",
    "CKV2_AWS_6",
    "CKV2_AWS_61",
    "CKV2_AWS_62",
    "CKV2_AWS_65",
    "CKV_AWS_143",
    "CKV_AWS_144",
    "CKV_AWS_145",
    "CKV_AWS_18",
    "CKV_AWS_186",
    "CKV_AWS_19",
    "CKV_AWS_20",
    "CKV_AWS_21",
    "CKV_AWS_300",
    "CKV_AWS_375",
    "CKV_AWS_379",
    "CKV_AWS_53",
    "CKV_AWS_54",
    "CKV_AWS_55",
    "CKV_AWS_56",
    "CKV_AWS_57",
    "CKV_AWS_70",
    "CKV_AWS_93",
  ],
};
