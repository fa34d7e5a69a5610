import { resourcePolicy } from "../lib/define";
import { allTraffic, describeEc2, INGRESS_TYPES, internetIngressOf, trafficOf } from "./types";

/**
 * No security group admits all traffic from the whole internet (0.0.0.0/0 or ::/0): a rule for every protocol
 * (`-1`), or for every TCP or UDP port, in any of the three forms of an ingress rule. Checkov's CKV_AWS_277 reads
 * this as "port -1"; AWS ignores the ports of a `-1` rule, so this policy judges the protocol and the range.
 */
export const ec2NoAllTrafficFromInternet = resourcePolicy({
  name: "ec2-no-all-traffic-from-internet",
  description: "Security groups never admit all protocols or every port from 0.0.0.0/0 or ::/0.",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Replace the rule with rules for the ports the workload serves, from the CIDR blocks or security groups of " +
    "its clients (a load balancer's security group for a public service).",
  types: INGRESS_TYPES,
  checkov: ["CKV_AWS_277"],
  validate: (args, report) => {
    for (const { rule, open } of internetIngressOf(args)) {
      if (!allTraffic(rule)) continue;
      report(
        `${describeEc2(args)} admits ${trafficOf(rule)} from the internet (${open.join(", ")})${rule.at}: ` +
          "allow only the ports the workload serves, from its clients",
      );
    }
  },
});
