import { resourcePolicy } from "../lib/define";
import { describeEc2, EC2, field, isTrue, items, prop } from "./types";

/**
 * The EBS volumes EC2 launch templates and instances declare are encrypted: every block device mapping of a
 * launch template with an `ebs` block, an instance's root block device (declared, so that its encryption is
 * not left to the AMI's snapshot or the account's default) and its extra EBS block devices. Instance-store
 * mappings (`virtualName`) and suppressed devices (`noDevice`) carry no EBS volume.
 */
export const ec2VolumesEncrypted = resourcePolicy({
  name: "ec2-volumes-encrypted",
  description: "EBS volumes declared by EC2 launch templates and instances are encrypted.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Set encrypted: "true" (and kmsKeyId) on each launch template blockDeviceMappings[].ebs, and encrypted: true ' +
    "on an instance's rootBlockDevice and ebsBlockDevices (the GpuInstances component does).",
  types: [EC2.launchTemplate, EC2.instance],
  validate: (args, report) => {
    const subject = describeEc2(args);
    if (args.type === EC2.launchTemplate) {
      items(prop(args, "blockDeviceMappings")).forEach((mapping, i) => {
        const ebs = field(mapping, "ebs");
        if (ebs === undefined || ebs === null) return;
        if (isTrue(field(ebs, "encrypted"))) return;
        const device = field(mapping, "deviceName");
        report(
          `${subject} does not encrypt the EBS volume of blockDeviceMappings.${i}${typeof device === "string" ? ` (${device})` : ""}: set ebs.encrypted to "true"`,
        );
      });
      return;
    }
    const root = prop(args, "rootBlockDevice");
    if (root === undefined || root === null) {
      report(
        `${subject} does not declare its rootBlockDevice, so the root volume's encryption is left to the AMI and the account: declare it with encrypted true`,
      );
    } else if (!isTrue(field(root, "encrypted"))) {
      report(`${subject} does not encrypt its root volume: set rootBlockDevice.encrypted to true`);
    }
    items(prop(args, "ebsBlockDevices")).forEach((device, i) => {
      if (isTrue(field(device, "encrypted"))) return;
      const name = field(device, "deviceName");
      report(
        `${subject} does not encrypt ebsBlockDevices.${i}${typeof name === "string" ? ` (${name})` : ""}: set encrypted to true`,
      );
    });
  },
});
