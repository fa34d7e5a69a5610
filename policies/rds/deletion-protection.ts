import { resourcePolicy } from "../lib/define";
import { describeRds, isTrue, prop, RDS } from "./types";

/**
 * A database cannot be deleted by mistake: deletion protection is on, so that RDS refuses DeleteDBCluster and
 * DeleteDBInstance (from Pulumi, the console or the CLI) until it is turned off on purpose. The pack config
 * decides where this is mandatory (production) and where advisory (development stacks that destroy their data).
 */
export const rdsDeletionProtection = resourcePolicy({
  name: "rds-deletion-protection",
  description: "Aurora clusters and RDS instances have deletion protection on.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set deletionProtection: true on the aws.rds.Cluster or aws.rds.Instance (the RelationalStore component " +
    'does unless its deletionPolicy is "destroy").',
  types: [RDS.cluster, RDS.instance],
  validate: (args, report) => {
    if (!isTrue(prop(args, "deletionProtection"))) {
      report(`${describeRds(args)} has no deletion protection: set deletionProtection to true`);
    }
  },
});
