import { stackPolicy } from "../lib/define";
import { describeRedshift, isFalse, keyOf, prop, REDSHIFT } from "./types";

/** What holds warehouse data, or a copy of it, under a key. */
const STORES: readonly string[] = [REDSHIFT.cluster, REDSHIFT.namespace, REDSHIFT.snapshotCopyGrant];

/**
 * Warehouse data is encrypted at rest with a customer-managed KMS key (seed §8.3), for provisioned clusters
 * (`encrypted` with `kmsKeyId`) and serverless namespaces (`kmsKeyId`). Redshift's own keys are not enough:
 * with an AWS-owned or AWS-managed key nobody in the account controls who may decrypt (no key policy of
 * ours), the key's use is not in the account's CloudTrail, disabling the key cannot lock the data away, and
 * snapshots cannot be shared with another account. The same holds for a snapshot copy grant, whose key
 * encrypts the snapshots a cluster copies to another region (without `kmsKeyId`, the AWS-managed key). A stack
 * policy, so that a key ARN still unknown during preview is recognised as customer-managed through its property
 * dependency on a KMS key of the stack.
 *
 * Checkov's CKV_AWS_64 also fails a cluster that leaves `encrypted` out; @pulumi/aws 7 defaults it to true
 * (AWS encrypts new clusters by default), so only an explicit false fails here, and the key is then judged.
 */
export const redshiftEncrypted = stackPolicy({
  name: "redshift-encrypted",
  description:
    "Redshift clusters, Serverless namespaces and snapshot copy grants encrypt with a customer-managed KMS key.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set kmsKeyId to a customer-managed aws.kms.Key (with encrypted: true on an aws.redshift.Cluster); the " +
    "Warehouse component creates a rotating key of its own. Give an aws.redshift.SnapshotCopyGrant a kmsKeyId " +
    "of a customer-managed key in the destination region.",
  checkov: ["CKV_AWS_64", "CKV_AWS_142", "CKV_AWS_281", "CKV_AWS_282"],
  validate: (args, report) => {
    const stores = args.resources.filter((r) => STORES.includes(r.type));
    if (stores.length === 0) {
      args.notApplicable(
        "The stack declares no Redshift cluster, Redshift Serverless namespace or snapshot copy grant",
      );
    }
    for (const store of stores) {
      const subject = describeRedshift(store);
      if (store.type === REDSHIFT.cluster && isFalse(prop(store, "encrypted"))) {
        report(`${subject} is not encrypted at rest: set encrypted to true and kmsKeyId`, store.urn);
        continue;
      }
      const key = keyOf(store, "kmsKeyId");
      if (key === "customer-managed") continue;
      const whose =
        key === "aws"
          ? `AWS's own key ${JSON.stringify(prop(store, "kmsKeyId"))}`
          : store.type === REDSHIFT.namespace
            ? "an AWS-owned key (no kmsKeyId)"
            : "the AWS-managed key (no kmsKeyId)";
      const what = store.type === REDSHIFT.snapshotCopyGrant ? "encrypts copied snapshots" : "is encrypted";
      report(`${subject} ${what} with ${whose}: set kmsKeyId to a customer-managed KMS key`, store.urn);
    }
  },
});
