import { resourcePolicy } from "../lib/define";
import { describeRds, isTrue, prop, RDS } from "./types";

/**
 * Database instances are never publicly accessible: no public IP address, reached from inside the VPC only.
 * Aurora sets this per instance (aws.rds.ClusterInstance), not on the cluster. Left unset, the provider sends
 * false (its documented default), so only an explicit true fails.
 */
export const rdsNotPublic = resourcePolicy({
  name: "rds-not-public",
  description: "Aurora cluster instances and RDS instances set publiclyAccessible to false.",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set publiclyAccessible: false on the aws.rds.ClusterInstance or aws.rds.Instance, put it in private " +
    "subnets, and let clients in through the VPC (security group rules on the database port, VPN or peering).",
  types: [RDS.clusterInstance, RDS.instance],
  validate: (args, report) => {
    if (isTrue(prop(args, "publiclyAccessible"))) {
      report(`${describeRds(args)} is publicly accessible: set publiclyAccessible to false`);
    }
  },
});
