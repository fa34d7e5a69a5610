import { wholeNumbers, type ValidationIssue } from "../validation";

/**
 * The EMR release an application runs when the stack config names none: EMR 7.12.0 (Apache Spark 3.5.x), a
 * current 7.x release of EMR Serverless ("Amazon EMR Serverless release versions", EMR Serverless User Guide).
 */
export const DEFAULT_RELEASE_LABEL = "emr-7.12.0";

/** The release labels this template accepts: EMR 7.x (`emr-7.<minor>.<patch>`). */
export const RELEASE_LABEL = /^emr-7\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

/**
 * The idle timeout EMR Serverless accepts for auto-stop, in minutes: 1 to 10080 (7 days). AWS's own default
 * is 15, which the template keeps.
 */
export const MIN_IDLE_TIMEOUT_MINUTES = 1;
export const MAX_IDLE_TIMEOUT_MINUTES = 10080;

/** Sanity ceilings for the application's maximum capacity: raise them if a workload needs more. */
export const MAX_VCPUS = 4000;
export const MAX_MEMORY_GB = 30000;
export const MAX_DISK_GB = 200000;
/** EMR Serverless gives each worker 20 GB of disk at no charge; an application needs at least that. */
export const MIN_DISK_GB = 20;

/** The EMR on EC2 security configuration's settings (at-rest and in-transit encryption). */
export interface Ec2SecuritySettings {
  /**
   * The `s3://` URI of a zip of PEM files (`privateKey.pem`, `certificateChain.pem`, `trustedCertificates.pem`)
   * that EMR on EC2 uses for in-transit encryption (TLS between the cluster's nodes): EMR's "PEM" certificate
   * provider. Create the certificates outside the stack (a private CA or `openssl`), upload the zip, and keep
   * it readable by the cluster's EC2 instance role only. A custom certificate provider (a Java class that
   * fetches certificates, e.g. from ACM Private CA) is the other choice EMR offers; this template does not
   * build it.
   */
  certificatesS3Object: string;
}

/** Spark processing's settings: plain values from the stack config (`mlplat:spark`). */
export interface SparkSettings {
  /** The EMR release, `emr-7.<minor>.<patch>`. @default "emr-7.12.0" ({@link DEFAULT_RELEASE_LABEL}) */
  releaseLabel?: string;
  /**
   * Minutes without a running job before the application stops (and stops billing for pre-initialized
   * capacity). 1 to 10080. @default 15
   */
  idleTimeoutMinutes?: number;
  /** The most vCPUs all of the application's workers may hold at once: the cost ceiling. @default 16 */
  maxVcpus?: number;
  /** The most memory all workers may hold at once, in GB. @default 64 */
  maxMemoryGb?: number;
  /** The most disk all workers may hold at once, in GB (20 GB per worker is free). @default 400 */
  maxDiskGb?: number;
  /**
   * Also declare an EMR on EC2 security configuration (at-rest encryption of S3 data and local disks with
   * KMS, in-transit encryption with TLS, IMDSv2 only) for clusters started outside the template. The template
   * builds no EMR on EC2 cluster. @default - none (EMR Serverless only)
   */
  ec2SecurityConfiguration?: Ec2SecuritySettings;
}

export interface ResolvedSparkSettings {
  readonly releaseLabel: string;
  readonly idleTimeoutMinutes: number;
  readonly maxVcpus: number;
  readonly maxMemoryGb: number;
  readonly maxDiskGb: number;
  readonly ec2SecurityConfiguration?: Readonly<Ec2SecuritySettings>;
}

export function resolveSparkSettings(s: SparkSettings = {}): ResolvedSparkSettings {
  return {
    releaseLabel: s.releaseLabel ?? DEFAULT_RELEASE_LABEL,
    idleTimeoutMinutes: s.idleTimeoutMinutes ?? 15,
    maxVcpus: s.maxVcpus ?? 16,
    maxMemoryGb: s.maxMemoryGb ?? 64,
    maxDiskGb: s.maxDiskGb ?? 400,
    ...(s.ec2SecurityConfiguration ? { ec2SecurityConfiguration: { ...s.ec2SecurityConfiguration } } : {}),
  };
}

const S3_OBJECT = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.*[^/]$/;

/** Every problem with resolved Spark settings; empty when they are valid. Paths are relative to them. */
export function validateSparkSettings(s: ResolvedSparkSettings): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const whole = wholeNumbers(issues);
  if (typeof s.releaseLabel !== "string" || !RELEASE_LABEL.test(s.releaseLabel)) {
    issues.push({
      path: "releaseLabel",
      value: s.releaseLabel,
      expected: `an EMR 7.x release label such as ${DEFAULT_RELEASE_LABEL}`,
    });
  }
  whole(
    "idleTimeoutMinutes",
    s.idleTimeoutMinutes,
    MIN_IDLE_TIMEOUT_MINUTES,
    MAX_IDLE_TIMEOUT_MINUTES,
    "minutes",
    " (EMR Serverless auto-stop)",
  );
  const vcpusOk = whole("maxVcpus", s.maxVcpus, 1, MAX_VCPUS, "vCPUs");
  const memoryOk = whole("maxMemoryGb", s.maxMemoryGb, 2, MAX_MEMORY_GB, "GB");
  whole("maxDiskGb", s.maxDiskGb, MIN_DISK_GB, MAX_DISK_GB, "GB");
  // A worker has 2 to 8 GB of memory per vCPU ("Worker configurations", EMR Serverless User Guide).
  if (vcpusOk && memoryOk && (s.maxMemoryGb < 2 * s.maxVcpus || s.maxMemoryGb > 8 * s.maxVcpus)) {
    issues.push({
      path: "maxMemoryGb",
      value: s.maxMemoryGb,
      expected: `2 to 8 GB per vCPU: from ${2 * s.maxVcpus} to ${8 * s.maxVcpus} for maxVcpus ${s.maxVcpus}`,
    });
  }
  const ec2 = s.ec2SecurityConfiguration;
  if (ec2 !== undefined) {
    const uri = (ec2 as Partial<Ec2SecuritySettings>).certificatesS3Object;
    if (typeof uri !== "string" || !S3_OBJECT.test(uri)) {
      issues.push({
        path: "ec2SecurityConfiguration.certificatesS3Object",
        value: uri,
        expected: "the s3:// URI of a zip of PEM certificates, e.g. s3://my-certs/emr/certs.zip",
      });
    }
  }
  return issues;
}

/**
 * The component's name, which is the application's name: EMR Serverless accepts 1 to 64 letters, digits and
 * `._/#-`; the template also names the lake grants after it, which take lowercase letters, digits and hyphens.
 */
const APPLICATION_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** Problems with what the application is deployed into: its name and its subnets. */
export function validateSparkTarget(name: string, subnetCount: number): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (!APPLICATION_NAME.test(name)) {
    issues.push({
      path: "name",
      value: name,
      expected: "1 to 64 lowercase letters, digits and hyphens, starting with a letter or digit",
    });
  }
  if (subnetCount < 1) {
    issues.push({
      path: "subnetIds.length",
      value: subnetCount,
      expected: "at least 1 private subnet (2 or more in different Availability Zones are recommended)",
    });
  }
  return issues;
}
