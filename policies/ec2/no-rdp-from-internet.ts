import { resourcePolicy } from "../lib/define";
import { describeEc2, INGRESS_TYPES, internetIngressOf, RDP, reachesPort } from "./types";

/**
 * No security group lets the whole internet (0.0.0.0/0 or ::/0) reach Remote Desktop (port 3389, TCP and UDP),
 * in any of the three forms of an ingress rule. Rules for all protocols (`-1`) open port 3389 too.
 */
export const ec2NoRdpFromInternet = resourcePolicy({
  name: "ec2-no-rdp-from-internet",
  description: "Security groups never open Remote Desktop (port 3389) to 0.0.0.0/0 or ::/0.",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Remove the rule and reach Windows hosts through Session Manager port forwarding or Fleet Manager, or narrow " +
    "the source to a trusted CIDR block or security group.",
  types: INGRESS_TYPES,
  checkov: ["CKV_AWS_25"],
  validate: (args, report) => {
    for (const { rule, open } of internetIngressOf(args)) {
      if (!reachesPort(rule, RDP.port, RDP.protocols)) continue;
      report(
        `${describeEc2(args)} opens Remote Desktop (port 3389) to the internet (${open.join(", ")})${rule.at}: ` +
          "remove it and use Session Manager, or narrow the source",
      );
    }
  },
});
