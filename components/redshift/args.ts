import { checkLogRetention } from "../catalog/cloudwatch";
import { deletionPolicyIssues, productionDeletionPolicyIssues, type DeletionPolicy } from "../data-lake/args";
import { wholeNumbers, type ValidationIssue } from "../validation";

/** How the warehouse runs: Redshift Serverless (pay per RPU-second) or a provisioned RA3 cluster. */
export type WarehouseMode = "serverless" | "provisioned";
export const WAREHOUSE_MODES: readonly WarehouseMode[] = ["serverless", "provisioned"];

/**
 * Current-generation node types (RA3, with managed storage), cheapest first. DC2 is the previous generation:
 * storage bound to the nodes, and no data sharing.
 */
export const RA3_NODE_TYPES = ["ra3.large", "ra3.xlplus", "ra3.4xlarge", "ra3.16xlarge"] as const;

/** The three audit logs Redshift writes: connections, changes to users, and every query run. */
export const AUDIT_LOG_TYPES = ["connectionlog", "userlog", "useractivitylog"] as const;

/** The port the warehouse listens on (Redshift's default). */
export const WAREHOUSE_PORT = 5439;

/**
 * Redshift Serverless base capacities, in RPUs (1 RPU = 16 GB of memory): 4; 8 to 512 in steps of 8; 512 to
 * 1024 in steps of 32, the last range only in some regions (us-east-1, us-east-2, us-west-2, eu-west-1,
 * eu-central-1). A 4-RPU workgroup holds at most 32 TB of managed storage, 8 to 24 RPUs at most 128 TB.
 * Source: "Compute capacity for Amazon Redshift Serverless", Amazon Redshift Management Guide
 * (docs.aws.amazon.com/redshift/latest/mgmt/serverless-capacity.html), and the AWS Big Data Blog post
 * "Amazon Redshift Serverless at 4 RPUs".
 */
export const MIN_BASE_CAPACITY_RPUS = 4;
export const MAX_BASE_CAPACITY_RPUS = 1024;

/** The highest max capacity this template accepts, in RPUs: a sanity ceiling, to raise if a workload needs more. */
export const MAX_MAX_CAPACITY_RPUS = 5632;

/**
 * Subnets a Redshift Serverless workgroup needs: at least three, in three Availability Zones ("Considerations
 * when using Amazon Redshift Serverless", docs.aws.amazon.com/redshift/latest/mgmt/serverless-usage-considerations.html).
 */
export const SERVERLESS_MIN_SUBNETS = 3;

/** The warehouse's settings: plain values from the stack config. */
export interface WarehouseSettings {
  /** @default "serverless" */
  mode?: WarehouseMode;
  /**
   * Serverless only: the capacity a query starts with, in RPUs. The smallest Redshift Serverless allows: 4
   * RPUs (64 GB, up to 32 TB of managed storage); then 8 to 512 in steps of 8, and 512 to 1024 in steps of
   * 32 where the region offers it (see {@link MIN_BASE_CAPACITY_RPUS}). @default 4
   */
  baseCapacityRpus?: number;
  /**
   * Serverless only: the most RPUs the workgroup scales to, the cost ceiling of a busy hour. A multiple of 8,
   * at least the base capacity. @default 32
   */
  maxCapacityRpus?: number;
  /** Provisioned only: an RA3 node type, see {@link RA3_NODE_TYPES}. @default "ra3.large" (the cheapest) */
  nodeType?: string;
  /**
   * Provisioned only: compute nodes, 1 to 128; 1 makes a single-node cluster. Each node type has its own
   * range, which AWS enforces when the cluster is created. @default 2
   */
  numberOfNodes?: number;
  /** The first database, created with the warehouse. @default "analytics" */
  databaseName?: string;
  /** The admin user; its password is generated and kept in Secrets Manager. @default "warehouse_admin" */
  adminUsername?: string;
  /** Days CloudWatch Logs keeps the audit logs (connections, users, queries). @default 365 */
  auditLogRetentionDays?: number;
  /**
   * What happens to the warehouse's data (namespace or cluster), its key and its audit logs when they leave
   * the stack, as for the data lake:
   * - `protect`: Pulumi refuses to delete them (protect) and, if forced, leaves them in AWS (retainOnDelete);
   *   a provisioned cluster also takes a final snapshot if it is ever deleted.
   * - `retain`: `pulumi destroy` leaves them in AWS (retainOnDelete); the cluster's final snapshot as above.
   * - `destroy`: they are deleted with the stack, without a final snapshot. Never allowed in production.
   * @default "protect"
   */
  deletionPolicy?: DeletionPolicy;
  /**
   * Provisioned only: days automated snapshots are kept, 1 to 35. Serverless keeps its recovery points (every
   * 30 minutes) for 24 hours, which is not configurable. @default 7
   */
  snapshotRetentionDays?: number;
  /**
   * CIDR blocks allowed to connect on port 5439, e.g. a VPN's range. Never the whole internet; the warehouse
   * is not publicly accessible either way. @default [] (only the security groups given to the component)
   */
  allowedCidrBlocks?: string[];
}

export interface ResolvedWarehouseSettings {
  readonly mode: WarehouseMode;
  readonly baseCapacityRpus: number;
  readonly maxCapacityRpus: number;
  readonly nodeType: string;
  readonly numberOfNodes: number;
  readonly databaseName: string;
  readonly adminUsername: string;
  readonly auditLogRetentionDays: number;
  readonly deletionPolicy: DeletionPolicy;
  readonly snapshotRetentionDays: number;
  readonly allowedCidrBlocks: readonly string[];
}

export function resolveWarehouseSettings(s: WarehouseSettings = {}): ResolvedWarehouseSettings {
  return {
    mode: s.mode ?? "serverless",
    baseCapacityRpus: s.baseCapacityRpus ?? MIN_BASE_CAPACITY_RPUS,
    maxCapacityRpus: s.maxCapacityRpus ?? 32,
    nodeType: s.nodeType ?? "ra3.large",
    numberOfNodes: s.numberOfNodes ?? 2,
    databaseName: s.databaseName ?? "analytics",
    adminUsername: s.adminUsername ?? "warehouse_admin",
    auditLogRetentionDays: s.auditLogRetentionDays ?? 365,
    deletionPolicy: s.deletionPolicy ?? "protect",
    snapshotRetentionDays: s.snapshotRetentionDays ?? 7,
    allowedCidrBlocks: [...(s.allowedCidrBlocks ?? [])],
  };
}

/** True for a base capacity Redshift Serverless accepts (region limits on 544..1024 aside). */
export function isBaseCapacity(rpus: unknown): boolean {
  if (typeof rpus !== "number" || !Number.isInteger(rpus)) return false;
  if (rpus === MIN_BASE_CAPACITY_RPUS) return true;
  if (rpus >= 8 && rpus <= 512) return rpus % 8 === 0;
  return rpus > 512 && rpus <= MAX_BASE_CAPACITY_RPUS && rpus % 32 === 0;
}

const DATABASE_NAME = /^[a-z][a-z0-9_]{0,63}$/;
const USERNAME = /^[a-z][a-z0-9_]{0,127}$/;
/** Names Redshift keeps for itself. */
const RESERVED_USERNAMES = ["rdsdb", "rdsadmin", "public", "user"];
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Every problem with resolved warehouse settings; empty when they are valid. Paths are relative to them. */
export function validateWarehouseSettings(s: ResolvedWarehouseSettings): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const whole = wholeNumbers(issues);
  if (!WAREHOUSE_MODES.includes(s.mode)) {
    issues.push({ path: "mode", value: s.mode, expected: `one of ${WAREHOUSE_MODES.join(", ")}` });
  }
  const baseOk = isBaseCapacity(s.baseCapacityRpus);
  if (!baseOk) {
    issues.push({
      path: "baseCapacityRpus",
      value: s.baseCapacityRpus,
      expected:
        `${MIN_BASE_CAPACITY_RPUS}, a multiple of 8 from 8 to 512, or a multiple of 32 from 512 to ` +
        `${MAX_BASE_CAPACITY_RPUS} (Redshift Serverless base capacities)`,
    });
  }
  const max = s.maxCapacityRpus;
  const floor = baseOk ? Math.max(8, s.baseCapacityRpus) : 8;
  if (
    typeof max !== "number" ||
    !Number.isInteger(max) ||
    max % 8 !== 0 ||
    max < floor ||
    max > MAX_MAX_CAPACITY_RPUS
  ) {
    issues.push({
      path: "maxCapacityRpus",
      value: max,
      expected:
        `a multiple of 8 from ${floor} to ${MAX_MAX_CAPACITY_RPUS}` +
        (baseOk ? ` (at least baseCapacityRpus, ${s.baseCapacityRpus})` : ""),
    });
  }
  if (!(RA3_NODE_TYPES as readonly string[]).includes(s.nodeType)) {
    issues.push({
      path: "nodeType",
      value: s.nodeType,
      expected: `an RA3 node type: ${RA3_NODE_TYPES.join(", ")}`,
    });
  }
  whole("numberOfNodes", s.numberOfNodes, 1, 128, "nodes");
  if (typeof s.databaseName !== "string" || !DATABASE_NAME.test(s.databaseName)) {
    issues.push({
      path: "databaseName",
      value: s.databaseName,
      expected: "1 to 64 lowercase letters, digits and underscores, starting with a letter",
    });
  }
  if (typeof s.adminUsername !== "string" || !USERNAME.test(s.adminUsername)) {
    issues.push({
      path: "adminUsername",
      value: s.adminUsername,
      expected: "1 to 128 lowercase letters, digits and underscores, starting with a letter",
    });
  } else if (RESERVED_USERNAMES.includes(s.adminUsername)) {
    issues.push({
      path: "adminUsername",
      value: s.adminUsername,
      expected: `a name Redshift does not reserve (not ${RESERVED_USERNAMES.join(", ")})`,
    });
  }
  checkLogRetention(issues, "auditLogRetentionDays", s.auditLogRetentionDays);
  issues.push(...deletionPolicyIssues(s.deletionPolicy));
  whole("snapshotRetentionDays", s.snapshotRetentionDays, 1, 35, "days");
  s.allowedCidrBlocks.forEach((cidr, i) => {
    const problem = cidrProblem(cidr);
    if (problem) issues.push({ path: `allowedCidrBlocks.${i}`, value: cidr, expected: problem });
  });
  return issues;
}

function cidrProblem(cidr: unknown): string | undefined {
  const m = typeof cidr === "string" ? CIDR.exec(cidr) : null;
  const prefix = Number(m?.[5] ?? -1);
  if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || prefix > 32) {
    return "an IPv4 CIDR block, e.g. 10.20.0.0/16";
  }
  if (prefix < 8) return "a block no wider than /8: never the whole internet";
  const address = m.slice(1, 5).reduce((acc, o) => acc * 256 + Number(o), 0);
  if (address % 2 ** (32 - prefix) !== 0) return "a block's first address, e.g. 10.20.0.0/16";
  return undefined;
}

/**
 * What an environment demands of the warehouse, for the stack config to report with its own rules: production
 * data is never deleted with the stack. Paths are relative to the settings.
 */
export function warehouseEnvironmentIssues(
  environment: string,
  s: ResolvedWarehouseSettings,
): ValidationIssue[] {
  return productionDeletionPolicyIssues(environment, s.deletionPolicy);
}
