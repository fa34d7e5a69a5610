import { stackPolicy } from "../lib/define";
import { describeRedshift, isFalse, keyOf, prop, REDSHIFT } from "./types";

/**
 * Warehouse data is encrypted at rest with a customer-managed KMS key (seed §8.3), for provisioned clusters
 * (`encrypted` with `kmsKeyId`) and serverless namespaces (`kmsKeyId`). Redshift's own keys are not enough:
 * with an AWS-owned or AWS-managed key nobody in the account controls who may decrypt (no key policy of
 * ours), the key's use is not in the account's CloudTrail, disabling the key cannot lock the data away, and
 * snapshots cannot be shared with another account. A stack policy, so that a key ARN still unknown during
 * preview is recognised as customer-managed through its property dependency on a KMS key of the stack.
 */
export const redshiftEncrypted = stackPolicy({
  name: "redshift-encrypted",
  description:
    "Redshift clusters and Redshift Serverless namespaces encrypt their data with a customer-managed KMS key.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set kmsKeyId to a customer-managed aws.kms.Key (with encrypted: true on an aws.redshift.Cluster); the " +
    "Warehouse component creates a rotating key of its own.",
  validate: (args, report) => {
    const stores = args.resources.filter((r) => r.type === REDSHIFT.cluster || r.type === REDSHIFT.namespace);
    if (stores.length === 0) {
      args.notApplicable("The stack declares no Redshift cluster or Redshift Serverless namespace");
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
      report(`${subject} is encrypted with ${whose}: set kmsKeyId to a customer-managed KMS key`, store.urn);
    }
  },
});
