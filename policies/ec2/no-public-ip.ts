import { resourcePolicy } from "../lib/define";
import { describeEc2, EC2, field, isTrue, items, prop } from "./types";

/**
 * EC2 launch templates and instances do not ask for a public IP address: instances are reached through the
 * VPC or Session Manager, and reach the internet (when they must) through a NAT gateway. Leaving the setting
 * out defers to the subnet's `mapPublicIpOnLaunch`, which the network component turns off in private subnets.
 */
export const ec2NoPublicIp = resourcePolicy({
  name: "ec2-no-public-ip",
  description: "EC2 launch templates and instances never set associatePublicIpAddress to true.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Set associatePublicIpAddress to "false" on the launch template\'s networkInterfaces (false on an instance), ' +
    "launch into private subnets, and connect through Session Manager.",
  types: [EC2.launchTemplate, EC2.instance],
  validate: (args, report) => {
    const subject = describeEc2(args);
    if (args.type === EC2.instance) {
      if (isTrue(prop(args, "associatePublicIpAddress"))) {
        report(`${subject} gets a public IP address (associatePublicIpAddress true): set it to false`);
      }
      return;
    }
    items(prop(args, "networkInterfaces")).forEach((nic, i) => {
      if (isTrue(field(nic, "associatePublicIpAddress"))) {
        report(
          `${subject} gives instances a public IP address (networkInterfaces.${i}.associatePublicIpAddress true): set it to "false"`,
        );
      }
    });
  },
});
