import { describe, expect, it } from "vitest";

import { policyProxy } from "../../policies/lib/unknown";
import { rdsBackups } from "../../policies/rds/backups";
import { rdsClusterEncrypted } from "../../policies/rds/cluster-encrypted";
import { rdsDeletionProtection } from "../../policies/rds/deletion-protection";
import { rdsNotPublic } from "../../policies/rds/not-public";
import { templatePolicyPack } from "../../scripts/cli/offline/policy-check";
import {
  evaluatePolicies,
  resolvePolicies,
  type PackConfig,
  type PolicyEvaluation,
} from "../../scripts/cli/offline/policy-engine";
import type { DeclaredResource } from "../../scripts/cli/offline/runner";
import { changed, declared, runOf, TAGS } from "./helpers";

const UNKNOWN_STRING = policyProxy.unknownStringValue;

const KEY = "aws:kms/key:Key";
const CLUSTER = "aws:rds/cluster:Cluster";
const CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance";
const INSTANCE = "aws:rds/instance:Instance";

const KEY_ARN = "arn:aws:kms:ap-northeast-2:123456789012:key/db-key-id";

/** The RDS policies, evaluated with the pack's engine (the pack's name and version, these policies). */
const RDS_POLICIES = [rdsClusterEncrypted, rdsNotPublic, rdsBackups, rdsDeletionProtection];

async function evaluate(
  policy: string,
  resources: readonly DeclaredResource[],
  config?: PackConfig[string],
): Promise<PolicyEvaluation> {
  const pack = { ...templatePolicyPack(), policies: RDS_POLICIES.filter((p) => p.name === policy) };
  if (pack.policies.length !== 1) throw new Error(`no RDS policy ${policy}`);
  const resolved = resolvePolicies(pack, config === undefined ? {} : { [policy]: config }, "test");
  return evaluatePolicies(runOf(resources), pack, resolved);
}

async function messagesOf(
  policy: string,
  resources: readonly DeclaredResource[],
  config?: PackConfig[string],
): Promise<string[]> {
  return (await evaluate(policy, resources, config)).violations.map((v) => v.message);
}

const key = declared(KEY, "db-key", { enableKeyRotation: true, tags: TAGS });

/** An Aurora Serverless v2 store as the RelationalStore component declares it. */
function aurora(): DeclaredResource[] {
  const cluster = declared(
    CLUSTER,
    "db-cluster",
    {
      clusterIdentifier: "db",
      engine: "aurora-postgresql",
      engineMode: "provisioned",
      storageEncrypted: true,
      kmsKeyId: KEY_ARN,
      backupRetentionPeriod: 7,
      deletionProtection: true,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: "db-final",
      tags: TAGS,
    },
    { propertyDependencies: { kmsKeyId: [key.urn] }, dependencies: [key.urn] },
  );
  const writer = declared(
    CLUSTER_INSTANCE,
    "db-writer",
    { identifier: "db-writer", instanceClass: "db.serverless", publiclyAccessible: false, tags: TAGS },
    { propertyDependencies: { clusterIdentifier: [cluster.urn] }, dependencies: [cluster.urn] },
  );
  return [key, cluster, writer];
}

/** A standalone RDS PostgreSQL instance that passes every RDS policy. */
function standalone(): DeclaredResource[] {
  return [
    key,
    declared(
      INSTANCE,
      "pg",
      {
        engine: "postgres",
        instanceClass: "db.t4g.micro",
        storageEncrypted: true,
        kmsKeyId: KEY_ARN,
        publiclyAccessible: false,
        backupRetentionPeriod: 14,
        deletionProtection: true,
        skipFinalSnapshot: false,
        tags: TAGS,
      },
      { propertyDependencies: { kmsKeyId: [key.urn] } },
    ),
  ];
}

describe("RDS policies", () => {
  it("have kebab-case ids, one-sentence descriptions, a severity, remediation and a mandatory default", () => {
    expect(RDS_POLICIES.map((p) => [p.name, p.severity, p.enforcementLevel])).toEqual([
      ["rds-cluster-encrypted", "high", "mandatory"],
      ["rds-not-public", "critical", "mandatory"],
      ["rds-backups", "high", "mandatory"],
      ["rds-deletion-protection", "medium", "mandatory"],
    ]);
    for (const p of RDS_POLICIES) {
      expect(p.description).toMatch(/^[A-Z][^.]*\.$/);
      expect(p.remediationSteps?.length).toBeGreaterThan(20);
    }
  });

  it("pass the Aurora store the component declares and a compliant RDS instance", async () => {
    for (const policy of RDS_POLICIES.map((p) => p.name)) {
      expect(await messagesOf(policy, aurora()), `${policy} aurora`).toEqual([]);
      expect(await messagesOf(policy, standalone()), `${policy} instance`).toEqual([]);
    }
  });

  it("are not applicable to a stack without RDS", async () => {
    for (const policy of RDS_POLICIES.map((p) => p.name)) {
      const { violations, notApplicable } = await evaluate(policy, [key]);
      expect(violations).toEqual([]);
      expect(notApplicable[policy], policy).toBeGreaterThanOrEqual(1);
    }
  });
});

describe("rds-cluster-encrypted", () => {
  const policy = "rds-cluster-encrypted";

  it("fails an unencrypted cluster, whether false or left unset", async () => {
    expect(await messagesOf(policy, changed(aurora(), "db-cluster", { storageEncrypted: false }))).toEqual([
      'RDS cluster "db-cluster" is not encrypted at rest: set storageEncrypted to true and kmsKeyId',
    ]);
    expect(
      await messagesOf(policy, changed(aurora(), "db-cluster", { storageEncrypted: undefined })),
    ).toEqual([
      'RDS cluster "db-cluster" is not encrypted at rest: set storageEncrypted to true and kmsKeyId',
    ]);
  });

  it("fails the AWS-managed key, left out or named", async () => {
    const noKey = changed(aurora(), "db-cluster", { kmsKeyId: undefined }, { propertyDependencies: {} });
    expect(await messagesOf(policy, noKey)).toEqual([
      'RDS cluster "db-cluster" is encrypted with the AWS-managed key aws/rds (no kmsKeyId): set kmsKeyId to a customer-managed KMS key',
    ]);
    const named = changed(
      standalone(),
      "pg",
      { kmsKeyId: "arn:aws:kms:ap-northeast-2:123456789012:alias/aws/rds" },
      { propertyDependencies: {} },
    );
    expect(await messagesOf(policy, named)).toEqual([
      `RDS instance "pg" is encrypted with AWS's own key "arn:aws:kms:ap-northeast-2:123456789012:alias/aws/rds": set kmsKeyId to a customer-managed KMS key`,
    ]);
  });

  it("accepts a key ARN unknown during preview when it comes from a key of the stack", async () => {
    const preview = changed(aurora(), "db-cluster", { kmsKeyId: UNKNOWN_STRING });
    expect(await messagesOf(policy, preview)).toEqual([]);
  });
});

describe("rds-not-public", () => {
  const policy = "rds-not-public";

  it("fails a publicly accessible cluster instance or RDS instance", async () => {
    expect(await messagesOf(policy, changed(aurora(), "db-writer", { publiclyAccessible: true }))).toEqual([
      'RDS cluster instance "db-writer" is publicly accessible: set publiclyAccessible to false',
    ]);
    expect(await messagesOf(policy, changed(standalone(), "pg", { publiclyAccessible: true }))).toEqual([
      'RDS instance "pg" is publicly accessible: set publiclyAccessible to false',
    ]);
  });

  it("accepts the provider's default (false) when the setting is left out", async () => {
    expect(
      await messagesOf(policy, changed(aurora(), "db-writer", { publiclyAccessible: undefined })),
    ).toEqual([]);
  });
});

describe("rds-backups", () => {
  const policy = "rds-backups";

  it("fails fewer days of backups than required, and none set", async () => {
    expect(await messagesOf(policy, changed(aurora(), "db-cluster", { backupRetentionPeriod: 1 }))).toEqual([
      'RDS cluster "db-cluster" keeps automated backups for 1 day: set backupRetentionPeriod to at least 7',
    ]);
    expect(
      await messagesOf(policy, changed(aurora(), "db-cluster", { backupRetentionPeriod: undefined })),
    ).toEqual([
      'RDS cluster "db-cluster" leaves backupRetentionPeriod unset (RDS keeps 1 day): set it to at least 7',
    ]);
  });

  it("fails a delete without a final snapshot, unless the pack config allows it", async () => {
    const skip = changed(aurora(), "db-cluster", {
      skipFinalSnapshot: true,
      finalSnapshotIdentifier: undefined,
    });
    expect(await messagesOf(policy, skip)).toEqual([
      'RDS cluster "db-cluster" is deleted without a final snapshot: set skipFinalSnapshot to false and a finalSnapshotIdentifier',
    ]);
    expect(await messagesOf(policy, skip, { requireFinalSnapshot: false })).toEqual([]);
  });

  it("takes the minimum number of days from the pack config", async () => {
    expect(await messagesOf(policy, aurora(), { minRetentionDays: 14 })).toEqual([
      'RDS cluster "db-cluster" keeps automated backups for 7 days: set backupRetentionPeriod to at least 14',
    ]);
  });
});

describe("rds-deletion-protection", () => {
  const policy = "rds-deletion-protection";

  it("fails a cluster or instance without deletion protection, false or unset", async () => {
    expect(await messagesOf(policy, changed(aurora(), "db-cluster", { deletionProtection: false }))).toEqual([
      'RDS cluster "db-cluster" has no deletion protection: set deletionProtection to true',
    ]);
    expect(await messagesOf(policy, changed(standalone(), "pg", { deletionProtection: undefined }))).toEqual([
      'RDS instance "pg" has no deletion protection: set deletionProtection to true',
    ]);
  });

  it("reports at the level the pack config gives (advisory in development)", async () => {
    const { violations } = await evaluate(
      policy,
      changed(aurora(), "db-cluster", { deletionProtection: false }),
      "advisory",
    );
    expect(violations.map((v) => v.level)).toEqual(["advisory"]);
  });
});
