/**
 * Policy test helpers: resources as the offline runner records them (inputs, URNs, property dependencies),
 * a compliant data lake to change one field at a time, and the pack's engine run over them.
 */
import { templatePolicyPack } from "../../scripts/cli/offline/policy-check";
import {
  evaluatePolicies,
  resolvePolicies,
  type PackConfig,
  type PolicyEvaluation,
} from "../../scripts/cli/offline/policy-engine";
import type { DeclaredResource, ProgramRun } from "../../scripts/cli/offline/runner";

export const STACK = "test";
export const PROJECT = "fx";

export const T = {
  bucket: "aws:s3/bucket:Bucket",
  encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  versioning: "aws:s3/bucketVersioning:BucketVersioning",
  publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  accountPublicAccessBlock: "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
  policy: "aws:s3/bucketPolicy:BucketPolicy",
  lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  logging: "aws:s3/bucketLogging:BucketLogging",
  acl: "aws:s3/bucketAcl:BucketAcl",
  ownershipControls: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  notification: "aws:s3/bucketNotification:BucketNotification",
  replication: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
  bucketObject: "aws:s3/bucketObject:BucketObject",
  key: "aws:kms/key:Key",
  iamPolicy: "aws:iam/policy:Policy",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  userPolicy: "aws:iam/userPolicy:UserPolicy",
  groupPolicy: "aws:iam/groupPolicy:GroupPolicy",
  role: "aws:iam/role:Role",
  rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  table: "aws:dynamodb/table:Table",
} as const;

export const TAGS = { Project: "fx", Environment: "test", CostCenter: "ml", Owner: "team@example.com" };

export function urnOf(type: string, name: string): string {
  return `urn:pulumi:${STACK}::${PROJECT}::${type}::${name}`;
}

export function declared(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  extra: Partial<DeclaredResource> = {},
): DeclaredResource {
  return {
    type,
    name,
    urn: urnOf(type, name),
    inputs,
    dependencies: [],
    propertyDependencies: {},
    custom: true,
    ...extra,
  };
}

/** A setting resource of `bucket`, joined to it through the property dependencies of `bucket`. */
function settingOf(type: string, bucket: DeclaredResource, suffix: string, inputs: Record<string, unknown>) {
  return declared(
    type,
    `${bucket.name}-${suffix}`,
    { bucket: bucket.name, ...inputs },
    { dependencies: [bucket.urn], propertyDependencies: { bucket: [bucket.urn] } },
  );
}

export function tlsDeny(bucket: string): Record<string, unknown> {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}

export const KEY_ARN = "arn:aws:kms:ap-northeast-2:123456789012:key/lake-key-id";

/**
 * A data lake that passes every policy: a rotating key, a data bucket with SSE-KMS under it, versioning,
 * public-access block, TLS-only policy, the seed's lifecycle rules (and aborting incomplete uploads), events to
 * EventBridge, replication to another region and access logs to a log bucket with SSE-S3; everything tagged
 * and protected.
 */
export function compliantLake(): DeclaredResource[] {
  const keyPolicy = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountAdministersKey",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::123456789012:root" },
        Action: "kms:*",
        Resource: "*",
      },
    ],
  });
  const key = declared(
    T.key,
    "lake-key",
    { enableKeyRotation: true, policy: keyPolicy, tags: TAGS },
    { protect: true },
  );
  const data = declared(T.bucket, "lake-data", { tags: TAGS }, { protect: true });
  const logs = declared(T.bucket, "lake-logs", { tags: TAGS }, { protect: true });
  const allBlocked = {
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  };
  return [
    key,
    data,
    logs,
    {
      ...settingOf(T.encryption, data, "encryption", {
        rules: [
          {
            applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN },
            bucketKeyEnabled: true,
          },
        ],
      }),
      propertyDependencies: { bucket: [data.urn], rules: [key.urn] },
    },
    settingOf(T.encryption, logs, "encryption", {
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    }),
    settingOf(T.versioning, data, "versioning", { versioningConfiguration: { status: "Enabled" } }),
    settingOf(T.versioning, logs, "versioning", { versioningConfiguration: { status: "Enabled" } }),
    settingOf(T.publicAccessBlock, data, "public-access", allBlocked),
    settingOf(T.publicAccessBlock, logs, "public-access", allBlocked),
    settingOf(T.policy, data, "policy", {
      policy: JSON.stringify({ Version: "2012-10-17", Statement: [tlsDeny("lake-data")] }),
    }),
    settingOf(T.policy, logs, "policy", {
      policy: JSON.stringify({ Version: "2012-10-17", Statement: [tlsDeny("lake-logs")] }),
    }),
    settingOf(T.lifecycle, data, "lifecycle", {
      rules: [
        {
          id: "MoveOldDataToGlacier",
          status: "Enabled",
          filter: { prefix: "raw/" },
          transitions: [
            { days: 30, storageClass: "STANDARD_IA" },
            { days: 90, storageClass: "GLACIER" },
          ],
        },
        {
          id: "DeleteOldCheckpoints",
          status: "Enabled",
          filter: { prefix: "artifacts/checkpoints/" },
          expiration: { days: 14 },
        },
        {
          id: "AbortIncompleteMultipartUploads",
          status: "Enabled",
          filter: {},
          abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
        },
      ],
    }),
    settingOf(T.lifecycle, logs, "lifecycle", {
      rules: [
        {
          id: "ExpireAccessLogs",
          status: "Enabled",
          filter: {},
          expiration: { days: 365 },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
        },
      ],
    }),
    settingOf(T.notification, data, "events", { eventbridge: true }),
    settingOf(T.replication, data, "replication", {
      role: "arn:aws:iam::123456789012:role/lake-replication",
      rules: [
        {
          id: "ReplicateAll",
          status: "Enabled",
          filter: {},
          deleteMarkerReplication: { status: "Enabled" },
          destination: { bucket: "arn:aws:s3:::lake-data-replica" },
        },
      ],
    }),
    {
      ...settingOf(T.logging, data, "logging", { targetBucket: "lake-logs", targetPrefix: "s3-access/" }),
      propertyDependencies: { bucket: [data.urn], targetBucket: [logs.urn] },
    },
  ];
}

/** The resources with one resource's inputs changed: `patch` keys replace inputs, `undefined` deletes. */
export function changed(
  resources: readonly DeclaredResource[],
  name: string,
  patch: Record<string, unknown>,
  extra: Partial<DeclaredResource> = {},
): DeclaredResource[] {
  if (!resources.some((r) => r.name === name)) throw new Error(`no resource ${name} to change`);
  return resources.map((r) => {
    if (r.name !== name) return r;
    const inputs = Object.fromEntries(
      Object.entries({ ...r.inputs, ...patch }).filter(([, value]) => value !== undefined),
    );
    return { ...r, inputs, ...extra };
  });
}

export function without(resources: readonly DeclaredResource[], name: string): DeclaredResource[] {
  if (!resources.some((r) => r.name === name)) throw new Error(`no resource ${name} to remove`);
  return resources.filter((r) => r.name !== name);
}

export function runOf(resources: readonly DeclaredResource[]): ProgramRun {
  return {
    project: PROJECT,
    stack: STACK,
    resources: [...resources],
    outputs: {},
    complete: true,
    failures: [],
    lookups: [],
  };
}

/** Evaluates one policy of the pack over the resources, with its pack config entry if given. */
export async function evaluateOne(
  policy: string,
  resources: readonly DeclaredResource[],
  config?: PackConfig[string],
): Promise<PolicyEvaluation> {
  const pack = templatePolicyPack();
  const only = { ...pack, policies: pack.policies.filter((p) => p.name === policy) };
  if (only.policies.length !== 1) throw new Error(`no policy ${policy} in the pack`);
  const resolved = resolvePolicies(only, config === undefined ? {} : { [policy]: config }, "test");
  return evaluatePolicies(runOf(resources), only, resolved);
}

/**
 * The mandatory violations of the template's whole pack over a component's resources, at the policies' own
 * levels (plus `config`, e.g. the exceptions the stacks carry), as `policy: message`: what `mlplat check` would
 * refuse. A component is not a stack, so the stack's budget (`cost-budget-exists`) is left to the program.
 */
export async function componentMandatoryViolations(
  run: ProgramRun,
  config: PackConfig = {},
): Promise<string[]> {
  const pack = templatePolicyPack();
  const { violations } = await evaluatePolicies(run, pack, resolvePolicies(pack, config, "defaults"));
  return violations
    .filter((v) => v.level === "mandatory" && v.policy !== "cost-budget-exists")
    .map((v) => `${v.policy}: ${v.message}`);
}

/** The messages one policy reports over the resources. */
export async function messagesOf(
  policy: string,
  resources: readonly DeclaredResource[],
  config?: PackConfig[string],
): Promise<string[]> {
  return (await evaluateOne(policy, resources, config)).violations.map((v) => v.message);
}
