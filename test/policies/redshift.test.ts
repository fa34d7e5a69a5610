import { describe, expect, it } from "vitest";

import { policyProxy } from "../../policies/lib/unknown";
import { redshiftAuditLogging } from "../../policies/redshift/audit-logging";
import { redshiftClusterMaintained } from "../../policies/redshift/cluster-maintained";
import { redshiftDatabaseName } from "../../policies/redshift/database-name";
import { redshiftEncrypted } from "../../policies/redshift/encrypted";
import { redshiftInVpc } from "../../policies/redshift/in-vpc";
import { redshiftNotPublic } from "../../policies/redshift/not-public";
import { redshiftRequireSsl } from "../../policies/redshift/require-ssl";
import { templatePolicyPack } from "../../scripts/cli/offline/policy-check";
import {
  evaluatePolicies,
  resolvePolicies,
  type PackConfig,
  type PolicyEvaluation,
} from "../../scripts/cli/offline/policy-engine";
import type { DeclaredResource } from "../../scripts/cli/offline/runner";
import { changed, declared, runOf, TAGS, without } from "./helpers";

const UNKNOWN_STRING = policyProxy.unknownStringValue;

const KEY = "aws:kms/key:Key";
const NAMESPACE = "aws:redshiftserverless/namespace:Namespace";
const WORKGROUP = "aws:redshiftserverless/workgroup:Workgroup";
const CLUSTER = "aws:redshift/cluster:Cluster";
const LOGGING = "aws:redshift/logging:Logging";
const PARAMETER_GROUP = "aws:redshift/parameterGroup:ParameterGroup";
const COPY_GRANT = "aws:redshift/snapshotCopyGrant:SnapshotCopyGrant";

const KEY_ARN = "arn:aws:kms:ap-northeast-2:123456789012:key/wh-key-id";
const LOGS = ["connectionlog", "userlog", "useractivitylog"];

/** The Redshift policies, evaluated with the pack's engine (the pack's name and version, these policies). */
const REDSHIFT_POLICIES = [
  redshiftNotPublic,
  redshiftEncrypted,
  redshiftAuditLogging,
  redshiftRequireSsl,
  redshiftInVpc,
  redshiftClusterMaintained,
  redshiftDatabaseName,
];

async function evaluate(
  policy: string,
  resources: readonly DeclaredResource[],
  config?: PackConfig[string],
): Promise<PolicyEvaluation> {
  const pack = { ...templatePolicyPack(), policies: REDSHIFT_POLICIES.filter((p) => p.name === policy) };
  if (pack.policies.length !== 1) throw new Error(`no Redshift policy ${policy}`);
  const resolved = resolvePolicies(pack, config === undefined ? {} : { [policy]: config }, "test");
  return evaluatePolicies(runOf(resources), pack, resolved);
}

async function messagesOf(policy: string, resources: readonly DeclaredResource[]): Promise<string[]> {
  return (await evaluate(policy, resources)).violations.map((v) => v.message);
}

const key = declared(KEY, "wh-key", { enableKeyRotation: true, tags: TAGS });

/** A serverless warehouse as the Warehouse component declares it. */
function serverless(): DeclaredResource[] {
  const namespace = declared(
    NAMESPACE,
    "wh-namespace",
    { namespaceName: "wh", dbName: "analytics", kmsKeyId: KEY_ARN, logExports: LOGS, tags: TAGS },
    { propertyDependencies: { kmsKeyId: [key.urn] }, dependencies: [key.urn] },
  );
  const workgroup = declared(
    WORKGROUP,
    "wh-workgroup",
    {
      workgroupName: "wh",
      namespaceName: "wh",
      publiclyAccessible: false,
      enhancedVpcRouting: true,
      configParameters: [
        { parameterKey: "require_ssl", parameterValue: "true" },
        { parameterKey: "enable_user_activity_logging", parameterValue: "true" },
      ],
      tags: TAGS,
    },
    { propertyDependencies: { namespaceName: [namespace.urn] }, dependencies: [namespace.urn] },
  );
  return [key, namespace, workgroup];
}

/** A provisioned warehouse as the Warehouse component declares it: cluster, parameter group, logging. */
function provisioned(): DeclaredResource[] {
  const params = declared(PARAMETER_GROUP, "wh-params", {
    family: "redshift-1.0",
    parameters: [
      { name: "require_ssl", value: "true" },
      { name: "enable_user_activity_logging", value: "true" },
    ],
    tags: TAGS,
  });
  const cluster = declared(
    CLUSTER,
    "wh-cluster",
    {
      clusterIdentifier: "wh",
      nodeType: "ra3.large",
      databaseName: "analytics",
      masterUsername: "warehouse_admin",
      encrypted: "true",
      kmsKeyId: KEY_ARN,
      publiclyAccessible: false,
      enhancedVpcRouting: true,
      clusterSubnetGroupName: "wh-subnets-1a2b3c4",
      clusterParameterGroupName: "wh-params-1a2b3c4",
      automatedSnapshotRetentionPeriod: 7,
      tags: TAGS,
    },
    {
      propertyDependencies: { kmsKeyId: [key.urn], clusterParameterGroupName: [params.urn] },
      dependencies: [key.urn, params.urn],
    },
  );
  const logging = declared(
    LOGGING,
    "wh-logging",
    { clusterIdentifier: "wh", logDestinationType: "cloudwatch", logExports: LOGS },
    { propertyDependencies: { clusterIdentifier: [cluster.urn] }, dependencies: [cluster.urn] },
  );
  return [key, params, cluster, logging];
}

describe("Redshift policies", () => {
  it("have kebab-case ids, one-sentence descriptions, a severity, remediation and a mandatory default", () => {
    expect(REDSHIFT_POLICIES.map((p) => [p.name, p.severity, p.enforcementLevel])).toEqual([
      ["redshift-not-public", "critical", "mandatory"],
      ["redshift-encrypted", "high", "mandatory"],
      ["redshift-audit-logging", "medium", "mandatory"],
      ["redshift-require-ssl", "high", "mandatory"],
      ["redshift-in-vpc", "medium", "mandatory"],
      ["redshift-cluster-maintained", "medium", "mandatory"],
      ["redshift-database-name", "low", "advisory"],
    ]);
    for (const p of REDSHIFT_POLICIES) {
      expect(p.description).toMatch(/^[A-Z][^.]*(\.[^ .][^.]*)*\.$/);
      expect(p.remediationSteps?.length).toBeGreaterThan(20);
    }
  });
});

describe("Redshift policies on the warehouse the component declares", () => {
  it("pass both variants", async () => {
    for (const policy of REDSHIFT_POLICIES.map((p) => p.name)) {
      expect(await messagesOf(policy, serverless()), `${policy} serverless`).toEqual([]);
      expect(await messagesOf(policy, provisioned()), `${policy} provisioned`).toEqual([]);
    }
  });

  it("are not applicable to a stack without Redshift", async () => {
    for (const policy of REDSHIFT_POLICIES.map((p) => p.name)) {
      const { violations, notApplicable } = await evaluate(policy, [key]);
      expect(violations).toEqual([]);
      expect(notApplicable[policy], policy).toBe(1);
    }
  });
});

describe("redshift-not-public", () => {
  const policy = "redshift-not-public";

  it("fails a publicly accessible cluster or workgroup", async () => {
    expect(
      await messagesOf(policy, changed(provisioned(), "wh-cluster", { publiclyAccessible: true })),
    ).toEqual(['Redshift cluster "wh-cluster" is publicly accessible: set publiclyAccessible to false']);
    expect(
      await messagesOf(policy, changed(serverless(), "wh-workgroup", { publiclyAccessible: true })),
    ).toEqual([
      'Redshift Serverless workgroup "wh-workgroup" is publicly accessible: set publiclyAccessible to false',
    ]);
  });

  it("names a common master user name on a public cluster (Checkov CKV_AWS_391)", async () => {
    const admin = changed(provisioned(), "wh-cluster", {
      masterUsername: "admin",
      publiclyAccessible: undefined,
    });
    expect(await messagesOf(policy, admin)).toEqual([
      `Redshift cluster "wh-cluster" leaves publiclyAccessible unset, and its master user has the common name "admin": set it to false (the provider's default has changed between versions)`,
    ]);
    expect(await messagesOf(policy, changed(admin, "wh-cluster", { publiclyAccessible: false }))).toEqual([]);
    const unknownName = changed(admin, "wh-cluster", {
      masterUsername: UNKNOWN_STRING,
      publiclyAccessible: true,
    });
    expect(await messagesOf(policy, unknownName)).toEqual([
      'Redshift cluster "wh-cluster" is publicly accessible: set publiclyAccessible to false',
    ]);
  });

  it("fails a setting left to the provider's default", async () => {
    expect(
      await messagesOf(policy, changed(serverless(), "wh-workgroup", { publiclyAccessible: undefined })),
    ).toEqual([
      `Redshift Serverless workgroup "wh-workgroup" leaves publiclyAccessible unset: set it to false (the provider's default has changed between versions)`,
    ]);
  });
});

describe("redshift-encrypted", () => {
  const policy = "redshift-encrypted";

  it("fails a namespace on the AWS-owned key, whether left out or named", async () => {
    const noKey = changed(
      serverless(),
      "wh-namespace",
      { kmsKeyId: undefined },
      { propertyDependencies: {} },
    );
    expect(await messagesOf(policy, noKey)).toEqual([
      'Redshift Serverless namespace "wh-namespace" is encrypted with an AWS-owned key (no kmsKeyId): set kmsKeyId to a customer-managed KMS key',
    ]);
    const owned = changed(
      serverless(),
      "wh-namespace",
      { kmsKeyId: "AWS_OWNED_KMS_KEY" },
      { propertyDependencies: {} },
    );
    expect(await messagesOf(policy, owned)).toEqual([
      `Redshift Serverless namespace "wh-namespace" is encrypted with AWS's own key "AWS_OWNED_KMS_KEY": set kmsKeyId to a customer-managed KMS key`,
    ]);
  });

  it("fails an unencrypted cluster, and one on the AWS-managed key", async () => {
    expect(await messagesOf(policy, changed(provisioned(), "wh-cluster", { encrypted: "false" }))).toEqual([
      'Redshift cluster "wh-cluster" is not encrypted at rest: set encrypted to true and kmsKeyId',
    ]);
    const managed = changed(
      provisioned(),
      "wh-cluster",
      { kmsKeyId: "arn:aws:kms:ap-northeast-2:123456789012:alias/aws/redshift" },
      { propertyDependencies: {} },
    );
    expect(await messagesOf(policy, managed)).toEqual([
      `Redshift cluster "wh-cluster" is encrypted with AWS's own key "arn:aws:kms:ap-northeast-2:123456789012:alias/aws/redshift": set kmsKeyId to a customer-managed KMS key`,
    ]);
    const none = changed(provisioned(), "wh-cluster", { kmsKeyId: undefined }, { propertyDependencies: {} });
    expect(await messagesOf(policy, none)).toEqual([
      'Redshift cluster "wh-cluster" is encrypted with the AWS-managed key (no kmsKeyId): set kmsKeyId to a customer-managed KMS key',
    ]);
  });

  it("fails a snapshot copy grant without a customer-managed key, passes one with it", async () => {
    const grant = (inputs: Record<string, unknown>) => [
      declared(COPY_GRANT, "wh-copy-grant", { snapshotCopyGrantName: "wh-copy", ...inputs }),
    ];
    expect(await messagesOf(policy, grant({}))).toEqual([
      'Redshift snapshot copy grant "wh-copy-grant" encrypts copied snapshots with the AWS-managed key (no kmsKeyId): set kmsKeyId to a customer-managed KMS key',
    ]);
    expect(await messagesOf(policy, grant({ kmsKeyId: KEY_ARN }))).toEqual([]);
  });

  it("leaves a cluster's encrypted flag to the provider's default (true) and judges its key", async () => {
    expect(await messagesOf(policy, changed(provisioned(), "wh-cluster", { encrypted: undefined }))).toEqual(
      [],
    );
  });

  it("passes a key ARN unknown during preview when it comes from a KMS key of the stack", async () => {
    expect(
      await messagesOf(policy, changed(serverless(), "wh-namespace", { kmsKeyId: UNKNOWN_STRING })),
    ).toEqual([]);
  });

  it("reports an advisory 'can't run' note when an unknown key ARN has no known source", async () => {
    const unknown = changed(
      serverless(),
      "wh-namespace",
      { kmsKeyId: UNKNOWN_STRING },
      { propertyDependencies: {} },
    );
    const { violations } = await evaluate(policy, unknown);
    expect(violations.map((v) => [v.level, v.message])).toEqual([
      [
        "advisory",
        "can't run policy 'redshift-encrypted' from policy pack 'mlplat-guardrails@v0.1.0' during preview: string value at .kmsKeyId can't be known during preview",
      ],
    ]);
  });
});

describe("redshift-audit-logging", () => {
  const policy = "redshift-audit-logging";

  it("fails a namespace that does not export every audit log", async () => {
    expect(
      await messagesOf(policy, changed(serverless(), "wh-namespace", { logExports: ["connectionlog"] })),
    ).toEqual([
      'Redshift Serverless namespace "wh-namespace" does not export userlog, useractivitylog to CloudWatch Logs: add them to logExports',
    ]);
  });

  it("fails a cluster without a Logging resource, and one whose Logging leaves out a log", async () => {
    expect(await messagesOf(policy, without(provisioned(), "wh-logging"))).toEqual([
      'Redshift cluster "wh-cluster" has no audit logging: declare an aws.redshift.Logging for it that exports connectionlog, userlog and useractivitylog',
    ]);
    expect(
      await messagesOf(
        policy,
        changed(provisioned(), "wh-logging", { logExports: ["connectionlog", "userlog"] }),
      ),
    ).toEqual(['Redshift cluster "wh-cluster" does not export useractivitylog (logging "wh-logging")']);
  });

  it("joins a Logging to its cluster by identifier when there is no dependency, and never to another cluster", async () => {
    const byName = changed(provisioned(), "wh-logging", {}, { propertyDependencies: {}, dependencies: [] });
    expect(await messagesOf(policy, byName)).toEqual([]);
    const other = changed(byName, "wh-logging", { clusterIdentifier: "other" });
    expect(await messagesOf(policy, other)).toEqual([
      'Redshift cluster "wh-cluster" has no audit logging: declare an aws.redshift.Logging for it that exports connectionlog, userlog and useractivitylog',
    ]);
  });

  it("accepts delivery to S3 (all logs unless listed) and the legacy inline logging block", async () => {
    const s3 = changed(provisioned(), "wh-logging", {
      logDestinationType: "s3",
      bucketName: UNKNOWN_STRING,
      logExports: undefined,
    });
    expect(await messagesOf(policy, s3)).toEqual([]);
    const nowhere = changed(s3, "wh-logging", { bucketName: undefined });
    expect(await messagesOf(policy, nowhere)).toEqual([
      'Redshift cluster "wh-cluster" delivers its logs nowhere: set logDestinationType "cloudwatch" with logExports, or bucketName (logging "wh-logging")',
    ]);
    const inline = changed(without(provisioned(), "wh-logging"), "wh-cluster", {
      logging: { enable: true, logDestinationType: "cloudwatch", logExports: LOGS },
    });
    expect(await messagesOf(policy, inline)).toEqual([]);
  });

  it("joins through the dependency when the cluster identifier is unknown during preview", async () => {
    expect(
      await messagesOf(policy, changed(provisioned(), "wh-logging", { clusterIdentifier: UNKNOWN_STRING })),
    ).toEqual([]);
  });
});

describe("redshift-require-ssl", () => {
  const policy = "redshift-require-ssl";

  it("fails a workgroup that leaves require_ssl out or turns it off", async () => {
    expect(
      await messagesOf(policy, changed(serverless(), "wh-workgroup", { configParameters: undefined })),
    ).toEqual([
      'Redshift Serverless workgroup "wh-workgroup" does not declare require_ssl: add it to configParameters with the value true',
    ]);
    expect(
      await messagesOf(
        policy,
        changed(serverless(), "wh-workgroup", {
          configParameters: [{ parameterKey: "require_ssl", parameterValue: "false" }],
        }),
      ),
    ).toEqual(['Redshift Serverless workgroup "wh-workgroup" sets require_ssl to "false": set it to true']);
  });

  it("fails a cluster on the default or an outside parameter group, or a group that does not require TLS", async () => {
    const defaultGroup = changed(
      provisioned(),
      "wh-cluster",
      { clusterParameterGroupName: undefined },
      { propertyDependencies: {} },
    );
    expect(await messagesOf(policy, defaultGroup)).toEqual([
      'Redshift cluster "wh-cluster" uses the default parameter group, which does not require TLS: give it a parameter group with require_ssl = true',
    ]);
    const outside = changed(defaultGroup, "wh-cluster", { clusterParameterGroupName: "shared-params" });
    expect(await messagesOf(policy, outside)).toEqual([
      'Redshift cluster "wh-cluster" uses the parameter group "shared-params", which the stack does not declare: require_ssl is not guaranteed',
    ]);
    const off = changed(provisioned(), "wh-params", {
      parameters: [{ name: "require_ssl", value: "false" }],
    });
    expect(await messagesOf(policy, off)).toEqual([
      'Redshift cluster "wh-cluster" uses the parameter group "wh-params", which sets require_ssl to "false": set it to true',
    ]);
    const unset = changed(provisioned(), "wh-params", { parameters: [] });
    expect(await messagesOf(policy, unset)).toEqual([
      'Redshift cluster "wh-cluster" uses the parameter group "wh-params", which does not set require_ssl: add it with the value true',
    ]);
  });

  it("judges a parameter group no cluster of the stack uses on its own (Checkov CKV_AWS_105)", async () => {
    const group = (parameters: unknown[]) => [declared(PARAMETER_GROUP, "shared-params", { parameters })];
    expect(await messagesOf(policy, group([{ name: "require_ssl", value: "false" }]))).toEqual([
      'Redshift parameter group "shared-params" sets require_ssl to "false": set it to true',
    ]);
    expect(await messagesOf(policy, group([]))).toEqual([
      'Redshift parameter group "shared-params" does not set require_ssl: add it with the value true',
    ]);
    expect(await messagesOf(policy, group([{ name: "require_ssl", value: true }]))).toEqual([]);
    const unknown = await evaluate(policy, group([{ name: "require_ssl", value: UNKNOWN_STRING }]));
    expect(unknown.violations.map((v) => v.level)).toEqual(["advisory"]);
  });

  it("joins a parameter group by name when there is no dependency", async () => {
    const named = changed(
      changed(provisioned(), "wh-params", { name: "wh-params" }),
      "wh-cluster",
      { clusterParameterGroupName: "wh-params" },
      { propertyDependencies: {} },
    );
    expect(await messagesOf(policy, named)).toEqual([]);
  });
});

describe("redshift-in-vpc", () => {
  const policy = "redshift-in-vpc";

  it("fails a cluster without a subnet group", async () => {
    const none = changed(provisioned(), "wh-cluster", { clusterSubnetGroupName: undefined });
    expect(await messagesOf(policy, none)).toEqual([
      `Redshift cluster "wh-cluster" names no clusterSubnetGroupName: Redshift places it in the default VPC; give it an aws.redshift.SubnetGroup of the platform's private subnets`,
    ]);
    const unknown = changed(provisioned(), "wh-cluster", { clusterSubnetGroupName: UNKNOWN_STRING });
    expect(await messagesOf(policy, unknown)).toEqual([]);
  });

  it("fails a cluster or workgroup without enhanced VPC routing", async () => {
    expect(
      await messagesOf(policy, changed(provisioned(), "wh-cluster", { enhancedVpcRouting: false })),
    ).toEqual([
      'Redshift cluster "wh-cluster" sets enhancedVpcRouting to false: set it to true so that COPY and UNLOAD traffic stays in the VPC',
    ]);
    expect(
      await messagesOf(policy, changed(serverless(), "wh-workgroup", { enhancedVpcRouting: undefined })),
    ).toEqual([
      'Redshift Serverless workgroup "wh-workgroup" leaves enhancedVpcRouting unset (false): set it to true so that COPY and UNLOAD traffic stays in the VPC',
    ]);
  });
});

describe("redshift-cluster-maintained", () => {
  const policy = "redshift-cluster-maintained";

  it("fails a cluster that refuses version upgrades or turns automated snapshots off", async () => {
    expect(
      await messagesOf(policy, changed(provisioned(), "wh-cluster", { allowVersionUpgrade: false })),
    ).toEqual([
      `Redshift cluster "wh-cluster" sets allowVersionUpgrade to false: it misses the engine's security fixes; remove it or set it to true`,
    ]);
    expect(
      await messagesOf(policy, changed(provisioned(), "wh-cluster", { automatedSnapshotRetentionPeriod: 0 })),
    ).toEqual([
      'Redshift cluster "wh-cluster" sets automatedSnapshotRetentionPeriod to 0, which turns automated snapshots off: keep them 1 to 35 days',
    ]);
  });

  it("passes the provider's defaults, and cannot run on an unknown retention", async () => {
    const defaults = changed(provisioned(), "wh-cluster", { automatedSnapshotRetentionPeriod: undefined });
    expect(await messagesOf(policy, defaults)).toEqual([]);
    const unknown = changed(provisioned(), "wh-cluster", {
      automatedSnapshotRetentionPeriod: UNKNOWN_STRING,
    });
    expect((await evaluate(policy, unknown)).violations.map((v) => v.level)).toEqual(["advisory"]);
  });
});

describe("redshift-database-name", () => {
  const policy = "redshift-database-name";

  it("fails a cluster or namespace on the default database dev, named or left out", async () => {
    expect(
      await messagesOf(policy, changed(provisioned(), "wh-cluster", { databaseName: undefined })),
    ).toEqual([
      'Redshift cluster "wh-cluster" leaves databaseName unset, so its database is the default "dev": name it',
    ]);
    expect(await messagesOf(policy, changed(serverless(), "wh-namespace", { dbName: "dev" }))).toEqual([
      'Redshift Serverless namespace "wh-namespace" sets dbName to the default "dev": give the database a name of its own',
    ]);
  });

  it("cannot run on a name unknown during preview", async () => {
    const unknown = changed(serverless(), "wh-namespace", { dbName: UNKNOWN_STRING });
    expect((await evaluate(policy, unknown)).violations.map((v) => v.level)).toEqual(["advisory"]);
  });
});
