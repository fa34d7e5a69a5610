import { resourcePolicy } from "../lib/define";
import { allTraffic, describeEc2, EGRESS_TYPES, internetOf, rulesOf, trafficOf } from "./types";

/**
 * No security group lets all traffic out to the whole internet (0.0.0.0/0 or ::/0): the usual "allow all egress"
 * rule, in a group's inline `egress`, an `aws.ec2.SecurityGroupRule` of type egress or an
 * `aws.vpc.SecurityGroupEgressRule`. Egress to AWS services goes through VPC endpoints and their prefix lists,
 * and to other hosts on the ports they serve. Many templates keep open egress for package mirrors and APIs
 * (Checkov's CKV_AWS_382 is often waived), hence an advisory policy.
 */
export const ec2NoAllTrafficEgressToInternet = resourcePolicy({
  name: "ec2-no-all-traffic-egress-to-internet",
  description: "Security groups do not let all traffic out to 0.0.0.0/0 or ::/0.",
  severity: "low",
  enforcementLevel: "advisory",
  remediationSteps:
    "Replace the rule with egress on the ports the workload uses: HTTPS to the S3 gateway endpoint's prefix list " +
    "and to the VPC's interface endpoints, and named ports to the hosts it calls.",
  types: EGRESS_TYPES,
  checkov: ["CKV_AWS_382"],
  validate: (args, report) => {
    for (const rule of rulesOf(args, "egress")) {
      const open = internetOf(rule);
      if (open.length === 0 || !allTraffic(rule)) continue;
      report(
        `${describeEc2(args)} lets ${trafficOf(rule)} out to the internet (${open.join(", ")})${rule.at}: ` +
          "allow only the ports and destinations the workload uses (prefix lists for AWS services)",
      );
    }
  },
});
