import { resourcePolicy } from "../lib/define";
import { describeRedshift, isFalse, isTrue, prop, REDSHIFT } from "./types";

/**
 * Redshift clusters and Redshift Serverless workgroups are never publicly accessible: they get no public IP
 * address and are reached from inside the VPC only. The setting must be explicit, since the provider's
 * default for clusters has changed between versions.
 */
export const redshiftNotPublic = resourcePolicy({
  name: "redshift-not-public",
  description: "Redshift clusters and Redshift Serverless workgroups set publiclyAccessible to false.",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set publiclyAccessible: false on the aws.redshift.Cluster or aws.redshiftserverless.Workgroup, and let " +
    "clients in through the VPC (security group rules on port 5439, VPN or peering).",
  types: [REDSHIFT.cluster, REDSHIFT.workgroup],
  validate: (args, report) => {
    const publiclyAccessible = prop(args, "publiclyAccessible");
    if (isFalse(publiclyAccessible)) return;
    const subject = describeRedshift(args);
    report(
      isTrue(publiclyAccessible)
        ? `${subject} is publicly accessible: set publiclyAccessible to false`
        : `${subject} leaves publiclyAccessible unset: set it to false (the provider's default has changed between versions)`,
    );
  },
});
