import { stackPolicy } from "../lib/define";
import { describeRds, isTrue, keyOf, prop, RDS } from "./types";

/**
 * Relational data is encrypted at rest with a customer-managed KMS key: Aurora clusters and RDS instances set
 * `storageEncrypted` and `kmsKeyId`. The provider leaves a cluster unencrypted unless told, and without a key
 * RDS uses the AWS-managed `aws/rds` key, whose policy nobody in the account controls (and whose snapshots
 * cannot be shared with another account). A stack policy, so that a key ARN still unknown during preview is
 * recognised as customer-managed through its property dependency on a KMS key of the stack.
 */
export const rdsClusterEncrypted = stackPolicy({
  name: "rds-cluster-encrypted",
  description: "Aurora clusters and RDS instances encrypt their storage with a customer-managed KMS key.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set storageEncrypted: true and kmsKeyId to a customer-managed aws.kms.Key on the aws.rds.Cluster or " +
    "aws.rds.Instance (encryption cannot be added to an existing cluster: restore a snapshot into a new one). " +
    "The RelationalStore component creates a rotating key of its own.",
  validate: (args, report) => {
    const stores = args.resources.filter((r) => r.type === RDS.cluster || r.type === RDS.instance);
    if (stores.length === 0) args.notApplicable("The stack declares no RDS cluster or RDS instance");
    for (const store of stores) {
      const subject = describeRds(store);
      if (!isTrue(prop(store, "storageEncrypted"))) {
        report(`${subject} is not encrypted at rest: set storageEncrypted to true and kmsKeyId`, store.urn);
        continue;
      }
      const key = keyOf(store, "kmsKeyId");
      if (key === "customer-managed") continue;
      const whose =
        key === "aws"
          ? `AWS's own key ${JSON.stringify(prop(store, "kmsKeyId"))}`
          : "the AWS-managed key aws/rds (no kmsKeyId)";
      report(`${subject} is encrypted with ${whose}: set kmsKeyId to a customer-managed KMS key`, store.urn);
    }
  },
});
