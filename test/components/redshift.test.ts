import { beforeAll, describe, expect, it } from "vitest";

import { DataLake } from "../../components/data-lake";
import {
  KMS_DECRYPT,
  KMS_ENCRYPT,
  S3_BUCKET_LIST,
  S3_OBJECT_READ,
  S3_OBJECT_WRITE,
} from "../../components/iam/actions";
import {
  AUDIT_LOG_TYPES,
  isBaseCapacity,
  resolveWarehouseSettings,
  validateWarehouseSettings,
  validateWarehouseTarget,
  Warehouse,
  warehouseEnvironmentIssues,
  type WarehouseArgs,
} from "../../components/redshift";
import { formatIssue, isValidationError } from "../../components/validation";
import type { DeclaredResource, ProgramRun } from "../../scripts/cli/offline/runner";
import { policyOf, resource, resourcesOfType, runInline } from "../harness";
import { componentMandatoryViolations } from "../policies/helpers";

const NAMESPACE = "aws:redshiftserverless/namespace:Namespace";
const WORKGROUP = "aws:redshiftserverless/workgroup:Workgroup";
const CLUSTER = "aws:redshift/cluster:Cluster";
const LOGGING = "aws:redshift/logging:Logging";
const PARAMETER_GROUP = "aws:redshift/parameterGroup:ParameterGroup";
const SUBNET_GROUP = "aws:redshift/subnetGroup:SubnetGroup";
const KEY = "aws:kms/key:Key";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";

const KEY_ARN = "arn:aws:kms:ap-northeast-2:123456789012:key/dwh-key-key-id";
const TAGS = { Project: "mlplat", Environment: "test", CostCenter: "ml", Owner: "data@example.com" };

/** A warehouse in a three-subnet VPC next to a lake, as the stack program wires it. */
function declare(settings: Partial<WarehouseArgs> = {}): () => Record<string, unknown> {
  return () => {
    const lake = new DataLake("lake", { deletionPolicy: "destroy" });
    const warehouse = new Warehouse("dwh", {
      vpcId: "vpc-1",
      vpcCidrBlock: "10.0.0.0/16",
      subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
      s3PrefixListId: "pl-s3",
      sourceSecurityGroupIds: ["sg-clients"],
      lake,
      tags: TAGS,
      ...settings,
    });
    return {
      mode: warehouse.mode,
      port: warehouse.port,
      roleArn: warehouse.roleArn,
      securityGroupId: warehouse.securityGroupId,
      kmsKeyArn: warehouse.kmsKeyArn,
      ...(warehouse.namespaceName ? { namespaceName: warehouse.namespaceName } : {}),
      ...(warehouse.workgroupName ? { workgroupName: warehouse.workgroupName } : {}),
      ...(warehouse.clusterIdentifier ? { clusterIdentifier: warehouse.clusterIdentifier } : {}),
    };
  };
}

function keepOf(r: DeclaredResource): { protect?: boolean; retainOnDelete?: boolean } {
  return {
    ...(r.protect ? { protect: true } : {}),
    ...(r.retainOnDelete ? { retainOnDelete: true } : {}),
  };
}

describe("warehouse settings", () => {
  it("defaults to the smallest Redshift Serverless (4 RPUs, capped at 32), protected data and a year of audit logs", () => {
    expect(resolveWarehouseSettings()).toEqual({
      mode: "serverless",
      baseCapacityRpus: 4,
      maxCapacityRpus: 32,
      nodeType: "ra3.large",
      numberOfNodes: 2,
      databaseName: "analytics",
      adminUsername: "warehouse_admin",
      auditLogRetentionDays: 365,
      deletionPolicy: "protect",
      snapshotRetentionDays: 7,
      allowedCidrBlocks: [],
    });
    expect(validateWarehouseSettings(resolveWarehouseSettings())).toEqual([]);
  });

  it("accepts the base capacities Redshift Serverless offers and nothing between them", () => {
    expect([4, 8, 16, 128, 512, 544, 1024].every(isBaseCapacity)).toBe(true);
    expect([0, 3, 5, 12, 520, 1056, 8.5, "8"].some(isBaseCapacity)).toBe(false);
  });

  it("names every problem with its path, the value and what is expected", () => {
    const s = resolveWarehouseSettings({
      mode: "dedicated" as "serverless",
      baseCapacityRpus: 3,
      maxCapacityRpus: 12,
      nodeType: "dc2.large",
      numberOfNodes: 0,
      databaseName: "Analytics",
      adminUsername: "rdsdb",
      auditLogRetentionDays: 100,
      deletionPolicy: "keep" as "retain",
      snapshotRetentionDays: 36,
      allowedCidrBlocks: ["0.0.0.0/0", "10.0.1.0/16", "10.0.0.0"],
    });
    expect(validateWarehouseSettings(s).map(formatIssue)).toEqual([
      'mode: got "dedicated", expected one of serverless, provisioned',
      "baseCapacityRpus: got 3, expected 4, a multiple of 8 from 8 to 512, or a multiple of 32 from 512 to 1024 (Redshift Serverless base capacities)",
      "maxCapacityRpus: got 12, expected a multiple of 8 from 8 to 5632",
      'nodeType: got "dc2.large", expected an RA3 node type: ra3.large, ra3.xlplus, ra3.4xlarge, ra3.16xlarge',
      "numberOfNodes: got 0, expected a whole number of nodes from 1 to 128",
      'databaseName: got "Analytics", expected 1 to 64 lowercase letters, digits and underscores, starting with a letter',
      'adminUsername: got "rdsdb", expected a name Redshift does not reserve (not rdsdb, rdsadmin, public, user)',
      "auditLogRetentionDays: got 100, expected one of CloudWatch Logs' retention periods: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
      'deletionPolicy: got "keep", expected one of protect, retain, destroy',
      "snapshotRetentionDays: got 36, expected a whole number of days from 1 to 35",
      'allowedCidrBlocks.0: got "0.0.0.0/0", expected a block no wider than /8: never the whole internet',
      'allowedCidrBlocks.1: got "10.0.1.0/16", expected a block\'s first address, e.g. 10.20.0.0/16',
      'allowedCidrBlocks.2: got "10.0.0.0", expected an IPv4 CIDR block, e.g. 10.20.0.0/16',
    ]);
  });

  it("keeps the max capacity at or above the base capacity", () => {
    const issues = validateWarehouseSettings(
      resolveWarehouseSettings({ baseCapacityRpus: 64, maxCapacityRpus: 32 }),
    );
    expect(issues.map(formatIssue)).toEqual([
      "maxCapacityRpus: got 32, expected a multiple of 8 from 64 to 5632 (at least baseCapacityRpus, 64)",
    ]);
  });

  it("requires protect in production and nowhere else", () => {
    const retain = resolveWarehouseSettings({ deletionPolicy: "retain" });
    expect(warehouseEnvironmentIssues("prod", retain).map(formatIssue)).toEqual([
      'deletionPolicy: got "retain", expected "protect" in a prod environment: production data is never deleted with the stack',
    ]);
    expect(warehouseEnvironmentIssues("dev", retain)).toEqual([]);
    expect(warehouseEnvironmentIssues("prod", resolveWarehouseSettings())).toEqual([]);
  });

  it("requires three subnets for serverless, one for a cluster, and a name every Redshift resource accepts", () => {
    const two = { subnetIds: ["subnet-a", "subnet-b"] };
    expect(validateWarehouseTarget("dwh", resolveWarehouseSettings(), two).map(formatIssue)).toEqual([
      "subnetIds.length: got 2, expected at least 3 subnets in 3 Availability Zones (Redshift Serverless requires them)",
    ]);
    const provisioned = resolveWarehouseSettings({ mode: "provisioned" });
    expect(validateWarehouseTarget("dwh", provisioned, two)).toEqual([]);
    expect(
      validateWarehouseTarget("Data--WH", provisioned, two).map((i) => `${i.path}: ${String(i.value)}`),
    ).toEqual(["name: Data--WH"]);
  });
});

describe("Warehouse, serverless (the default)", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runInline("dev", declare({ allowedCidrBlocks: ["10.20.0.0/16"] }));
  });

  it("declares a namespace encrypted with its own key, a managed admin secret, every audit log and the role", () => {
    expect(resource(run, NAMESPACE, "dwh-namespace").inputs).toEqual({
      namespaceName: "dwh",
      dbName: "analytics",
      adminUsername: "[secret]", // the provider marks the admin user's name secret
      manageAdminPassword: true,
      adminPasswordSecretKmsKeyId: KEY_ARN,
      kmsKeyId: KEY_ARN,
      logExports: ["connectionlog", "userlog", "useractivitylog"],
      iamRoles: ["arn:aws:iam::123456789012:role/dwh-role"],
      defaultIamRoleArn: "arn:aws:iam::123456789012:role/dwh-role",
      tags: TAGS,
    });
  });

  it("declares a private workgroup with enhanced VPC routing, the capacities, TLS only and query logging", () => {
    const workgroup = resource(run, WORKGROUP, "dwh-workgroup").inputs;
    expect(workgroup).toMatchObject({
      workgroupName: "dwh",
      namespaceName: "dwh",
      baseCapacity: 4,
      maxCapacity: 32,
      publiclyAccessible: false,
      enhancedVpcRouting: true,
      port: 5439,
      subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
      securityGroupIds: ["dwh-sg-id"],
    });
    expect(workgroup.configParameters).toEqual(
      expect.arrayContaining([
        { parameterKey: "require_ssl", parameterValue: "true" },
        { parameterKey: "enable_user_activity_logging", parameterValue: "true" },
      ]),
    );
  });

  it("creates the audit log groups Redshift Serverless writes to, encrypted and with a retention period, before the namespace", () => {
    const groups = resourcesOfType(run, LOG_GROUP);
    expect(groups.map((g) => g.inputs)).toEqual(
      [...AUDIT_LOG_TYPES].sort().map((type) => ({
        name: `/aws/redshift/dwh/${type}`,
        retentionInDays: 365,
        kmsKeyId: KEY_ARN,
        tags: TAGS,
      })),
    );
    const namespace = resource(run, NAMESPACE, "dwh-namespace");
    expect(namespace.dependencies).toEqual(expect.arrayContaining(groups.map((g) => g.urn)));
  });

  it("gives the key a rotation and lets CloudWatch Logs use it for this account's Redshift log groups only", () => {
    const key = resource(run, KEY, "dwh-key");
    expect(key.inputs.enableKeyRotation).toBe(true);
    const logs = policyOf(key).Statement.find((s) => s.Sid === "CloudWatchLogsEncryptsRedshiftLogGroups");
    expect(logs).toMatchObject({
      Principal: { Service: "logs.ap-northeast-2.amazonaws.com" },
      Condition: {
        ArnLike: {
          "kms:EncryptionContext:aws:logs:arn":
            "arn:aws:logs:ap-northeast-2:123456789012:log-group:/aws/redshift/*",
        },
      },
    });
    expect(resource(run, "aws:kms/alias:Alias", "dwh-key-alias").inputs.name).toBe("alias/redshift/dwh");
  });

  it("opens 5439 only to the given CIDR blocks and security groups, and lets out only HTTPS to S3 and the VPC", () => {
    const sg = resource(run, SECURITY_GROUP, "dwh-sg").inputs;
    expect(sg.ingress).toEqual([
      expect.objectContaining({
        protocol: "tcp",
        fromPort: 5439,
        toPort: 5439,
        cidrBlocks: ["10.20.0.0/16"],
      }),
      expect.objectContaining({
        protocol: "tcp",
        fromPort: 5439,
        toPort: 5439,
        securityGroups: ["sg-clients"],
      }),
    ]);
    expect(sg.egress).toEqual([
      expect.objectContaining({ protocol: "tcp", fromPort: 443, toPort: 443, prefixListIds: ["pl-s3"] }),
      expect.objectContaining({ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/16"] }),
    ]);
  });

  it("lets only Redshift assume its role, which may COPY from and UNLOAD to processed/ and features/ and nothing else", () => {
    const trust = JSON.parse(String(resource(run, ROLE, "dwh-role").inputs.assumeRolePolicy)) as {
      Statement: unknown[];
    };
    expect(trust.Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: ["redshift.amazonaws.com", "redshift-serverless.amazonaws.com"] },
        Action: "sts:AssumeRole",
      },
    ]);
    const grants = resourcesOfType(run, ROLE_POLICY).filter((p) => p.inputs.role === "dwh-role");
    expect(grants.map((g) => g.name).sort()).toEqual([
      "lake-dwh-features-read",
      "lake-dwh-features-write",
      "lake-dwh-processed-read",
      "lake-dwh-processed-write",
    ]);
    const statements = grants.flatMap((g) => policyOf(g).Statement);
    expect(new Set(statements.flatMap((s) => s.Action as string[]))).toEqual(
      new Set([...S3_BUCKET_LIST, ...S3_OBJECT_READ, ...S3_OBJECT_WRITE, ...KMS_DECRYPT, ...KMS_ENCRYPT]),
    );
    const objects = statements.filter((s) => String(s.Sid).endsWith("Zone") && s.Sid !== "ListZone");
    expect(new Set(objects.map((s) => s.Resource))).toEqual(
      new Set(["arn:aws:s3:::lake-data/processed/*", "arn:aws:s3:::lake-data/features/*"]),
    );
  });

  it("keeps the namespace, its key and its audit logs (protect and retainOnDelete), not the compute", () => {
    expect(keepOf(resource(run, NAMESPACE, "dwh-namespace"))).toEqual({
      protect: true,
      retainOnDelete: true,
    });
    expect(keepOf(resource(run, KEY, "dwh-key"))).toEqual({ protect: true, retainOnDelete: true });
    for (const group of resourcesOfType(run, LOG_GROUP)) {
      expect(keepOf(group)).toEqual({ protect: true, retainOnDelete: true });
    }
    expect(keepOf(resource(run, WORKGROUP, "dwh-workgroup"))).toEqual({});
  });

  it("passes the pack and the Redshift policies with no mandatory violation", async () => {
    expect(await componentMandatoryViolations(run)).toEqual([]);
  });

  it("declares no cluster resources and reports its names", () => {
    expect(run.resources.filter((r) => r.type.startsWith("aws:redshift/"))).toEqual([]);
    expect(run.outputs).toMatchObject({
      mode: "serverless",
      port: 5439,
      namespaceName: "dwh",
      workgroupName: "dwh",
      roleArn: "arn:aws:iam::123456789012:role/dwh-role",
      securityGroupId: "dwh-sg-id",
      kmsKeyArn: KEY_ARN,
    });
  });
});

describe("Warehouse, provisioned", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runInline("dev", declare({ mode: "provisioned", deletionPolicy: "retain" }));
  });

  it("declares an encrypted, private RA3 cluster with a managed admin secret, the role and a final snapshot", () => {
    expect(resource(run, CLUSTER, "dwh-cluster").inputs).toMatchObject({
      clusterIdentifier: "dwh",
      nodeType: "ra3.large",
      clusterType: "multi-node",
      numberOfNodes: 2,
      databaseName: "analytics",
      masterUsername: "warehouse_admin",
      manageMasterPassword: true,
      masterPasswordSecretKmsKeyId: KEY_ARN,
      encrypted: "true",
      kmsKeyId: KEY_ARN,
      publiclyAccessible: false,
      enhancedVpcRouting: true,
      port: 5439,
      vpcSecurityGroupIds: ["dwh-sg-id"],
      iamRoles: ["arn:aws:iam::123456789012:role/dwh-role"],
      defaultIamRoleArn: "arn:aws:iam::123456789012:role/dwh-role",
      automatedSnapshotRetentionPeriod: 7,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: "dwh-final",
    });
  });

  it("joins the cluster to its subnet group and to a parameter group that requires TLS and logs queries", () => {
    const cluster = resource(run, CLUSTER, "dwh-cluster");
    const params = resource(run, PARAMETER_GROUP, "dwh-params");
    const subnets = resource(run, SUBNET_GROUP, "dwh-subnets");
    expect(cluster.propertyDependencies.clusterParameterGroupName).toEqual([params.urn]);
    expect(cluster.propertyDependencies.clusterSubnetGroupName).toEqual([subnets.urn]);
    expect(params.inputs).toMatchObject({
      family: "redshift-1.0",
      parameters: [
        { name: "require_ssl", value: "true" },
        { name: "enable_user_activity_logging", value: "true" },
      ],
    });
    expect(subnets.inputs.subnetIds).toEqual(["subnet-a", "subnet-b", "subnet-c"]);
  });

  it("sends all three audit logs to CloudWatch Logs through aws.redshift.Logging, into groups made for them", () => {
    const logging = resource(run, LOGGING, "dwh-logging");
    expect(logging.inputs).toEqual({
      clusterIdentifier: "dwh",
      logDestinationType: "cloudwatch",
      logExports: ["connectionlog", "userlog", "useractivitylog"],
    });
    expect(logging.propertyDependencies.clusterIdentifier).toEqual([
      resource(run, CLUSTER, "dwh-cluster").urn,
    ]);
    expect(resourcesOfType(run, LOG_GROUP).map((g) => g.inputs.name)).toEqual(
      [...AUDIT_LOG_TYPES].sort().map((type) => `/aws/redshift/cluster/dwh/${type}`),
    );
  });

  it("retains the cluster and its key on delete (retain), without protecting them", () => {
    expect(keepOf(resource(run, CLUSTER, "dwh-cluster"))).toEqual({ retainOnDelete: true });
    expect(keepOf(resource(run, KEY, "dwh-key"))).toEqual({ retainOnDelete: true });
  });

  it("passes the pack and the Redshift policies with no mandatory violation", async () => {
    expect(await componentMandatoryViolations(run)).toEqual([]);
  });

  it("declares no serverless resources", () => {
    expect(run.resources.filter((r) => r.type.startsWith("aws:redshiftserverless/"))).toEqual([]);
    expect(run.outputs).toMatchObject({ mode: "provisioned", clusterIdentifier: "dwh" });
  });
});

describe("Warehouse options", () => {
  it("destroy: no final snapshot and nothing kept; one node makes a single-node cluster", async () => {
    const run = await runInline(
      "dev",
      declare({ mode: "provisioned", deletionPolicy: "destroy", numberOfNodes: 1 }),
    );
    const cluster = resource(run, CLUSTER, "dwh-cluster");
    expect(cluster.inputs).toMatchObject({ skipFinalSnapshot: true, clusterType: "single-node" });
    expect(cluster.inputs.finalSnapshotIdentifier).toBeUndefined();
    expect(cluster.inputs.numberOfNodes).toBeUndefined();
    for (const r of [cluster, resource(run, KEY, "dwh-key"), ...resourcesOfType(run, LOG_GROUP)]) {
      expect(keepOf(r)).toEqual({});
    }
  });

  it("uses a given key for everything and creates none; without CIDR blocks, only security groups get in", async () => {
    const given = "arn:aws:kms:ap-northeast-2:123456789012:key/shared";
    const run = await runInline("dev", declare({ kmsKeyArn: given }));
    expect(resourcesOfType(run, KEY).map((k) => k.name)).toEqual(["lake-key"]);
    expect(resource(run, NAMESPACE, "dwh-namespace").inputs).toMatchObject({
      kmsKeyId: given,
      adminPasswordSecretKmsKeyId: given,
    });
    expect(resourcesOfType(run, LOG_GROUP).every((g) => g.inputs.kmsKeyId === given)).toBe(true);
    expect(resource(run, SECURITY_GROUP, "dwh-sg").inputs.ingress).toEqual([
      expect.objectContaining({ securityGroups: ["sg-clients"] }),
    ]);
  });

  it("refuses invalid settings and a two-subnet VPC before declaring anything", async () => {
    let error: unknown;
    const run = await runInline("dev", () => {
      try {
        new Warehouse("dwh", {
          vpcId: "vpc-1",
          vpcCidrBlock: "10.0.0.0/16",
          subnetIds: ["subnet-a", "subnet-b"],
          s3PrefixListId: "pl-s3",
          lake: undefined as unknown as DataLake,
          baseCapacityRpus: 3,
        });
      } catch (err) {
        error = err;
      }
      return {};
    });
    expect(isValidationError(error) && error.message).toBe(
      "Warehouse dwh: 2 problems\n" +
        "  - baseCapacityRpus: got 3, expected 4, a multiple of 8 from 8 to 512, or a multiple of 32 from 512 to 1024 (Redshift Serverless base capacities)\n" +
        "  - subnetIds.length: got 2, expected at least 3 subnets in 3 Availability Zones (Redshift Serverless requires them)",
    );
    expect(run.resources).toEqual([]);
  });
});
