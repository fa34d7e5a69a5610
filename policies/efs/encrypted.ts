import { stackPolicy } from "../lib/define";
import { isTrue, keyOf, prop } from "../redshift/types";

const FILE_SYSTEM = "aws:efs/fileSystem:FileSystem";

/**
 * EFS file systems are encrypted at rest with a customer-managed KMS key: `encrypted` with `kmsKeyId`.
 * Encryption can only be chosen when a file system is created, and without a key EFS uses the AWS-managed
 * `aws/elasticfilesystem` key, whose policy nobody in the account controls. A stack policy, so that a key ARN
 * still unknown during preview is recognised as customer-managed through its dependency on a stack's KMS key.
 */
export const efsEncrypted = stackPolicy({
  name: "efs-encrypted",
  description: "EFS file systems encrypt their data with a customer-managed KMS key.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set encrypted: true and kmsKeyId to a customer-managed aws.kms.Key on the aws.efs.FileSystem (a new file " +
    "system: encryption cannot be added later). The TrainingStorage component creates a rotating key of its own.",
  validate: (args, report) => {
    const fileSystems = args.resources.filter((r) => r.type === FILE_SYSTEM);
    if (fileSystems.length === 0) args.notApplicable("The stack declares no EFS file system");
    for (const fs of fileSystems) {
      const subject = `EFS file system ${JSON.stringify(fs.name)}`;
      if (!isTrue(prop(fs, "encrypted"))) {
        report(`${subject} is not encrypted at rest: set encrypted to true and kmsKeyId`, fs.urn);
        continue;
      }
      const key = keyOf(fs, "kmsKeyId");
      if (key === "customer-managed") continue;
      const whose =
        key === "aws"
          ? `AWS's own key ${JSON.stringify(prop(fs, "kmsKeyId"))}`
          : "the AWS-managed key aws/elasticfilesystem (no kmsKeyId)";
      report(`${subject} is encrypted with ${whose}: set kmsKeyId to a customer-managed KMS key`, fs.urn);
    }
  },
});
