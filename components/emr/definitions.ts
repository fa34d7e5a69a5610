/**
 * What the Spark application is, as plain data: SparkProcessing declares its EMR Serverless application from
 * these, and the emulator tests create it with the SDK from the same values (both take the same camelCase shape).
 */
import { lakeUri, type LakeZone } from "../data-lake/layout";
import type { ResolvedSparkSettings } from "./args";

/** Where job logs go: `artifacts/logs/emr/<application>/`, in the lake's logs zone. */
export const SPARK_LOG_ZONE: LakeZone = "artifacts/logs";

/** The `s3://` prefix an application's job logs are written under. */
export function sparkLogUri(bucket: string, name: string): string {
  return `${lakeUri(bucket, SPARK_LOG_ZONE, "emr", name)}/`;
}

/** What the application is placed in and logs to: plain strings for the SDK, Pulumi inputs for the component. */
export interface SparkApplicationPlacement<T> {
  subnetIds: T[];
  securityGroupIds: T[];
  /** {@link sparkLogUri} */
  logUri: T;
  /** The lake's key, which encrypts the logs. */
  encryptionKeyArn: T;
}

/**
 * The application's parameters: Spark, started by the first job and stopped after the idle timeout, bounded by
 * the maximum capacity (no pre-initialized capacity), in the given subnets, logging to the lake.
 */
export function sparkApplicationDefinition<T>(
  name: string,
  s: ResolvedSparkSettings,
  placement: SparkApplicationPlacement<T>,
) {
  return {
    name,
    type: "spark",
    releaseLabel: s.releaseLabel,
    autoStartConfiguration: { enabled: true },
    autoStopConfiguration: { enabled: true, idleTimeoutMinutes: s.idleTimeoutMinutes },
    maximumCapacity: {
      cpu: `${s.maxVcpus} vCPU`,
      memory: `${s.maxMemoryGb} GB`,
      disk: `${s.maxDiskGb} GB`,
    },
    networkConfiguration: { subnetIds: placement.subnetIds, securityGroupIds: placement.securityGroupIds },
    monitoringConfiguration: {
      s3MonitoringConfiguration: { logUri: placement.logUri, encryptionKeyArn: placement.encryptionKeyArn },
    },
  };
}
