import { describe, expect, it } from "vitest";

import { policyProxy } from "../../policies/lib/unknown";
import {
  changed,
  compliantLake,
  declared,
  evaluateOne,
  KEY_ARN,
  messagesOf,
  T,
  TAGS,
  tlsDeny,
  without,
} from "./helpers";

const UNKNOWN_STRING = policyProxy.unknownStringValue;
const kms = (kmsMasterKeyId?: string) => ({
  rules: [
    {
      applyServerSideEncryptionByDefault: {
        sseAlgorithm: "aws:kms",
        ...(kmsMasterKeyId ? { kmsMasterKeyId } : {}),
      },
    },
  ],
});
const sseS3 = { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] };

describe("s3-bucket-kms-encryption", () => {
  const policy = "s3-bucket-kms-encryption";

  it("passes the data bucket under a customer-managed key and the log bucket under SSE-S3", async () => {
    expect(await messagesOf(policy, compliantLake())).toEqual([]);
  });

  it("fails a bucket without any encryption configuration (no false pass on S3's SSE-S3 default)", async () => {
    expect(await messagesOf(policy, without(compliantLake(), "lake-data-encryption"))).toEqual([
      `bucket "lake-data" has no default encryption configuration, so it only gets S3's SSE-S3 default: encrypt it with a customer-managed KMS key`,
    ]);
  });

  it("fails a data bucket with SSE-S3", async () => {
    expect(await messagesOf(policy, changed(compliantLake(), "lake-data-encryption", sseS3))).toEqual([
      `bucket "lake-data" is encrypted with AES256, not with a customer-managed KMS key: set sseAlgorithm to aws:kms and kmsMasterKeyId`,
    ]);
  });

  it("fails aws:kms without a key and with the AWS-managed alias", async () => {
    expect(await messagesOf(policy, changed(compliantLake(), "lake-data-encryption", kms()))).toEqual([
      `bucket "lake-data" uses the AWS-managed key aws/s3 (no kmsMasterKeyId): set kmsMasterKeyId to a customer-managed KMS key`,
    ]);
    expect(
      await messagesOf(policy, changed(compliantLake(), "lake-data-encryption", kms("alias/aws/s3"))),
    ).toEqual([
      `bucket "lake-data" uses the AWS-managed key alias/aws/s3: set kmsMasterKeyId to a customer-managed KMS key`,
    ]);
  });

  it("requires SSE-S3 on a server access log target, where S3 cannot deliver logs to SSE-KMS", async () => {
    expect(await messagesOf(policy, changed(compliantLake(), "lake-logs-encryption", kms(KEY_ARN)))).toEqual([
      `bucket "lake-logs" receives server access logs ("lake-data-logging") but is encrypted with aws:kms: S3 delivers server access logs only to buckets encrypted with SSE-S3 (AES256)`,
    ]);
    expect(await messagesOf(policy, without(compliantLake(), "lake-logs-encryption"))).toEqual([
      `bucket "lake-logs" has no default encryption configuration, so it only gets S3's SSE-S3 default: encrypt it with a customer-managed KMS key`,
    ]);
  });

  it("judges a log target like any bucket when logTargetsUseSseS3 is false", async () => {
    expect(await messagesOf(policy, compliantLake(), { logTargetsUseSseS3: false })).toEqual([
      `bucket "lake-logs" is encrypted with AES256, not with a customer-managed KMS key: set sseAlgorithm to aws:kms and kmsMasterKeyId`,
    ]);
  });

  it("reads legacy inline encryption on the bucket", async () => {
    const inline = changed(without(compliantLake(), "lake-data-encryption"), "lake-data", {
      serverSideEncryptionConfiguration: {
        rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN } },
      },
    });
    expect(await messagesOf(policy, inline)).toEqual([]);
  });

  it("joins a setting to its bucket by name when it has no dependency, and ignores settings of other buckets", async () => {
    const named = declared(T.bucket, "named", { bucket: "my-named-bucket", tags: TAGS });
    const encryption = (bucket: string) =>
      declared(T.encryption, `enc-${bucket}`, { bucket, ...kms(KEY_ARN) });
    expect(await messagesOf(policy, [named, encryption("my-named-bucket")])).toEqual([]);
    expect(await messagesOf(policy, [named, encryption("someone-elses-bucket")])).toEqual([
      `bucket "named" has no default encryption configuration, so it only gets S3's SSE-S3 default: encrypt it with a customer-managed KMS key`,
    ]);
  });

  it("passes a key ARN unknown during preview when it comes from a KMS key of the stack", async () => {
    expect(
      await messagesOf(policy, changed(compliantLake(), "lake-data-encryption", kms(UNKNOWN_STRING))),
    ).toEqual([]);
  });

  it("reports an advisory 'can't run' note when an unknown key ARN has no known source", async () => {
    const lake = changed(compliantLake(), "lake-data-encryption", kms(UNKNOWN_STRING), {
      propertyDependencies: { bucket: [compliantLake()[1]?.urn ?? ""] },
    });
    const { violations } = await evaluateOne(policy, lake);
    expect(violations.map((v) => [v.level, v.message])).toEqual([
      [
        "advisory",
        "can't run policy 's3-bucket-kms-encryption' from policy pack 'mlplat-guardrails@v0.1.0' during preview: string value at .rules.0.applyServerSideEncryptionByDefault.kmsMasterKeyId can't be known during preview",
      ],
    ]);
  });

  it("is not applicable to a stack without buckets", async () => {
    const { violations, notApplicable } = await evaluateOne(policy, [
      declared(T.key, "k", { enableKeyRotation: true }),
    ]);
    expect(violations).toEqual([]);
    expect(notApplicable).toEqual({ [policy]: 1 });
  });
});

describe("s3-bucket-public-access-block", () => {
  const policy = "s3-bucket-public-access-block";

  it("passes buckets with all four blocks", async () => {
    expect(await messagesOf(policy, compliantLake())).toEqual([]);
  });

  it("fails a bucket without a public-access block", async () => {
    expect(await messagesOf(policy, without(compliantLake(), "lake-data-public-access"))).toEqual([
      `bucket "lake-data" has no BucketPublicAccessBlock: add one with blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets set to true`,
    ]);
  });

  it("fails a block that leaves one flag off", async () => {
    expect(
      await messagesOf(
        policy,
        changed(compliantLake(), "lake-logs-public-access", { restrictPublicBuckets: false }),
      ),
    ).toEqual([`bucket "lake-logs" does not block all public access: restrictPublicBuckets must be true`]);
  });

  it("accepts the account-wide block in place of per-bucket blocks", async () => {
    const lake = without(without(compliantLake(), "lake-data-public-access"), "lake-logs-public-access");
    const account = declared(T.accountPublicAccessBlock, "account", {
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(await messagesOf(policy, [...lake, account])).toEqual([]);
  });
});

describe("s3-bucket-versioning", () => {
  const policy = "s3-bucket-versioning";

  it("passes data buckets with versioning Enabled", async () => {
    expect(await messagesOf(policy, compliantLake())).toEqual([]);
  });

  it("fails a data bucket without versioning, and one with versioning Suspended", async () => {
    expect(await messagesOf(policy, without(compliantLake(), "lake-data-versioning"))).toEqual([
      `bucket "lake-data" has no BucketVersioning: enable versioning on data buckets`,
    ]);
    expect(
      await messagesOf(
        policy,
        changed(compliantLake(), "lake-data-versioning", {
          versioningConfiguration: { status: "Suspended" },
        }),
      ),
    ).toEqual([`bucket "lake-data" has versioning Suspended, expected Enabled`]);
  });

  it("does not require versioning on a log target unless includeLogTargets is set", async () => {
    const lake = without(compliantLake(), "lake-logs-versioning");
    expect(await messagesOf(policy, lake)).toEqual([]);
    expect(await messagesOf(policy, lake, { includeLogTargets: true })).toEqual([
      `bucket "lake-logs" has no BucketVersioning: enable versioning on data buckets`,
    ]);
  });
});

describe("s3-bucket-lifecycle-rules", () => {
  const policy = "s3-bucket-lifecycle-rules";
  const withTransitions = (transitions: { days: number; storageClass: string }[]) =>
    changed(compliantLake(), "lake-data-lifecycle", {
      rules: [{ id: "Raw", status: "Enabled", filter: { prefix: "raw/" }, transitions }],
    });

  it("passes the seed's rules: STANDARD_IA after 30 days, GLACIER after 90", async () => {
    expect(await messagesOf(policy, compliantLake())).toEqual([]);
  });

  it("fails a data bucket without lifecycle rules, and one whose only rule is disabled", async () => {
    expect(await messagesOf(policy, without(compliantLake(), "lake-data-lifecycle"))).toEqual([
      `bucket "lake-data" has no enabled lifecycle rules: add a BucketLifecycleConfiguration`,
    ]);
    expect(
      await messagesOf(
        policy,
        changed(compliantLake(), "lake-data-lifecycle", { rules: [{ id: "Off", status: "Disabled" }] }),
      ),
    ).toEqual([`bucket "lake-data" has no enabled lifecycle rules: add a BucketLifecycleConfiguration`]);
  });

  it("fails transitions out of order", async () => {
    const lake = withTransitions([
      { days: 30, storageClass: "GLACIER" },
      { days: 90, storageClass: "STANDARD_IA" },
    ]);
    expect(await messagesOf(policy, lake)).toEqual([
      `bucket "lake-data" lifecycle rule "Raw": transitions out of order: STANDARD_IA after 90 days follows GLACIER after 30 days`,
    ]);
  });

  it("fails STANDARD_IA before 30 days and GLACIER less than 30 days after it", async () => {
    expect(await messagesOf(policy, withTransitions([{ days: 20, storageClass: "STANDARD_IA" }]))).toEqual([
      `bucket "lake-data" lifecycle rule "Raw": STANDARD_IA after 20 days: S3 requires at least 30`,
    ]);
    const tooSoon = withTransitions([
      { days: 30, storageClass: "STANDARD_IA" },
      { days: 45, storageClass: "GLACIER" },
    ]);
    expect(await messagesOf(policy, tooSoon)).toEqual([
      `bucket "lake-data" lifecycle rule "Raw": GLACIER after 45 days is less than 30 days after STANDARD_IA (30)`,
    ]);
  });

  it("fails a storage class S3 does not transition to", async () => {
    expect(await messagesOf(policy, withTransitions([{ days: 30, storageClass: "STANDARD" }]))).toEqual([
      `bucket "lake-data" lifecycle rule "Raw": STANDARD is not a storage class S3 transitions to (STANDARD_IA, INTELLIGENT_TIERING, ONEZONE_IA, GLACIER_IR, GLACIER, DEEP_ARCHIVE)`,
    ]);
  });

  it("does not require rules on a log target unless includeLogTargets is set", async () => {
    const lake = without(compliantLake(), "lake-logs-lifecycle");
    expect(await messagesOf(policy, lake)).toEqual([]);
    expect(await messagesOf(policy, lake, { includeLogTargets: true })).toEqual([
      `bucket "lake-logs" has no enabled lifecycle rules: add a BucketLifecycleConfiguration`,
    ]);
  });
});

describe("s3-bucket-tls-only", () => {
  const policy = "s3-bucket-tls-only";
  const policyWith = (statement: Record<string, unknown>) => ({
    policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }),
  });

  it("passes bucket policies that deny s3:* without TLS on the bucket and its objects", async () => {
    expect(await messagesOf(policy, compliantLake())).toEqual([]);
  });

  it("fails a bucket without a bucket policy", async () => {
    expect(await messagesOf(policy, without(compliantLake(), "lake-data-policy"))).toEqual([
      `bucket "lake-data" has no bucket policy: add one that denies requests without TLS`,
    ]);
  });

  it("fails a deny without the SecureTransport condition, and one that misses the bucket itself", async () => {
    const missing = `bucket "lake-data" has a bucket policy without a statement denying s3:* on the bucket and its objects when aws:SecureTransport is false`;
    const { Condition: _c, ...unconditional } = tlsDeny("lake-data");
    expect(
      await messagesOf(policy, changed(compliantLake(), "lake-data-policy", policyWith(unconditional))),
    ).toEqual([missing]);
    const objectsOnly = { ...tlsDeny("lake-data"), Resource: "arn:aws:s3:::lake-data/*" };
    expect(
      await messagesOf(policy, changed(compliantLake(), "lake-data-policy", policyWith(objectsOnly))),
    ).toEqual([missing]);
  });

  it("reads a legacy inline policy on the bucket", async () => {
    const lake = changed(
      without(compliantLake(), "lake-data-policy"),
      "lake-data",
      policyWith(tlsDeny("lake-data")),
    );
    expect(await messagesOf(policy, lake)).toEqual([]);
  });
});

/** A setting resource of the lake's data bucket, joined to it through the property dependencies of `bucket`. */
function dataSetting(type: string, suffix: string, inputs: Record<string, unknown>) {
  const bucketUrn = compliantLake().find((r) => r.name === "lake-data")?.urn ?? "";
  return declared(
    type,
    `lake-data-${suffix}`,
    { bucket: "lake-data", ...inputs },
    { dependencies: [bucketUrn], propertyDependencies: { bucket: [bucketUrn] } },
  );
}

/** The advisory note CrossGuard gives a policy that reads a value unknown during preview. */
async function levelsAndMessages(policy: string, resources: Parameters<typeof evaluateOne>[1]) {
  const { violations } = await evaluateOne(policy, resources);
  return violations.map((v) => [v.level, v.message]);
}

const cantRun = (policy: string, path: string) => [
  "advisory",
  `can't run policy '${policy}' from policy pack 'mlplat-guardrails@v0.1.0' during preview: string value at ${path} can't be known during preview`,
];

describe("s3-bucket-public-access-block on blocks of buckets the stack does not declare", () => {
  const policy = "s3-bucket-public-access-block";
  const block = (inputs: Record<string, unknown>) =>
    declared(T.publicAccessBlock, "shared-block", {
      bucket: "shared-bucket",
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
      ...inputs,
    });

  it("passes a block with all four flags, and fails one that leaves a flag off or unset", async () => {
    expect(await messagesOf(policy, [block({})])).toEqual([]);
    expect(
      await messagesOf(policy, [block({ blockPublicPolicy: false, ignorePublicAcls: undefined })]),
    ).toEqual([
      `BucketPublicAccessBlock "shared-block" does not block all public access: blockPublicPolicy, ignorePublicAcls must be true`,
    ]);
  });

  it("is not applicable to a stack without buckets or blocks", async () => {
    const { notApplicable } = await evaluateOne(policy, [declared(T.key, "k", { enableKeyRotation: true })]);
    expect(notApplicable).toEqual({ [policy]: 1 });
  });
});

describe("s3-bucket-access-logging", () => {
  const policy = "s3-bucket-access-logging";

  it("passes a data bucket that logs to the log bucket, which need not log itself", async () => {
    expect(await messagesOf(policy, compliantLake())).toEqual([]);
  });

  it("fails a data bucket without logging, and the log bucket when includeLogTargets is set", async () => {
    expect(await messagesOf(policy, without(compliantLake(), "lake-data-logging"))).toEqual([
      `bucket "lake-data" has no server access logging: add a BucketLogging with a targetBucket`,
      `bucket "lake-logs" has no server access logging: add a BucketLogging with a targetBucket`,
    ]);
    expect(await messagesOf(policy, compliantLake(), { includeLogTargets: true })).toEqual([
      `bucket "lake-logs" has no server access logging: add a BucketLogging with a targetBucket`,
    ]);
  });

  it("reads inline logging on a Bucket and a BucketV2", async () => {
    const logsUrn = compliantLake().find((r) => r.name === "lake-logs")?.urn ?? "";
    const lake = changed(
      without(compliantLake(), "lake-data-logging"),
      "lake-data",
      { logging: { targetBucket: "lake-logs" } },
      { propertyDependencies: { logging: [logsUrn] } },
    );
    expect(await messagesOf(policy, lake)).toEqual([]);
    const v2 = declared("aws:s3/bucketV2:BucketV2", "v2", { loggings: [{ targetBucket: "central-logs" }] });
    expect(await messagesOf(policy, [v2])).toEqual([]);
  });

  it("is not applicable to a stack without buckets", async () => {
    const { notApplicable } = await evaluateOne(policy, [declared(T.key, "k", { enableKeyRotation: true })]);
    expect(notApplicable).toEqual({ [policy]: 1 });
  });

  it("cannot decide while a logging resource names an unknown bucket it does not depend on", async () => {
    const logging = declared(T.logging, "orphan-logging", { bucket: UNKNOWN_STRING, targetBucket: "x" });
    expect(await levelsAndMessages(policy, [...compliantLake(), logging])).toEqual([
      cantRun(policy, ".bucket"),
    ]);
  });
});

describe("s3-bucket-acl-not-public", () => {
  const policy = "s3-bucket-acl-not-public";
  const ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";
  const AUTHENTICATED = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
  const acl = (inputs: Record<string, unknown>) => [...compliantLake(), dataSetting(T.acl, "acl", inputs)];
  const grants = (...g: { uri?: string; id?: string; permission: string }[]) => ({
    accessControlPolicy: {
      owner: { id: "owner" },
      grants: g.map(({ uri, id, permission }) => ({
        grantee: uri ? { type: "Group", uri } : { type: "CanonicalUser", id },
        permission,
      })),
    },
  });

  it("passes a lake without ACLs, a private canned ACL and grants to the owner", async () => {
    expect(await messagesOf(policy, compliantLake())).toEqual([]);
    expect(await messagesOf(policy, acl({ acl: "private" }))).toEqual([]);
    expect(await messagesOf(policy, acl(grants({ id: "owner", permission: "FULL_CONTROL" })))).toEqual([]);
  });

  it("fails the public canned ACLs", async () => {
    expect(await messagesOf(policy, acl({ acl: "public-read" }))).toEqual([
      `BucketAcl "lake-data-acl" has acl "public-read", which lets anyone list the bucket: use "private"`,
    ]);
    expect(await messagesOf(policy, acl({ acl: "public-read-write" }))).toEqual([
      `BucketAcl "lake-data-acl" has acl "public-read-write", which lets anyone list and write the bucket: use "private"`,
    ]);
    expect(await messagesOf(policy, acl({ acl: "authenticated-read" }))).toEqual([
      `BucketAcl "lake-data-acl" has acl "authenticated-read", which lets every AWS account list the bucket: use "private"`,
    ]);
  });

  it("fails grants to AllUsers and AuthenticatedUsers", async () => {
    expect(
      await messagesOf(
        policy,
        acl(grants({ uri: ALL_USERS, permission: "READ_ACP" }, { uri: AUTHENTICATED, permission: "WRITE" })),
      ),
    ).toEqual([
      `BucketAcl "lake-data-acl" grants READ_ACP to AllUsers (anyone): remove the grant and share through a bucket policy that names the principals`,
      `BucketAcl "lake-data-acl" grants WRITE to AuthenticatedUsers (every AWS account): remove the grant and share through a bucket policy that names the principals`,
    ]);
  });

  it("reads the inline acl and grants of a bucket", async () => {
    const lake = changed(compliantLake(), "lake-data", {
      acl: "public-read",
      grants: [{ type: "Group", uri: ALL_USERS, permissions: ["READ", "WRITE"] }],
    });
    expect(await messagesOf(policy, lake)).toEqual([
      `Bucket "lake-data" has acl "public-read", which lets anyone list the bucket: use "private"`,
      `Bucket "lake-data" grants READ, WRITE to AllUsers (anyone): remove the grant and share through a bucket policy that names the principals`,
    ]);
  });

  it("is not applicable to other types", async () => {
    const { notApplicable } = await evaluateOne(policy, [declared(T.key, "k", { enableKeyRotation: true })]);
    expect(notApplicable).toEqual({ [policy]: 1 });
  });

  it("cannot decide on an ACL unknown during preview", async () => {
    expect(await levelsAndMessages(policy, acl({ acl: UNKNOWN_STRING }))).toEqual([cantRun(policy, ".acl")]);
  });
});

describe("s3-bucket-acls-disabled", () => {
  const policy = "s3-bucket-acls-disabled";
  const ownership = (objectOwnership: string) => [
    ...compliantLake(),
    dataSetting(T.ownershipControls, "ownership", { rule: { objectOwnership } }),
  ];

  it("passes BucketOwnerEnforced", async () => {
    expect(await messagesOf(policy, ownership("BucketOwnerEnforced"))).toEqual([]);
  });

  it("fails ownership that keeps ACLs in force", async () => {
    expect(await messagesOf(policy, ownership("BucketOwnerPreferred"))).toEqual([
      `BucketOwnershipControls "lake-data-ownership" has rule.objectOwnership "BucketOwnerPreferred", which keeps ACLs in force: set it to "BucketOwnerEnforced"`,
    ]);
  });

  it("is not applicable to a lake without ownership controls (S3's default disables ACLs)", async () => {
    const { violations, notApplicable } = await evaluateOne(policy, compliantLake());
    expect(violations).toEqual([]);
    expect(notApplicable).toEqual({ [policy]: compliantLake().length });
  });

  it("cannot decide on an ownership unknown during preview", async () => {
    expect(await levelsAndMessages(policy, ownership(UNKNOWN_STRING))).toEqual([
      cantRun(policy, ".rule.objectOwnership"),
    ]);
  });
});

describe("s3-bucket-policy-not-public", () => {
  const policy = "s3-bucket-policy-not-public";
  const read = {
    Sid: "Read",
    Effect: "Allow",
    Principal: "*",
    Action: "s3:GetObject",
    Resource: "arn:aws:s3:::lake-data/*",
  };
  const withStatements = (...statements: object[]) =>
    changed(compliantLake(), "lake-data-policy", {
      policy: JSON.stringify({ Version: "2012-10-17", Statement: [tlsDeny("lake-data"), ...statements] }),
    });
  const open = `BucketPolicy "lake-data-policy" policy statement "Read" allows s3:GetObject to any principal ("*") without a condition that confines it to an account, organization, VPC or endpoint: name the principals or add such a condition`;

  it("passes the lake's policies: a Deny to everyone, and Allows to named principals", async () => {
    expect(await messagesOf(policy, compliantLake())).toEqual([]);
    const named = { ...read, Principal: { AWS: "arn:aws:iam::123456789012:role/reader" } };
    expect(await messagesOf(policy, withStatements(named))).toEqual([]);
  });

  it('fails an Allow to "*" and to { AWS: "*" } without a condition', async () => {
    expect(await messagesOf(policy, withStatements(read))).toEqual([open]);
    expect(await messagesOf(policy, withStatements({ ...read, Principal: { AWS: ["*"] } }))).toEqual([open]);
  });

  it("passes an Allow to everyone confined to the organization or a VPC endpoint", async () => {
    const org = { ...read, Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } };
    const vpce = { ...read, Condition: { StringEquals: { "aws:sourceVpce": ["vpce-0123456789abcdef0"] } } };
    expect(await messagesOf(policy, withStatements(org, vpce))).toEqual([]);
  });

  it("fails conditions that do not confine the caller: negated, IfExists, wildcard or unrelated keys", async () => {
    for (const Condition of [
      { ArnNotEquals: { "aws:PrincipalArn": "arn:aws:iam::123456789012:role/blocked" } },
      { StringEqualsIfExists: { "aws:SourceVpce": "vpce-0123456789abcdef0" } },
      { StringLike: { "aws:PrincipalAccount": "*" } },
      { Bool: { "aws:SecureTransport": "true" } },
    ]) {
      expect(
        await messagesOf(policy, withStatements({ ...read, Condition })),
        JSON.stringify(Condition),
      ).toEqual([open]);
    }
  });

  it("reads an inline policy on the bucket, given as an object", async () => {
    const lake = changed(compliantLake(), "lake-data", {
      policy: { Version: "2012-10-17", Statement: [{ ...read, Action: ["s3:GetObject", "s3:ListBucket"] }] },
    });
    expect(await messagesOf(policy, lake)).toEqual([
      `Bucket "lake-data" policy statement "Read" allows s3:GetObject, s3:ListBucket to any principal ("*") without a condition that confines it to an account, organization, VPC or endpoint: name the principals or add such a condition`,
    ]);
  });

  it("is not applicable to a bucket without an inline policy", async () => {
    const { violations, notApplicable } = await evaluateOne(policy, [declared(T.bucket, "b", {})]);
    expect(violations).toEqual([]);
    expect(notApplicable).toEqual({ [policy]: 1 });
  });

  it("cannot decide on a policy unknown during preview", async () => {
    const lake = changed(compliantLake(), "lake-data-policy", { policy: UNKNOWN_STRING });
    expect(await levelsAndMessages(policy, lake)).toEqual([cantRun(policy, ".policy")]);
  });
});

describe("s3-bucket-policy-no-lockout", () => {
  const policy = "s3-bucket-policy-no-lockout";
  const deny = {
    Sid: "DenyAll",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: ["arn:aws:s3:::lake-data", "arn:aws:s3:::lake-data/*"],
  };
  const withStatement = (statement: object) =>
    changed(compliantLake(), "lake-data-policy", {
      policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }),
    });
  const lockout = (actions: string) =>
    `BucketPolicy "lake-data-policy" policy statement "DenyAll" denies ${actions} to every principal without a condition, so only the account root could change the bucket policy again: exempt the administrators with a condition or narrow the actions`;

  it("passes the lake's conditional TLS deny", async () => {
    expect(await messagesOf(policy, compliantLake())).toEqual([]);
  });

  it("fails an unconditional Deny to everyone of an action covering s3:PutBucketPolicy on the bucket", async () => {
    expect(await messagesOf(policy, withStatement(deny))).toEqual([lockout("s3:*")]);
    expect(await messagesOf(policy, withStatement({ ...deny, Action: "s3:put*" }))).toEqual([
      lockout("s3:put*"),
    ]);
    expect(await messagesOf(policy, withStatement({ ...deny, Action: ["s3:*BucketPolicy"] }))).toEqual([
      lockout("s3:*BucketPolicy"),
    ]);
  });

  it("passes a Deny with a condition, on objects only, or of actions that leave the policy alone", async () => {
    const exempt = { ArnNotEquals: { "aws:PrincipalArn": "arn:aws:iam::123456789012:role/admin" } };
    expect(await messagesOf(policy, withStatement({ ...deny, Condition: exempt }))).toEqual([]);
    expect(
      await messagesOf(policy, withStatement({ ...deny, Resource: "arn:aws:s3:::lake-data/*" })),
    ).toEqual([]);
    expect(await messagesOf(policy, withStatement({ ...deny, Action: "s3:DeleteBucket" }))).toEqual([]);
  });

  it("is not applicable to a bucket without an inline policy", async () => {
    const { notApplicable } = await evaluateOne(policy, [declared(T.bucket, "b", {})]);
    expect(notApplicable).toEqual({ [policy]: 1 });
  });

  it("cannot decide on a policy unknown during preview", async () => {
    const lake = changed(compliantLake(), "lake-data-policy", { policy: UNKNOWN_STRING });
    expect(await levelsAndMessages(policy, lake)).toEqual([cantRun(policy, ".policy")]);
  });
});

describe("s3-lifecycle-abort-incomplete-uploads", () => {
  const policy = "s3-lifecycle-abort-incomplete-uploads";
  const abort = { abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } };
  const withRules = (...rules: object[]) => changed(compliantLake(), "lake-logs-lifecycle", { rules });
  const missing = (detail: string) =>
    `BucketLifecycleConfiguration "lake-logs-lifecycle" has no enabled rule that aborts incomplete multipart uploads for the whole bucket${detail}: add a rule with status "Enabled", an empty filter and abortIncompleteMultipartUpload { daysAfterInitiation: 7 }`;

  it("passes the lake's configurations, each with a whole-bucket abort rule", async () => {
    expect(await messagesOf(policy, compliantLake())).toEqual([]);
    expect(await messagesOf(policy, withRules({ id: "Abort", status: "Enabled", ...abort }))).toEqual([]);
    expect(
      await messagesOf(
        policy,
        withRules({ id: "Abort", status: "Enabled", filter: { prefix: "" }, ...abort }),
      ),
    ).toEqual([]);
  });

  it("fails a configuration whose rules do not abort incomplete uploads", async () => {
    expect(
      await messagesOf(
        policy,
        withRules({ id: "Expire", status: "Enabled", filter: {}, expiration: { days: 30 } }),
      ),
    ).toEqual([missing("")]);
  });

  it("fails an abort rule that is disabled or filtered by prefix or size", async () => {
    expect(
      await messagesOf(policy, withRules({ id: "Abort", status: "Disabled", filter: {}, ...abort })),
    ).toEqual([missing(' (rule "Abort" is Disabled)')]);
    expect(
      await messagesOf(
        policy,
        withRules(
          { id: "Raw", status: "Enabled", filter: { prefix: "raw/" }, ...abort },
          { id: "Big", status: "Enabled", filter: { objectSizeGreaterThan: 1024 }, ...abort },
        ),
      ),
    ).toEqual([missing(' (rule "Raw" only covers its filter; rule "Big" only covers its filter)')]);
  });

  it("reads a bucket's inline lifecycle rules", async () => {
    const inline = (rule: object) =>
      changed(compliantLake(), "lake-data", { lifecycleRules: [{ id: "Inline", enabled: true, ...rule }] });
    expect(await messagesOf(policy, inline({ abortIncompleteMultipartUploadDays: 7 }))).toEqual([]);
    expect(
      await messagesOf(policy, inline({ abortIncompleteMultipartUploadDays: 7, prefix: "raw/" })),
    ).toEqual([
      `Bucket "lake-data" has no enabled lifecycle rule without prefix or tags that sets abortIncompleteMultipartUploadDays: add one (e.g. 7 days)`,
    ]);
  });

  it("is not applicable to a bucket without inline rules", async () => {
    const { notApplicable } = await evaluateOne(policy, [declared(T.bucket, "b", {})]);
    expect(notApplicable).toEqual({ [policy]: 1 });
  });

  it("cannot decide on a rule status unknown during preview", async () => {
    expect(
      await levelsAndMessages(
        policy,
        withRules({ id: "Abort", status: UNKNOWN_STRING, filter: {}, ...abort }),
      ),
    ).toEqual([cantRun(policy, ".rules.0.status")]);
  });
});

describe("s3-bucket-object-lock", () => {
  const policy = "s3-bucket-object-lock";

  it("passes a bucket with object lock enabled, either way", async () => {
    expect(
      await messagesOf(policy, changed(compliantLake(), "lake-data", { objectLockEnabled: true })),
    ).toEqual([]);
    expect(
      await messagesOf(
        policy,
        changed(compliantLake(), "lake-data", { objectLockConfiguration: { objectLockEnabled: "Enabled" } }),
      ),
    ).toEqual([]);
  });

  it("fails a bucket that turns object lock off", async () => {
    expect(
      await messagesOf(policy, changed(compliantLake(), "lake-data", { objectLockEnabled: false })),
    ).toEqual([`Bucket "lake-data" has objectLockEnabled false: set it to true to keep objects write-once`]);
    const v2 = declared("aws:s3/bucketV2:BucketV2", "v2", {
      objectLockConfiguration: { objectLockEnabled: "Disabled" },
    });
    expect(await messagesOf(policy, [v2])).toEqual([
      `BucketV2 "v2" has objectLockConfiguration.objectLockEnabled "Disabled": set it to "Enabled"`,
    ]);
  });

  it("is not applicable to buckets that do not configure object lock", async () => {
    const { violations, notApplicable } = await evaluateOne(policy, compliantLake());
    expect(violations).toEqual([]);
    expect(notApplicable).toEqual({ [policy]: compliantLake().length });
  });

  it("cannot decide on a configuration unknown during preview", async () => {
    const lake = changed(compliantLake(), "lake-data", {
      objectLockConfiguration: { objectLockEnabled: UNKNOWN_STRING },
    });
    expect(await levelsAndMessages(policy, lake)).toEqual([
      cantRun(policy, ".objectLockConfiguration.objectLockEnabled"),
    ]);
  });
});

describe("s3-bucket-replication", () => {
  const policy = "s3-bucket-replication";

  it("passes a data bucket replicating to another region; the log bucket is not required to", async () => {
    expect(await messagesOf(policy, compliantLake())).toEqual([]);
  });

  it("fails a data bucket without replication, and one whose rules are all disabled", async () => {
    expect(await messagesOf(policy, without(compliantLake(), "lake-data-replication"))).toEqual([
      `bucket "lake-data" has no replication configuration: add a BucketReplicationConfig to another region`,
    ]);
    expect(
      await messagesOf(
        policy,
        changed(compliantLake(), "lake-data-replication", {
          rules: [{ id: "Off", status: "Disabled", destination: { bucket: "arn:aws:s3:::replica" } }],
        }),
      ),
    ).toEqual([`bucket "lake-data" has replication rules Disabled, none Enabled`]);
  });

  it("reads inline replication on a bucket, and requires it of log targets with includeLogTargets", async () => {
    const inline = changed(without(compliantLake(), "lake-data-replication"), "lake-data", {
      replicationConfiguration: { role: "r", rules: [{ status: "Enabled", destination: { bucket: "b" } }] },
    });
    expect(await messagesOf(policy, inline)).toEqual([]);
    expect(await messagesOf(policy, compliantLake(), { includeLogTargets: true })).toEqual([
      `bucket "lake-logs" has no replication configuration: add a BucketReplicationConfig to another region`,
    ]);
  });

  it("is not applicable to a stack without data buckets", async () => {
    const { notApplicable } = await evaluateOne(policy, [declared(T.key, "k", { enableKeyRotation: true })]);
    expect(notApplicable).toEqual({ [policy]: 1 });
  });

  it("cannot decide on a rule status unknown during preview", async () => {
    const lake = changed(compliantLake(), "lake-data-replication", {
      rules: [{ status: UNKNOWN_STRING, destination: { bucket: "b" } }],
    });
    expect(await levelsAndMessages(policy, lake)).toEqual([cantRun(policy, ".rules.0.status")]);
  });
});

describe("s3-bucket-event-notifications", () => {
  const policy = "s3-bucket-event-notifications";

  it("passes a data bucket sending its events to EventBridge, or to a queue", async () => {
    expect(await messagesOf(policy, compliantLake())).toEqual([]);
    const queue = changed(compliantLake(), "lake-data-events", {
      eventbridge: undefined,
      queues: [{ queueArn: "arn:aws:sqs:ap-northeast-2:123456789012:q", events: ["s3:ObjectCreated:*"] }],
    });
    expect(await messagesOf(policy, queue)).toEqual([]);
  });

  it("fails a data bucket without notifications, and one whose notification has no destination", async () => {
    expect(await messagesOf(policy, without(compliantLake(), "lake-data-events"))).toEqual([
      `bucket "lake-data" has no BucketNotification: send its events to EventBridge (eventbridge: true) or a Lambda function, queue or topic`,
    ]);
    expect(
      await messagesOf(policy, changed(compliantLake(), "lake-data-events", { eventbridge: false })),
    ).toEqual([
      `bucket "lake-data" has a BucketNotification without destinations: set eventbridge: true or add lambdaFunctions, queues or topics`,
    ]);
  });

  it("is not applicable to a stack without data buckets", async () => {
    const { notApplicable } = await evaluateOne(policy, [declared(T.key, "k", { enableKeyRotation: true })]);
    expect(notApplicable).toEqual({ [policy]: 1 });
  });

  it("cannot decide while a notification names an unknown bucket it does not depend on", async () => {
    const orphan = declared(T.notification, "orphan-events", { bucket: UNKNOWN_STRING, eventbridge: true });
    expect(await levelsAndMessages(policy, [...compliantLake(), orphan])).toEqual([
      cantRun(policy, ".bucket"),
    ]);
  });
});

describe("s3-object-kms-cmk", () => {
  const policy = "s3-object-kms-cmk";
  const object = (inputs: Record<string, unknown>) =>
    declared(T.bucketObject, "config", { bucket: "lake-data", key: "config.json", content: "{}", ...inputs });

  it("passes a BucketObject encrypted with a customer-managed key", async () => {
    expect(await messagesOf(policy, [object({ kmsKeyId: KEY_ARN })])).toEqual([]);
  });

  it("fails a BucketObject without kmsKeyId", async () => {
    expect(await messagesOf(policy, [object({})])).toEqual([
      `BucketObject "config" has no kmsKeyId: set it to a customer-managed KMS key ARN`,
    ]);
  });

  it("is not applicable to BucketObjectv2, which takes the bucket's default encryption", async () => {
    const v2 = declared("aws:s3/bucketObjectv2:BucketObjectv2", "v2", { bucket: "lake-data", key: "k" });
    const { violations, notApplicable } = await evaluateOne(policy, [v2]);
    expect(violations).toEqual([]);
    expect(notApplicable).toEqual({ [policy]: 1 });
  });

  it("cannot decide on a key unknown during preview", async () => {
    expect(await levelsAndMessages(policy, [object({ kmsKeyId: UNKNOWN_STRING })])).toEqual([
      cantRun(policy, ".kmsKeyId"),
    ]);
  });
});
