import { resourcePolicy } from "../lib/define";
import { describeRedshift, isFalse, prop, REDSHIFT } from "./types";

/**
 * Provisioned Redshift clusters take engine upgrades and keep automated snapshots: `allowVersionUpgrade` is
 * not false (the provider's default is true), so that the maintenance window applies security fixes, and
 * `automatedSnapshotRetentionPeriod` is not 0 (the provider's default is 1 day), so that a dropped table or a
 * bad load can be restored. Serverless namespaces have neither setting: their upgrades and recovery points
 * are automatic.
 */
export const redshiftClusterMaintained = resourcePolicy({
  name: "redshift-cluster-maintained",
  description: "Redshift clusters allow engine version upgrades and keep automated snapshots.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Leave allowVersionUpgrade unset or true, and set automatedSnapshotRetentionPeriod to 1 to 35 days (the " +
    "Warehouse component keeps 7, mlplat:redshift.snapshotRetentionDays).",
  types: [REDSHIFT.cluster],
  checkov: ["CKV_AWS_141", "CKV_AWS_343"],
  validate: (args, report) => {
    const subject = describeRedshift(args);
    if (isFalse(prop(args, "allowVersionUpgrade"))) {
      report(
        `${subject} sets allowVersionUpgrade to false: it misses the engine's security fixes; remove it or set it to true`,
      );
    }
    const retention = prop(args, "automatedSnapshotRetentionPeriod");
    if (retention === 0 || retention === "0") {
      report(
        `${subject} sets automatedSnapshotRetentionPeriod to 0, which turns automated snapshots off: keep them 1 to 35 days`,
      );
    }
  },
});
