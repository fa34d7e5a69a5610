import type { PolicyResource } from "@pulumi/policy";

import { stackPolicy } from "../lib/define";
import { peek, UNKNOWN } from "../lib/unknown";
import { AUDIT_LOG_TYPES, describeRedshift, isTrue, prop, REDSHIFT, referencedBy, strings } from "./types";

/**
 * Redshift keeps an audit trail of connections, changes to users and every query (seed §8.3): a provisioned
 * cluster through an aws.redshift.Logging resource (the split resource of @pulumi/aws 7; the inline `logging`
 * block of older versions counts too) that exports all three logs to CloudWatch Logs or delivers them to S3;
 * a serverless namespace through `logExports` (serverless exports to CloudWatch Logs only). A Logging
 * resource is joined to its cluster through the property dependencies of `clusterIdentifier`, or by the
 * identifier it carries. Checkov's CKV_AWS_71 reads only the inline block, which @pulumi/aws 7 no longer has:
 * the Logging resource is what counts here.
 */
export const redshiftAuditLogging = stackPolicy({
  name: "redshift-audit-logging",
  description:
    "Redshift clusters and Redshift Serverless namespaces export the connection, user and user-activity logs.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Serverless: set logExports to connectionlog, userlog, useractivitylog on the aws.redshiftserverless.Namespace. " +
    'Provisioned: declare an aws.redshift.Logging for the cluster with logDestinationType "cloudwatch" and ' +
    "logExports connectionlog, userlog, useractivitylog (and enable_user_activity_logging in its parameter group).",
  checkov: ["CKV_AWS_71"],
  validate: (args, report) => {
    const clusters = args.resources.filter((r) => r.type === REDSHIFT.cluster);
    const namespaces = args.resources.filter((r) => r.type === REDSHIFT.namespace);
    if (clusters.length === 0 && namespaces.length === 0) {
      args.notApplicable("The stack declares no Redshift cluster or Redshift Serverless namespace");
    }
    const loggings = args.resources
      .filter((r) => r.type === REDSHIFT.logging)
      .map((logging) => ({
        logging,
        targets: referencedBy(logging, "clusterIdentifier", clusters, "clusterIdentifier"),
      }));
    for (const cluster of clusters) {
      const own = loggings.filter((l) => l.targets.some((t) => t.urn === cluster.urn)).map((l) => l.logging);
      const problem = clusterProblem(cluster, own);
      if (problem) report(`${describeRedshift(cluster)} ${problem}`, cluster.urn);
    }
    for (const namespace of namespaces) {
      const exported = new Set(strings(prop(namespace, "logExports")));
      const missing = AUDIT_LOG_TYPES.filter((t) => !exported.has(t));
      if (missing.length > 0) {
        report(
          `${describeRedshift(namespace)} does not export ${missing.join(", ")} to CloudWatch Logs: add them to logExports`,
          namespace.urn,
        );
      }
    }
  },
});

/** One way a cluster's logs leave it: an aws.redshift.Logging resource or the legacy inline block. */
interface LogDelivery {
  readonly source: string;
  readonly destination: unknown;
  readonly bucketName: unknown;
  readonly logExports: unknown;
}

function clusterProblem(cluster: PolicyResource, loggings: readonly PolicyResource[]): string | undefined {
  const deliveries: LogDelivery[] = loggings.map((l) => ({
    source: `logging ${JSON.stringify(l.name)}`,
    destination: prop(l, "logDestinationType"),
    // A bucket of the stack has a name that may be unknown during preview: it is a bucket all the same.
    bucketName: peek(() => l.props.bucketName as unknown),
    logExports: prop(l, "logExports"),
  }));
  const inline = prop(cluster, "logging") as Record<string, unknown> | undefined;
  if (inline !== undefined && isTrue(inline.enable)) {
    deliveries.push({
      source: "inline logging",
      destination: inline.logDestinationType,
      bucketName: inline.bucketName,
      logExports: inline.logExports,
    });
  }
  if (deliveries.length === 0) {
    return "has no audit logging: declare an aws.redshift.Logging for it that exports connectionlog, userlog and useractivitylog";
  }
  const problems = deliveries.map(deliveryProblem);
  if (problems.some((p) => p === undefined)) return undefined;
  return problems.join("; ");
}

/** What a delivery lacks; undefined when it carries all three logs. */
function deliveryProblem(d: LogDelivery): string | undefined {
  const exported = new Set(strings(d.logExports));
  const missing = AUDIT_LOG_TYPES.filter((t) => !exported.has(t));
  if (d.destination === "cloudwatch") {
    return missing.length === 0 ? undefined : `does not export ${missing.join(", ")} (${d.source})`;
  }
  if (d.destination === undefined || d.destination === "s3") {
    if (d.bucketName !== UNKNOWN && (typeof d.bucketName !== "string" || d.bucketName === "")) {
      return `delivers its logs nowhere: set logDestinationType "cloudwatch" with logExports, or bucketName (${d.source})`;
    }
    // Without logExports, S3 delivery carries every log; with them, only those listed.
    if (d.logExports === undefined || missing.length === 0) return undefined;
    return `does not deliver ${missing.join(", ")} to S3 (${d.source})`;
  }
  return `logs to an unknown destination ${JSON.stringify(d.destination)} (${d.source})`;
}
