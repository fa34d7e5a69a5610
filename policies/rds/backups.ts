import { resourcePolicy } from "../lib/define";
import { describeRds, isTrue, prop, RDS } from "./types";

/**
 * Relational data can be recovered: automated backups are kept for at least `minRetentionDays` (point-in-time
 * recovery over that window; RDS keeps one day when the property is unset), and deleting the database takes a
 * final snapshot. A stack that may destroy its data (a development stack with the deletionPolicy "destroy")
 * sets `requireFinalSnapshot` to false in its pack config rather than an exception per database.
 */
export const rdsBackups = resourcePolicy({
  name: "rds-backups",
  description:
    "Aurora clusters and RDS instances keep automated backups for at least a week and take a final snapshot when deleted.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set backupRetentionPeriod to at least the required days (at most 35) and skipFinalSnapshot: false with a " +
    "finalSnapshotIdentifier on the aws.rds.Cluster or aws.rds.Instance.",
  types: [RDS.cluster, RDS.instance],
  config: {
    minRetentionDays: {
      type: "integer",
      minimum: 1,
      maximum: 35,
      default: 7,
      description: "Fewest days automated backups must be kept (RDS allows 1 to 35)",
    },
    requireFinalSnapshot: {
      type: "boolean",
      default: true,
      description: "Whether deleting a database must take a final snapshot (skipFinalSnapshot false)",
    },
  },
  validate: (args, report) => {
    const { minRetentionDays, requireFinalSnapshot } = args.getConfig<{
      minRetentionDays: number;
      requireFinalSnapshot: boolean;
    }>();
    const subject = describeRds(args);
    const retention = prop(args, "backupRetentionPeriod");
    if (retention === undefined) {
      report(
        `${subject} leaves backupRetentionPeriod unset (RDS keeps 1 day): set it to at least ${minRetentionDays}`,
      );
    } else if (typeof retention !== "number" || retention < minRetentionDays) {
      report(
        `${subject} keeps automated backups for ${JSON.stringify(retention)} day${retention === 1 ? "" : "s"}: set backupRetentionPeriod to at least ${minRetentionDays}`,
      );
    }
    if (requireFinalSnapshot && isTrue(prop(args, "skipFinalSnapshot"))) {
      report(
        `${subject} is deleted without a final snapshot: set skipFinalSnapshot to false and a finalSnapshotIdentifier`,
      );
    }
  },
});
