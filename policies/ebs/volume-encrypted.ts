import { stackPolicy } from "../lib/define";
import { isFalse, isTrue, prop } from "../redshift/types";

const VOLUME = "aws:ebs/volume:Volume";
const ENCRYPTION_BY_DEFAULT = "aws:ebs/encryptionByDefault:EncryptionByDefault";

/**
 * EBS volumes are encrypted at rest. A volume that sets `encrypted: true` passes; one that leaves it unset
 * passes only when the stack turns on EBS encryption by default for the account and region
 * (aws.ebs.EncryptionByDefault, enabled), which then encrypts it. Launch templates' block devices are checked
 * by `ec2-volumes-encrypted`.
 */
export const ebsVolumeEncrypted = stackPolicy({
  name: "ebs-volume-encrypted",
  description: "EBS volumes are encrypted, explicitly or by the account's EBS encryption by default.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set encrypted: true (and kmsKeyId to a customer-managed key) on the aws.ebs.Volume, or turn on EBS " +
    "encryption by default (aws.ebs.EncryptionByDefault; the TrainingStorage component does).",
  validate: (args, report) => {
    const volumes = args.resources.filter((r) => r.type === VOLUME);
    if (volumes.length === 0) args.notApplicable("The stack declares no EBS volume");
    const byDefault = args.resources.some(
      (r) => r.type === ENCRYPTION_BY_DEFAULT && isTrue(prop(r, "enabled") ?? true),
    );
    for (const volume of volumes) {
      const encrypted = prop(volume, "encrypted");
      if (isTrue(encrypted)) continue;
      const subject = `EBS volume ${JSON.stringify(volume.name)}`;
      if (isFalse(encrypted)) {
        report(`${subject} is not encrypted: set encrypted to true`, volume.urn);
      } else if (!byDefault) {
        report(
          `${subject} leaves encrypted unset and the stack does not turn on EBS encryption by default: set encrypted to true`,
          volume.urn,
        );
      }
    }
  },
});
