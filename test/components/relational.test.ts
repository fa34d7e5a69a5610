import * as aws from "@pulumi/aws";
import { beforeAll, describe, expect, it } from "vitest";

import { estimateCost, parseUsageProfile, RULES } from "../../components/catalog/cost";
import { freeTypes } from "../../components/catalog/pricing";
import { RDS_IAM_CONNECT } from "../../components/iam/actions";
import {
  AURORA_POSTGRESQL_VERSIONS,
  parameterGroupFamily,
  RelationalStore,
  relationalStoreEnvironmentIssues,
  resolveRelationalStoreSettings,
  supportsAutoPause,
  validateRelationalStoreSettings,
  validateRelationalStoreTarget,
  type RelationalStoreArgs,
} from "../../components/relational";
import { formatIssue, isValidationError } from "../../components/validation";
import type { DeclaredResource, ProgramRun } from "../../scripts/cli/offline/runner";
import { policyOf, resource, resourcesOfType, runInline } from "../harness";
import { componentMandatoryViolations } from "../policies/helpers";

const CLUSTER = "aws:rds/cluster:Cluster";
const INSTANCE = "aws:rds/clusterInstance:ClusterInstance";
const SUBNET_GROUP = "aws:rds/subnetGroup:SubnetGroup";
const PARAMETER_GROUP = "aws:rds/clusterParameterGroup:ClusterParameterGroup";
const KEY = "aws:kms/key:Key";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";

const KEY_ARN = "arn:aws:kms:ap-northeast-2:123456789012:key/db-key-key-id";
const TAGS = { Project: "mlplat", Environment: "test", CostCenter: "ml", Owner: "data@example.com" };

/** A relational store in a two-subnet VPC, as the stack program wires it. */
function declare(
  settings: Partial<RelationalStoreArgs> = {},
  connect = false,
): () => Record<string, unknown> {
  return () => {
    const store = new RelationalStore("db", {
      vpcId: "vpc-1",
      subnetIds: ["subnet-a", "subnet-b"],
      sourceSecurityGroupIds: ["sg-clients"],
      tags: TAGS,
      ...settings,
    });
    if (connect) {
      const role = new aws.iam.Role("app", { assumeRolePolicy: "{}" });
      store.grantConnect("app-db", role, "app_user");
    }
    return {
      clusterIdentifier: store.clusterIdentifier,
      port: store.port,
      securityGroupId: store.securityGroupId,
      kmsKeyArn: store.kmsKeyArn,
      masterSecretArn: store.masterSecretArn,
    };
  };
}

function keepOf(r: DeclaredResource): { protect?: boolean; retainOnDelete?: boolean } {
  return {
    ...(r.protect ? { protect: true } : {}),
    ...(r.retainOnDelete ? { retainOnDelete: true } : {}),
  };
}

describe("relational store settings", () => {
  it("defaults to Aurora PostgreSQL 16.8 scaling from 0 to 4 ACUs, a week of backups and protected data", () => {
    expect(resolveRelationalStoreSettings()).toEqual({
      engineVersion: "16.8",
      minCapacityAcus: 0,
      maxCapacityAcus: 4,
      secondsUntilAutoPause: 300,
      databaseName: "mlplat",
      masterUsername: "mlplat_admin",
      backupRetentionDays: 7,
      logRetentionDays: 30,
      performanceInsights: true,
      deletionPolicy: "protect",
      allowedCidrBlocks: [],
    });
    expect(validateRelationalStoreSettings(resolveRelationalStoreSettings())).toEqual([]);
  });

  it("knows which versions scale to zero: 13.15, 14.12, 15.7, 16.3 and later, and all of 17", () => {
    expect(["13.15", "14.12", "14.18", "15.7", "16.3", "16.8", "17.4", "17.5"].every(supportsAutoPause)).toBe(
      true,
    );
    expect(["13.14", "14.11", "15.6", "16.2", "12.20"].some(supportsAutoPause)).toBe(false);
    expect(parameterGroupFamily("16.8")).toBe("aurora-postgresql16");
    expect(AURORA_POSTGRESQL_VERSIONS).toContain("17.5");
  });

  it("names every problem with its path, the value and what is expected", () => {
    const s = resolveRelationalStoreSettings({
      engineVersion: "12.20",
      minCapacityAcus: 0.3,
      maxCapacityAcus: 300,
      secondsUntilAutoPause: 60,
      databaseName: "ML-Platform",
      masterUsername: "postgres",
      backupRetentionDays: 3,
      logRetentionDays: 10,
      deletionPolicy: "keep" as "retain",
      allowedCidrBlocks: ["0.0.0.0/0", "10.0.1.0/16"],
    });
    expect(validateRelationalStoreSettings(s).map(formatIssue)).toEqual([
      `engineVersion: got "12.20", expected an Aurora PostgreSQL version with Aurora Serverless v2: ${AURORA_POSTGRESQL_VERSIONS.join(", ")}`,
      "minCapacityAcus: got 0.3, expected a number of ACUs from 0 to 256 in steps of 0.5",
      "maxCapacityAcus: got 300, expected a number of ACUs from 0.5 to 256 in steps of 0.5",
      "secondsUntilAutoPause: got 60, expected a whole number of seconds from 300 to 86400",
      'databaseName: got "ML-Platform", expected 1 to 63 lowercase letters, digits and underscores, starting with a letter',
      'masterUsername: got "postgres", expected a name RDS and PostgreSQL do not reserve (not rdsadmin, rdsrepladmin, rds_superuser, postgres, public, user)',
      "backupRetentionDays: got 3, expected a whole number of days from 7 to 35 (at least a week of point-in-time recovery)",
      "logRetentionDays: got 10, expected one of CloudWatch Logs' retention periods: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
      'deletionPolicy: got "keep", expected one of protect, retain, destroy',
      'allowedCidrBlocks.0: got "0.0.0.0/0", expected a block no wider than /8: never the whole internet',
      'allowedCidrBlocks.1: got "10.0.1.0/16", expected a block\'s first address, e.g. 10.20.0.0/16',
    ]);
  });

  it("refuses a minimum of 0 ACUs on a version that cannot pause, and a maximum below the minimum", () => {
    expect(
      validateRelationalStoreSettings(resolveRelationalStoreSettings({ engineVersion: "16.2" })).map(
        formatIssue,
      ),
    ).toEqual([
      "minCapacityAcus: got 0, expected at least 0.5: engineVersion 16.2 cannot scale to 0 ACUs and pause (16.3 or later can)",
    ]);
    expect(
      validateRelationalStoreSettings(
        resolveRelationalStoreSettings({ minCapacityAcus: 8, maxCapacityAcus: 4 }),
      ).map(formatIssue),
    ).toEqual([
      "maxCapacityAcus: got 4, expected a number of ACUs from 8 to 256 in steps of 0.5 (at least minCapacityAcus, 8)",
    ]);
  });

  it("requires protect in production and nowhere else", () => {
    const destroy = resolveRelationalStoreSettings({ deletionPolicy: "destroy" });
    expect(relationalStoreEnvironmentIssues("prod", destroy).map(formatIssue)).toEqual([
      'deletionPolicy: got "destroy", expected "protect" in a prod environment: production data is never deleted with the stack',
    ]);
    expect(relationalStoreEnvironmentIssues("dev", destroy)).toEqual([]);
    expect(relationalStoreEnvironmentIssues("prod", resolveRelationalStoreSettings())).toEqual([]);
  });

  it("requires two subnets and a cluster identifier with room for the writer's suffix", () => {
    expect(validateRelationalStoreTarget("db", { subnetIds: ["subnet-a"] }).map(formatIssue)).toEqual([
      "subnetIds.length: got 1, expected at least 2 subnets in 2 Availability Zones (an RDS DB subnet group requires them)",
    ]);
    expect(
      validateRelationalStoreTarget(`d${"b".repeat(56)}`, { subnetIds: ["a", "b"] }).map((i) => i.path),
    ).toEqual(["name"]);
    expect(validateRelationalStoreTarget(`d${"b".repeat(55)}`, { subnetIds: ["a", "b"] })).toEqual([]);
  });
});

describe("RelationalStore (defaults)", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runInline("dev", declare({ allowedCidrBlocks: ["10.20.0.0/16"] }, true));
  });

  it("declares an encrypted Aurora PostgreSQL cluster that scales to zero, with a managed master secret", () => {
    expect(resource(run, CLUSTER, "db-cluster").inputs).toMatchObject({
      clusterIdentifier: "db",
      engine: "aurora-postgresql",
      engineMode: "provisioned",
      engineVersion: "16.8",
      engineLifecycleSupport: "open-source-rds-extended-support-disabled",
      serverlessv2ScalingConfiguration: { minCapacity: 0, maxCapacity: 4, secondsUntilAutoPause: 300 },
      databaseName: "mlplat",
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: KEY_ARN,
      storageEncrypted: true,
      kmsKeyId: KEY_ARN,
      port: 5432,
      vpcSecurityGroupIds: ["db-sg-id"],
      iamDatabaseAuthenticationEnabled: true,
      enabledCloudwatchLogsExports: ["postgresql"],
      backupRetentionPeriod: 7,
      copyTagsToSnapshot: true,
      deletionProtection: true,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: "db-final",
      tags: TAGS,
    });
  });

  it("declares one private db.serverless writer with Performance Insights under the store's key", () => {
    const writer = resource(run, INSTANCE, "db-writer");
    expect(writer.inputs).toMatchObject({
      identifier: "db-writer",
      instanceClass: "db.serverless",
      engine: "aurora-postgresql",
      publiclyAccessible: false,
      performanceInsightsEnabled: true,
      performanceInsightsKmsKeyId: KEY_ARN,
      performanceInsightsRetentionPeriod: 7,
    });
    expect(writer.propertyDependencies.clusterIdentifier).toEqual([resource(run, CLUSTER, "db-cluster").urn]);
  });

  it("joins the cluster to a subnet group of the given subnets and a TLS-only parameter group", () => {
    const cluster = resource(run, CLUSTER, "db-cluster");
    const subnets = resource(run, SUBNET_GROUP, "db-subnets");
    const params = resource(run, PARAMETER_GROUP, "db-params");
    expect(subnets.inputs.subnetIds).toEqual(["subnet-a", "subnet-b"]);
    expect(params.inputs).toMatchObject({
      family: "aurora-postgresql16",
      parameters: [{ name: "rds.force_ssl", value: "1" }],
    });
    expect(cluster.propertyDependencies.dbSubnetGroupName).toEqual([subnets.urn]);
    expect(cluster.propertyDependencies.dbClusterParameterGroupName).toEqual([params.urn]);
  });

  it("creates the PostgreSQL log group first, encrypted and with a retention period", () => {
    const group = resource(run, LOG_GROUP, "db-postgresql-log");
    expect(group.inputs).toEqual({
      name: "/aws/rds/cluster/db/postgresql",
      retentionInDays: 30,
      kmsKeyId: KEY_ARN,
      tags: TAGS,
    });
    expect(resource(run, CLUSTER, "db-cluster").dependencies).toContain(group.urn);
  });

  it("gives the key a rotation and lets CloudWatch Logs use it for this cluster's log groups only", () => {
    const key = resource(run, KEY, "db-key");
    expect(key.inputs.enableKeyRotation).toBe(true);
    const logs = policyOf(key).Statement.find((s) => s.Sid === "CloudWatchLogsEncryptsClusterLogGroups");
    expect(logs).toMatchObject({
      Principal: { Service: "logs.ap-northeast-2.amazonaws.com" },
      Condition: {
        ArnLike: {
          "kms:EncryptionContext:aws:logs:arn":
            "arn:aws:logs:ap-northeast-2:123456789012:log-group:/aws/rds/cluster/db/*",
        },
      },
    });
    expect(resource(run, "aws:kms/alias:Alias", "db-key-alias").inputs.name).toBe("alias/rds/db");
  });

  it("opens 5432 only to the given CIDR blocks and security groups, and lets nothing out", () => {
    const sg = resource(run, SECURITY_GROUP, "db-sg").inputs;
    expect(sg.ingress).toEqual([
      expect.objectContaining({
        protocol: "tcp",
        fromPort: 5432,
        toPort: 5432,
        cidrBlocks: ["10.20.0.0/16"],
      }),
      expect.objectContaining({
        protocol: "tcp",
        fromPort: 5432,
        toPort: 5432,
        securityGroups: ["sg-clients"],
      }),
    ]);
    expect(sg.egress).toEqual([]);
  });

  it("grants rds-db:connect as one database user of this cluster only", () => {
    const grant = resourcesOfType(run, ROLE_POLICY).find((p) => p.name === "app-db-connect");
    expect(grant?.inputs.role).toBe("app");
    const [statement, ...others] = policyOf(grant as DeclaredResource).Statement;
    expect(others).toEqual([]);
    expect(statement).toMatchObject({
      Sid: "ConnectAsDatabaseUser",
      Effect: "Allow",
      Action: [...RDS_IAM_CONNECT],
    });
    // The cluster's resource id is computed by AWS (the offline runner does not invent one): the ARN is
    // arn:aws:rds-db:<region>:<account>:dbuser:<cluster resource id>/<user>.
    const arn = String(statement?.Resource);
    expect(arn.startsWith("arn:aws:rds-db:ap-northeast-2:123456789012:dbuser:")).toBe(true);
    expect(arn.endsWith("/app_user")).toBe(true);
  });

  it("keeps the cluster, its key and its log group (protect and retainOnDelete), not the writer", () => {
    for (const r of [
      resource(run, CLUSTER, "db-cluster"),
      resource(run, KEY, "db-key"),
      resource(run, LOG_GROUP, "db-postgresql-log"),
    ]) {
      expect(keepOf(r), r.name).toEqual({ protect: true, retainOnDelete: true });
    }
    expect(keepOf(resource(run, INSTANCE, "db-writer"))).toEqual({});
  });

  it("passes the pack and the RDS policies with no mandatory violation", async () => {
    expect(await componentMandatoryViolations(run)).toEqual([]);
  });

  it("reports its identifier, port, security group and key", () => {
    expect(run.outputs).toMatchObject({
      clusterIdentifier: "db",
      port: 5432,
      securityGroupId: "db-sg-id",
      kmsKeyArn: KEY_ARN,
    });
  });

  it("is priced: a paused writer costs nothing fixed, the master secret does; ACU-hours and storage from usage", () => {
    const free = freeTypes();
    const types = [...new Set(run.resources.filter((r) => r.custom).map((r) => r.type))];
    expect(types.filter((t) => RULES[t] === undefined && free.reason(t) === undefined)).toEqual([]);
    const idle = estimateCost(run.resources, { region: "us-east-1" });
    expect(idle.unpriced).toEqual([]);
    const writer = idle.resources.find((r) => r.name === "db-writer");
    expect(writer?.fixedUsd).toBe("0");
    expect(writer?.notes.join(" ")).toContain("pauses while idle");
    const cluster = idle.resources.find((r) => r.name === "db-cluster");
    expect(cluster?.lines.map((l) => [l.price.key, l.monthlyUsd])).toEqual([
      ["secretsmanager.secret", "0.4"],
    ]);
    const usage = parseUsageProfile(
      [
        "auroraServerless:",
        "  - { acuHours: 100 }",
        "auroraStorage:",
        "  - { storageGb: 20, ioRequests: 5000000 }",
      ].join("\n"),
      "profile.yaml",
    );
    const busy = estimateCost(run.resources, { region: "us-east-1", usage });
    // 100 ACU-hours x $0.12; 20 GB x $0.10 + 5M I/O x $0.20/M
    expect(busy.resources.find((r) => r.name === "db-writer")?.usageUsd).toBe("12");
    expect(busy.resources.find((r) => r.name === "db-cluster")?.usageUsd).toBe("3");
  });
});

describe("RelationalStore options", () => {
  it("destroy: no deletion protection, no final snapshot, nothing kept", async () => {
    const run = await runInline("dev", declare({ deletionPolicy: "destroy" }));
    const cluster = resource(run, CLUSTER, "db-cluster");
    expect(cluster.inputs).toMatchObject({ deletionProtection: false, skipFinalSnapshot: true });
    expect(cluster.inputs.finalSnapshotIdentifier).toBeUndefined();
    for (const r of [cluster, resource(run, KEY, "db-key"), resource(run, LOG_GROUP, "db-postgresql-log")]) {
      expect(keepOf(r)).toEqual({});
    }
  });

  it("a minimum above 0 never pauses and is charged all month; without Performance Insights", async () => {
    const run = await runInline("dev", declare({ minCapacityAcus: 0.5, performanceInsights: false }));
    expect(resource(run, CLUSTER, "db-cluster").inputs.serverlessv2ScalingConfiguration).toEqual({
      minCapacity: 0.5,
      maxCapacity: 4,
    });
    const writer = resource(run, INSTANCE, "db-writer").inputs;
    expect(writer.performanceInsightsEnabled).toBe(false);
    expect(writer.performanceInsightsKmsKeyId).toBeUndefined();
    const estimate = estimateCost(run.resources, { region: "us-east-1" });
    // 0.5 ACU x 730 h x $0.12
    expect(estimate.resources.find((r) => r.name === "db-writer")?.fixedUsd).toBe("43.8");
  });

  it("uses a given key for everything and creates none; the VPC's block may connect when given", async () => {
    const given = "arn:aws:kms:ap-northeast-2:123456789012:key/shared";
    const run = await runInline("dev", declare({ kmsKeyArn: given, vpcCidrBlock: "10.0.0.0/16" }));
    expect(resourcesOfType(run, KEY)).toEqual([]);
    expect(resource(run, CLUSTER, "db-cluster").inputs).toMatchObject({
      kmsKeyId: given,
      masterUserSecretKmsKeyId: given,
    });
    expect(resource(run, LOG_GROUP, "db-postgresql-log").inputs.kmsKeyId).toBe(given);
    expect(resource(run, SECURITY_GROUP, "db-sg").inputs.ingress).toEqual([
      expect.objectContaining({ securityGroups: ["sg-clients"] }),
      expect.objectContaining({ cidrBlocks: ["10.0.0.0/16"] }),
    ]);
  });

  it("refuses invalid settings and one subnet before declaring anything", async () => {
    let error: unknown;
    const run = await runInline("dev", () => {
      try {
        new RelationalStore("db", {
          vpcId: "vpc-1",
          subnetIds: ["subnet-a"],
          engineVersion: "15.6",
        });
      } catch (err) {
        error = err;
      }
      return {};
    });
    expect(isValidationError(error) && error.message).toBe(
      "RelationalStore db: 2 problems\n" +
        "  - minCapacityAcus: got 0, expected at least 0.5: engineVersion 15.6 cannot scale to 0 ACUs and pause (15.7 or later can)\n" +
        "  - subnetIds.length: got 1, expected at least 2 subnets in 2 Availability Zones (an RDS DB subnet group requires them)",
    );
    expect(run.resources).toEqual([]);
  });

  it("refuses a database user that is not a PostgreSQL name", async () => {
    let error: unknown;
    await runInline("dev", () => {
      const store = new RelationalStore("db", {
        vpcId: "vpc-1",
        subnetIds: ["a", "b"],
        deletionPolicy: "destroy",
      });
      try {
        store.grantConnect("x", new aws.iam.Role("r", { assumeRolePolicy: "{}" }), "App-User");
      } catch (err) {
        error = err;
      }
      return {};
    });
    expect(isValidationError(error) && error.issues.map(formatIssue)).toEqual([
      'dbUser: got "App-User", expected 1 to 63 lowercase letters, digits and underscores, not starting with a digit',
    ]);
  });
});
