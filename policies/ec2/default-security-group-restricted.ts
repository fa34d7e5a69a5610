import type { PolicyResource } from "@pulumi/policy";

import { stackPolicy } from "../lib/define";
import { peek, requireKnown, UNKNOWN } from "../lib/unknown";
import { describeEc2, EC2, items } from "./types";

/** Rule resources that add a rule to a group through their `securityGroupId`. */
const RULE_TYPES = new Set<string>([EC2.securityGroupRule, EC2.ingressRule, EC2.egressRule]);

/**
 * Every VPC's default security group allows nothing (CIS AWS 5.4): AWS creates it allowing all traffic between
 * its members and all egress, and anything launched without a group (a forgotten `vpcSecurityGroupIds`) lands in
 * it. A program restricts it by adopting it as an `aws.ec2.DefaultSecurityGroup` (its `vpcId` from the VPC) with
 * no `ingress` and no `egress`, which the provider reads as "remove every rule", and by adding no rule resources
 * to it. VPCs of remote components (`awsx:ec2:Vpc`) are not visible offline and are not judged.
 */
export const ec2DefaultSecurityGroupRestricted = stackPolicy({
  name: "ec2-default-security-group-restricted",
  description: "Every VPC's default security group is adopted with no ingress and no egress rules.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Declare new aws.ec2.DefaultSecurityGroup(`${name}-default-sg`, { vpcId: vpc.id }) with no ingress and no " +
    "egress (the Network component does), give every workload its own security group, and remove rules that " +
    "target the default group.",
  checkov: ["CKV2_AWS_12"],
  validate: (args, report) => {
    const vpcs = args.resources.filter((r) => r.type === EC2.vpc);
    if (vpcs.length === 0) args.notApplicable("The stack declares no VPCs");
    const dependsOn = (r: PolicyResource, property: string, on: PolicyResource): boolean =>
      (r.propertyDependencies[property] ?? []).some((d) => d.urn === on.urn);
    for (const vpc of vpcs) {
      const vpcName = JSON.stringify(vpc.name);
      const defaults = args.resources.filter(
        (r) => r.type === EC2.defaultSecurityGroup && dependsOn(r, "vpcId", vpc),
      );
      if (defaults.length === 0) {
        report(
          `VPC ${vpcName} leaves its default security group as AWS creates it (all traffic between its members, ` +
            "all egress): adopt it with an aws.ec2.DefaultSecurityGroup with no ingress and no egress",
          vpc.urn,
        );
        continue;
      }
      for (const group of defaults) {
        const subject = describeEc2(group);
        const counts = (["ingress", "egress"] as const).map((direction) => {
          const rules = peek((): unknown => group.props[direction]);
          if (rules === UNKNOWN) requireKnown((): unknown => group.props[direction]);
          return `${items(rules).length} ${direction}`;
        });
        if (counts.some((c) => !c.startsWith("0 "))) {
          report(
            `${subject} of VPC ${vpcName} keeps rules (${counts.join(", ")}): remove them, so that nothing ` +
              "that falls back to the default group gets traffic",
            group.urn,
          );
        }
        for (const rule of args.resources.filter(
          (r) => RULE_TYPES.has(r.type) && dependsOn(r, "securityGroupId", group),
        )) {
          report(
            `${describeEc2(rule)} adds a rule to ${subject} of VPC ` +
              `${vpcName}: remove it and give the workload its own security group`,
            rule.urn,
          );
        }
      }
    }
  },
});
