/**
 * The relational store (Aurora PostgreSQL Serverless v2) and the training storage (EFS), created with the SDK in
 * the emulator from the same definitions the components declare (components/relational/definitions.ts and
 * components/storage/definitions.ts), then described back: the emulator must keep every setting the components
 * rely on. The network (a VPC, two private subnets in two zones, security groups) and the key are made with EC2
 * and KMS, as the stack gives them to the components.
 *
 * What moto 5.2.5 does not serve, and so is not asserted (each is named in the test it concerns):
 * - RDS: `EngineLifecycleSupport` is accepted but not stored or returned.
 * - RDS: Performance Insights on the writer is not kept (its `DBInstance` reports nothing of it).
 * - EFS: `PutBackupPolicy` (what `aws.efs.BackupPolicy` calls) is not implemented; the backup policy is set with
 *   `CreateFileSystem`'s `Backup` flag instead, which enables the same AWS Backup plan.
 * - EFS: the file system policy is stored, never enforced (no NFS data plane), so TLS-only cannot be exercised.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import {
  CreateAccessPointCommand,
  CreateFileSystemCommand,
  CreateMountTargetCommand,
  DescribeAccessPointsCommand,
  DescribeBackupPolicyCommand,
  DescribeFileSystemPolicyCommand,
  DescribeFileSystemsCommand,
  DescribeLifecycleConfigurationCommand,
  DescribeMountTargetsCommand,
  DescribeMountTargetSecurityGroupsCommand,
  EFSClient,
  PutFileSystemPolicyCommand,
  PutLifecycleConfigurationCommand,
  type LifecyclePolicy,
} from "@aws-sdk/client-efs";
import { CreateKeyCommand } from "@aws-sdk/client-kms";
import {
  CreateDBClusterCommand,
  CreateDBClusterParameterGroupCommand,
  CreateDBInstanceCommand,
  CreateDBSubnetGroupCommand,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBInstancesCommand,
  ModifyDBClusterCommand,
  RDSClient,
  type DBCluster,
} from "@aws-sdk/client-rds";
import { beforeAll, describe, expect, it } from "vitest";

import {
  parameterGroupFamily,
  POSTGRES_PORT,
  resolveRelationalStoreSettings,
} from "../../components/relational/args";
import {
  clusterDefinition,
  finalSnapshotIdentifier,
  writerDefinition,
} from "../../components/relational/definitions";
import { NFS_PORT, resolveTrainingStorageSettings } from "../../components/storage/args";
import {
  accessPointDefinition,
  backupPolicyStatus,
  fileSystemDefinition,
  fileSystemPolicyDocument,
  lifecyclePolicies,
} from "../../components/storage/definitions";
import { clientConfig, emulator, kmsClient, resetBetweenSuites, unique } from "./support";

const VPC_CIDR = "10.42.0.0/16";
const SUBNET_CIDRS = ["10.42.1.0/24", "10.42.2.0/24"] as const;

let ec2: EC2Client;
let vpcId: string;
let subnetIds: string[];
let kmsKeyArn: string;

/** A customer-managed key, as the stack passes `kmsKeyArn` to both components. */
async function createKey(description: string): Promise<string> {
  const key = await kmsClient().send(new CreateKeyCommand({ Description: description }));
  const arn = key.KeyMetadata?.Arn;
  if (!arn) throw new Error("CreateKey returned no ARN");
  return arn;
}

/** A security group admitting `port` from the VPC only, as both components declare theirs. */
async function createSecurityGroup(name: string, port: number): Promise<string> {
  const group = await ec2.send(
    new CreateSecurityGroupCommand({ GroupName: name, Description: `${name} clients`, VpcId: vpcId }),
  );
  const groupId = group.GroupId;
  if (!groupId) throw new Error("CreateSecurityGroup returned no id");
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: groupId,
      IpPermissions: [{ IpProtocol: "tcp", FromPort: port, ToPort: port, IpRanges: [{ CidrIp: VPC_CIDR }] }],
    }),
  );
  return groupId;
}

beforeAll(async () => {
  await resetBetweenSuites();
  ec2 = new EC2Client(clientConfig());
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: VPC_CIDR }));
  vpcId = vpc.Vpc?.VpcId ?? "";
  const region = emulator().region;
  subnetIds = [];
  for (const [i, cidr] of SUBNET_CIDRS.entries()) {
    const subnet = await ec2.send(
      new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: `${region}${"ab"[i]}` }),
    );
    subnetIds.push(subnet.Subnet?.SubnetId ?? "");
  }
  kmsKeyArn = await createKey("integration test relational store and training storage");
});

describe("RelationalStore's Aurora cluster in the emulator", () => {
  const name = `itest-pg-${unique()}`;
  const settings = resolveRelationalStoreSettings();
  const cluster = clusterDefinition(name, settings);
  const writer = writerDefinition(name, settings);
  let rds: RDSClient;
  let created: DBCluster;

  beforeAll(async () => {
    rds = new RDSClient(clientConfig());
    const securityGroupId = await createSecurityGroup(`${name}-postgres`, POSTGRES_PORT);
    await rds.send(
      new CreateDBSubnetGroupCommand({
        DBSubnetGroupName: `${name}-subnets`,
        DBSubnetGroupDescription: `Private subnets of the ${name} relational store`,
        SubnetIds: subnetIds,
      }),
    );
    await rds.send(
      new CreateDBClusterParameterGroupCommand({
        DBClusterParameterGroupName: `${name}-params`,
        DBParameterGroupFamily: parameterGroupFamily(settings.engineVersion),
        Description: `TLS-only connections to the ${name} relational store`,
      }),
    );
    const scaling = cluster.serverlessv2ScalingConfiguration;
    await rds.send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: cluster.clusterIdentifier,
        Engine: cluster.engine,
        EngineMode: cluster.engineMode,
        EngineVersion: cluster.engineVersion,
        EngineLifecycleSupport: cluster.engineLifecycleSupport,
        ServerlessV2ScalingConfiguration: {
          MinCapacity: scaling.minCapacity,
          MaxCapacity: scaling.maxCapacity,
          SecondsUntilAutoPause: scaling.secondsUntilAutoPause,
        },
        DatabaseName: cluster.databaseName,
        MasterUsername: cluster.masterUsername,
        ManageMasterUserPassword: cluster.manageMasterUserPassword,
        MasterUserSecretKmsKeyId: kmsKeyArn,
        StorageEncrypted: cluster.storageEncrypted,
        KmsKeyId: kmsKeyArn,
        Port: cluster.port,
        DBSubnetGroupName: `${name}-subnets`,
        DBClusterParameterGroupName: `${name}-params`,
        VpcSecurityGroupIds: [securityGroupId],
        EnableIAMDatabaseAuthentication: cluster.iamDatabaseAuthenticationEnabled,
        EnableCloudwatchLogsExports: cluster.enabledCloudwatchLogsExports,
        BackupRetentionPeriod: cluster.backupRetentionPeriod,
        CopyTagsToSnapshot: cluster.copyTagsToSnapshot,
        DeletionProtection: cluster.deletionProtection,
      }),
    );
    await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: writer.identifier,
        DBClusterIdentifier: cluster.clusterIdentifier,
        DBInstanceClass: writer.instanceClass,
        Engine: writer.engine,
        PubliclyAccessible: writer.publiclyAccessible,
        AutoMinorVersionUpgrade: writer.autoMinorVersionUpgrade,
        EnablePerformanceInsights: writer.performanceInsightsEnabled,
        PerformanceInsightsKMSKeyId: kmsKeyArn,
        PerformanceInsightsRetentionPeriod: writer.performanceInsightsRetentionPeriod,
      }),
    );
    const described = await rds.send(
      new DescribeDBClustersCommand({ DBClusterIdentifier: cluster.clusterIdentifier }),
    );
    created = described.DBClusters?.[0] ?? {};
  });

  it("keeps the engine, Serverless v2 scaling to 0 ACUs with auto-pause, and the database (not EngineLifecycleSupport: moto drops it)", () => {
    expect(created).toMatchObject({
      DBClusterIdentifier: name,
      Engine: "aurora-postgresql",
      EngineMode: "provisioned",
      EngineVersion: settings.engineVersion,
      DatabaseName: settings.databaseName,
      MasterUsername: settings.masterUsername,
      Port: POSTGRES_PORT,
      ServerlessV2ScalingConfiguration: {
        MinCapacity: 0,
        MaxCapacity: settings.maxCapacityAcus,
        SecondsUntilAutoPause: settings.secondsUntilAutoPause,
      },
      DBSubnetGroup: `${name}-subnets`,
      DBClusterParameterGroup: `${name}-params`,
    });
  });

  it("keeps storage and the generated master password encrypted with the key, IAM auth, logs, backups and deletion protection", () => {
    expect(created).toMatchObject({
      StorageEncrypted: true,
      KmsKeyId: kmsKeyArn,
      MasterUserSecret: { KmsKeyId: kmsKeyArn },
      IAMDatabaseAuthenticationEnabled: true,
      EnabledCloudwatchLogsExports: ["postgresql"],
      BackupRetentionPeriod: settings.backupRetentionDays,
      CopyTagsToSnapshot: true,
      DeletionProtection: true,
    });
    expect(created.MasterUserSecret?.SecretArn).toMatch(/^arn:aws:secretsmanager:/);
  });

  it("has one private db.serverless writer (Performance Insights not asserted: moto does not keep it)", async () => {
    const instances = await rds.send(
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: writer.identifier }),
    );
    expect(instances.DBInstances?.[0]).toMatchObject({
      DBInstanceIdentifier: `${name}-writer`,
      DBClusterIdentifier: name,
      DBInstanceClass: "db.serverless",
      Engine: "aurora-postgresql",
      PubliclyAccessible: false,
    });
    const members = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: name })))
      .DBClusters?.[0]?.DBClusterMembers;
    expect(members).toEqual([expect.objectContaining({ DBInstanceIdentifier: `${name}-writer` })]);
  });

  it("refuses to delete the protected cluster, and deletes it with a final snapshot once protection is off", async () => {
    await expect(
      rds.send(
        new DeleteDBClusterCommand({
          DBClusterIdentifier: name,
          FinalDBSnapshotIdentifier: finalSnapshotIdentifier(name),
        }),
      ),
    ).rejects.toThrow(/deletion protection/i);
    expect(
      (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: name }))).DBClusters,
    ).toHaveLength(1);

    // What `deletionPolicy: "destroy"` (or an operator) has to do first.
    await rds.send(
      new ModifyDBClusterCommand({
        DBClusterIdentifier: name,
        DeletionProtection: false,
        ApplyImmediately: true,
      }),
    );
    await rds.send(
      new DeleteDBInstanceCommand({ DBInstanceIdentifier: writer.identifier, SkipFinalSnapshot: true }),
    );
    await rds.send(
      new DeleteDBClusterCommand({
        DBClusterIdentifier: name,
        FinalDBSnapshotIdentifier: cluster.finalSnapshotIdentifier,
      }),
    );
    const snapshots = await rds.send(
      new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: `${name}-final` }),
    );
    expect(snapshots.DBClusterSnapshots?.[0]).toMatchObject({
      DBClusterIdentifier: name,
      StorageEncrypted: true,
    });
  });
});

describe("TrainingStorage's EFS file system in the emulator", () => {
  const name = `itest-efs-${unique()}`;
  const settings = resolveTrainingStorageSettings();
  const [accessPoint] = settings.accessPoints;
  let efs: EFSClient;
  let fileSystemId: string;
  let fileSystemArn: string;
  let securityGroupId: string;

  beforeAll(async () => {
    efs = new EFSClient(clientConfig());
    securityGroupId = await createSecurityGroup(`${name}-efs`, NFS_PORT);
    const definition = fileSystemDefinition(settings);
    const fileSystem = await efs.send(
      new CreateFileSystemCommand({
        CreationToken: name,
        Encrypted: definition.encrypted,
        KmsKeyId: kmsKeyArn,
        PerformanceMode: definition.performanceMode,
        ThroughputMode: definition.throughputMode,
        // moto has no PutBackupPolicy (aws.efs.BackupPolicy's call): the flag at creation sets the same policy.
        Backup: backupPolicyStatus(settings) === "ENABLED",
        Tags: [{ Key: "Name", Value: name }],
      }),
    );
    fileSystemId = fileSystem.FileSystemId ?? "";
    fileSystemArn = fileSystem.FileSystemArn ?? "";
    await efs.send(
      new PutLifecycleConfigurationCommand({
        FileSystemId: fileSystemId,
        LifecyclePolicies: lifecyclePolicies(settings).map((policy): LifecyclePolicy =>
          "transitionToIa" in policy
            ? { TransitionToIA: policy.transitionToIa as LifecyclePolicy["TransitionToIA"] }
            : { TransitionToPrimaryStorageClass: policy.transitionToPrimaryStorageClass },
        ),
      }),
    );
    await efs.send(
      new PutFileSystemPolicyCommand({
        FileSystemId: fileSystemId,
        Policy: JSON.stringify(fileSystemPolicyDocument(fileSystemArn, settings)),
      }),
    );
    for (const subnetId of subnetIds) {
      await efs.send(
        new CreateMountTargetCommand({
          FileSystemId: fileSystemId,
          SubnetId: subnetId,
          SecurityGroups: [securityGroupId],
        }),
      );
    }
    if (!accessPoint) throw new Error("the default settings have no access point");
    const ap = accessPointDefinition(accessPoint);
    await efs.send(
      new CreateAccessPointCommand({
        ClientToken: `${name}-${accessPoint.name}`,
        FileSystemId: fileSystemId,
        PosixUser: { Uid: ap.posixUser.uid, Gid: ap.posixUser.gid },
        RootDirectory: {
          Path: ap.rootDirectory.path,
          CreationInfo: {
            OwnerUid: ap.rootDirectory.creationInfo.ownerUid,
            OwnerGid: ap.rootDirectory.creationInfo.ownerGid,
            Permissions: ap.rootDirectory.creationInfo.permissions,
          },
        },
        Tags: [{ Key: "Name", Value: `${name}-${accessPoint.name}` }],
      }),
    );
  });

  it("keeps the file system encrypted with the key, General Purpose, elastic throughput", async () => {
    const described = await efs.send(new DescribeFileSystemsCommand({ FileSystemId: fileSystemId }));
    expect(described.FileSystems?.[0]).toMatchObject({
      FileSystemId: fileSystemId,
      Name: name,
      Encrypted: true,
      KmsKeyId: kmsKeyArn,
      PerformanceMode: "generalPurpose",
      ThroughputMode: "elastic",
      NumberOfMountTargets: 2,
    });
  });

  it("keeps the lifecycle (Infrequent Access after 30 days, back on first access) and daily backups (set at creation: moto lacks PutBackupPolicy)", async () => {
    const lifecycle = await efs.send(
      new DescribeLifecycleConfigurationCommand({ FileSystemId: fileSystemId }),
    );
    expect(lifecycle.LifecyclePolicies).toEqual([
      { TransitionToIA: "AFTER_30_DAYS" },
      { TransitionToPrimaryStorageClass: "AFTER_1_ACCESS" },
    ]);
    const backup = await efs.send(new DescribeBackupPolicyCommand({ FileSystemId: fileSystemId }));
    expect(backup.BackupPolicy?.Status).toBe("ENABLED");
  });

  it("has a mount target in each private subnet, behind the NFS security group", async () => {
    const targets =
      (await efs.send(new DescribeMountTargetsCommand({ FileSystemId: fileSystemId }))).MountTargets ?? [];
    expect(targets.map((t) => t.SubnetId).sort()).toEqual([...subnetIds].sort());
    expect(new Set(targets.map((t) => t.AvailabilityZoneName)).size).toBe(2);
    for (const target of targets) {
      const groups = await efs.send(
        new DescribeMountTargetSecurityGroupsCommand({ MountTargetId: target.MountTargetId }),
      );
      expect(groups.SecurityGroups).toEqual([securityGroupId]);
    }
  });

  it("has the datasets access point with its POSIX user and root directory", async () => {
    const points =
      (await efs.send(new DescribeAccessPointsCommand({ FileSystemId: fileSystemId }))).AccessPoints ?? [];
    expect(points).toHaveLength(1);
    expect(points[0]).toMatchObject({
      FileSystemId: fileSystemId,
      Name: `${name}-datasets`,
      PosixUser: { Uid: 1000, Gid: 1000 },
      RootDirectory: {
        Path: "/datasets",
        CreationInfo: { OwnerUid: 1000, OwnerGid: 1000, Permissions: "0755" },
      },
    });
  });

  it("keeps the TLS-only file system policy (stored, not enforced: moto has no NFS data plane)", async () => {
    const described = await efs.send(new DescribeFileSystemPolicyCommand({ FileSystemId: fileSystemId }));
    const policy = JSON.parse(described.Policy ?? "{}") as ReturnType<
      typeof fileSystemPolicyDocument<string>
    >;
    expect(policy.Statement).toContainEqual({
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: "*",
      Resource: fileSystemArn,
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
    const allow = policy.Statement.find((s) => s.Effect === "Allow");
    expect(allow?.Action).toEqual(["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]);
    expect(allow?.Condition).toEqual({ Bool: { "elasticfilesystem:AccessedViaMountTarget": "true" } });
  });
});
