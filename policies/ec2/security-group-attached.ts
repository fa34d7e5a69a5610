import { stackPolicy } from "../lib/define";
import { EC2 } from "./types";

/** Resources that hold a group's rules or name it as a peer: they do not put the group to use. */
const NOT_USES = new Set<string>([
  EC2.securityGroup,
  EC2.securityGroupRule,
  EC2.ingressRule,
  EC2.egressRule,
  EC2.defaultSecurityGroup,
]);

/**
 * Every security group is used by a resource of the stack: an instance or launch template, a Lambda function,
 * a SageMaker model or notebook, a Redshift cluster, a VPC endpoint, an EKS cluster, a state machine that starts
 * jobs in it, ... (any resource whose inputs take the group's id). A group nothing uses is left over, or its
 * rules were meant for a group that does not have them. Rules and other groups that name it as a peer are not
 * uses. Groups that only programs outside the stack use are exceptions to record, hence an advisory policy.
 */
export const ec2SecurityGroupAttached = stackPolicy({
  name: "ec2-security-group-attached",
  description: "Every security group is attached to a resource of the stack.",
  severity: "low",
  enforcementLevel: "advisory",
  remediationSteps:
    "Pass the group's id to the resource it is meant for (vpcConfig.securityGroupIds, vpcSecurityGroupIds, " +
    "securityGroupIds, ...), or remove the group; record an exception for a group that only jobs started " +
    "outside the stack use.",
  checkov: ["CKV2_AWS_5"],
  validate: (args, report) => {
    const groups = args.resources.filter((r) => r.type === EC2.securityGroup);
    if (groups.length === 0) args.notApplicable("The stack declares no security groups");
    const used = new Set<string>();
    for (const r of args.resources) {
      if (NOT_USES.has(r.type)) continue;
      for (const deps of Object.values(r.propertyDependencies)) for (const d of deps) used.add(d.urn);
    }
    for (const group of groups) {
      if (used.has(group.urn)) continue;
      report(
        `Security group ${JSON.stringify(group.name)} is attached to nothing: no resource of the stack ` +
          "takes its id; attach it to the resource it is for, or remove it",
        group.urn,
      );
    }
  },
});
