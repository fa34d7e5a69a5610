/**
 * What the relational store's Aurora cluster and writer are, as plain data: the component declares them from
 * these, and the emulator tests create them with the SDK from the same values, so both ask for the same cluster.
 * Inputs that only exist once other resources do (the key, the subnet group, the security group) are added by
 * the component.
 */
import { POSTGRES_PORT, type ResolvedRelationalStoreSettings } from "./args";

/** The instance class of Aurora Serverless v2 instances. */
export const SERVERLESS_INSTANCE_CLASS = "db.serverless";

/** The engine of the cluster and its instances. */
export const AURORA_POSTGRESQL_ENGINE = "aurora-postgresql";

/** The log Aurora PostgreSQL exports to CloudWatch Logs. */
export const POSTGRESQL_LOG_EXPORTS = ["postgresql"] as const;

/** Cluster parameters: connections must use TLS. */
export const CLUSTER_PARAMETERS: Readonly<Record<string, string>> = { "rds.force_ssl": "1" };

/**
 * Days Performance Insights keeps its history: 7 is the free tier (longer retention is charged per vCPU, or
 * per ACU for Aurora Serverless v2).
 */
export const PERFORMANCE_INSIGHTS_RETENTION_DAYS = 7;

/** The suffix of the writer instance's identifier; the cluster's name leaves room for it. */
export const WRITER_SUFFIX = "-writer";

/** The writer instance's identifier: `<name>-writer`. */
export function writerIdentifier(name: string): string {
  return `${name}${WRITER_SUFFIX}`;
}

/** The identifier of the snapshot taken when a kept cluster is deleted: `<name>-final`. */
export function finalSnapshotIdentifier(name: string): string {
  return `${name}-final`;
}

/** The cluster's settings that do not depend on other resources (`aws.rds.Cluster` argument names). */
export interface ClusterDefinition {
  readonly clusterIdentifier: string;
  readonly engine: typeof AURORA_POSTGRESQL_ENGINE;
  readonly engineMode: "provisioned";
  readonly engineVersion: string;
  readonly engineLifecycleSupport: "open-source-rds-extended-support-disabled";
  readonly serverlessv2ScalingConfiguration: {
    readonly minCapacity: number;
    readonly maxCapacity: number;
    readonly secondsUntilAutoPause?: number;
  };
  readonly databaseName: string;
  readonly masterUsername: string;
  readonly manageMasterUserPassword: true;
  readonly storageEncrypted: true;
  readonly port: number;
  readonly iamDatabaseAuthenticationEnabled: true;
  readonly enabledCloudwatchLogsExports: string[];
  readonly backupRetentionPeriod: number;
  readonly copyTagsToSnapshot: true;
  readonly deletionProtection: boolean;
  readonly skipFinalSnapshot: boolean;
  readonly finalSnapshotIdentifier?: string;
}

/**
 * The Aurora PostgreSQL cluster named `name`: Serverless v2 scaling (pausing after `secondsUntilAutoPause` when
 * the minimum is 0 ACUs), encrypted storage, a master password managed by RDS, IAM authentication, the PostgreSQL
 * log exported, and, unless the deletion policy is `destroy`, deletion protection and a final snapshot.
 */
export function clusterDefinition(
  name: string,
  settings: ResolvedRelationalStoreSettings,
): ClusterDefinition {
  const destroy = settings.deletionPolicy === "destroy";
  const pause = settings.minCapacityAcus === 0;
  return {
    clusterIdentifier: name,
    engine: AURORA_POSTGRESQL_ENGINE,
    engineMode: "provisioned",
    engineVersion: settings.engineVersion,
    // Never drift into RDS Extended Support (charged per vCPU-hour) when a major version ends standard support.
    engineLifecycleSupport: "open-source-rds-extended-support-disabled",
    serverlessv2ScalingConfiguration: {
      minCapacity: settings.minCapacityAcus,
      maxCapacity: settings.maxCapacityAcus,
      ...(pause ? { secondsUntilAutoPause: settings.secondsUntilAutoPause } : {}),
    },
    databaseName: settings.databaseName,
    masterUsername: settings.masterUsername,
    manageMasterUserPassword: true,
    storageEncrypted: true,
    port: POSTGRES_PORT,
    iamDatabaseAuthenticationEnabled: true,
    enabledCloudwatchLogsExports: [...POSTGRESQL_LOG_EXPORTS],
    backupRetentionPeriod: settings.backupRetentionDays,
    copyTagsToSnapshot: true,
    deletionProtection: !destroy,
    skipFinalSnapshot: destroy,
    ...(destroy ? {} : { finalSnapshotIdentifier: finalSnapshotIdentifier(name) }),
  };
}

/** The writer's settings that do not depend on other resources (`aws.rds.ClusterInstance` argument names). */
export interface WriterDefinition {
  readonly identifier: string;
  readonly instanceClass: typeof SERVERLESS_INSTANCE_CLASS;
  readonly engine: typeof AURORA_POSTGRESQL_ENGINE;
  readonly publiclyAccessible: false;
  readonly autoMinorVersionUpgrade: true;
  readonly performanceInsightsEnabled: boolean;
  readonly performanceInsightsRetentionPeriod?: number;
}

/** The cluster's one Serverless v2 writer, never publicly accessible, with Performance Insights when enabled. */
export function writerDefinition(name: string, settings: ResolvedRelationalStoreSettings): WriterDefinition {
  return {
    identifier: writerIdentifier(name),
    instanceClass: SERVERLESS_INSTANCE_CLASS,
    engine: AURORA_POSTGRESQL_ENGINE,
    publiclyAccessible: false,
    autoMinorVersionUpgrade: true,
    performanceInsightsEnabled: settings.performanceInsights,
    ...(settings.performanceInsights
      ? { performanceInsightsRetentionPeriod: PERFORMANCE_INSIGHTS_RETENTION_DAYS }
      : {}),
  };
}
