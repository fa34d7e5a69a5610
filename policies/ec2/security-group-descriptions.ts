import { resourcePolicy } from "../lib/define";
import { describeEc2, EC2, prop, rulesOf, SECURITY_GROUP_RULE_TYPES } from "./types";

/**
 * Every security group and every rule says what it is for: a group's `description` (the SDK fills in "Managed by
 * Pulumi" when a program sets none, which says nothing: it fails as Checkov fails a missing one), each of its inline
 * `ingress` and `egress` blocks, and each rule resource (`aws.ec2.SecurityGroupRule`,
 * `aws.vpc.SecurityGroupIngressRule`, `aws.vpc.SecurityGroupEgressRule`). Reviews and incident response read
 * them to tell a needed rule from a forgotten one.
 */
export const ec2SecurityGroupDescriptions = resourcePolicy({
  name: "ec2-security-group-descriptions",
  description: "Every security group and every security group rule has a description.",
  severity: "low",
  enforcementLevel: "advisory",
  remediationSteps:
    "Set description on the group (what uses it) and on each ingress and egress rule (who or what the traffic is " +
    "for); a group's description cannot change without replacing it, so set it when creating the group.",
  types: SECURITY_GROUP_RULE_TYPES,
  checkov: ["CKV_AWS_23"],
  validate: (args, report) => {
    const subject = describeEc2(args);
    if (args.type !== EC2.securityGroup) {
      if (!described(prop(args, "description"))) report(`${subject} has no description: ${FIX}`);
      return;
    }
    if (!described(prop(args, "description"))) {
      report(
        `${subject} has no description (the provider's default is ${JSON.stringify(PROVIDER_DEFAULT)}): ${FIX}`,
      );
    }
    for (const rule of [...rulesOf(args, "ingress"), ...rulesOf(args, "egress")]) {
      if (!described(rule.get("description")))
        report(`${subject} has a rule without description${rule.at}: ${FIX}`);
    }
  },
});

const FIX = "set description to what the traffic is for";

/** The description the SDK gives a group that sets none (@pulumi/aws fills it in before the engine sees it). */
const PROVIDER_DEFAULT = "Managed by Pulumi";

function described(value: unknown): boolean {
  return typeof value === "string" && value.trim() !== "" && value !== PROVIDER_DEFAULT;
}
