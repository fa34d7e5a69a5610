import { resourcePolicy } from "../lib/define";
import { describeEc2, INGRESS_TYPES, internetIngressOf, reachesPort, SSH } from "./types";

/**
 * No security group lets the whole internet (0.0.0.0/0 or ::/0) reach SSH (TCP port 22), whether through a
 * group's inline `ingress`, an `aws.ec2.SecurityGroupRule` of type ingress, or an
 * `aws.vpc.SecurityGroupIngressRule`. Rules for all protocols (`-1`) open port 22 too. Checkov's CKV_AWS_24 also
 * fails a UDP rule over port 22; SSH is TCP only, so this policy does not (the open-ports policy does).
 */
export const ec2NoSshFromInternet = resourcePolicy({
  name: "ec2-no-ssh-from-internet",
  description: "Security groups never open SSH (port 22) to 0.0.0.0/0 or ::/0.",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Remove the rule and connect through Session Manager (the GpuInstances component has no ingress at all), or " +
    "narrow the source to a trusted CIDR block or security group.",
  types: INGRESS_TYPES,
  checkov: ["CKV_AWS_24"],
  validate: (args, report) => {
    for (const { rule, open } of internetIngressOf(args)) {
      if (!reachesPort(rule, SSH.port, SSH.protocols)) continue;
      report(
        `${describeEc2(args)} opens SSH (port 22) to the internet (${open.join(", ")})${rule.at}: ` +
          "remove it and use Session Manager, or narrow the source",
      );
    }
  },
});
