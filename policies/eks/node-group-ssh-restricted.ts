import { resourcePolicy } from "../lib/define";
import { EKS, nodeGroupName, nodeGroupOf } from "../lib/eks";
import { peek, requireKnown, UNKNOWN } from "../lib/unknown";

/**
 * A managed node group that takes an EC2 key pair (`remoteAccess.ec2SshKey`) also names the security groups
 * SSH may come from (`remoteAccess.sourceSecurityGroupIds`): without them, EKS opens port 22 (3389 on Windows)
 * on every node to 0.0.0.0/0. Self-managed groups (@pulumi/eks NodeGroupV2, NodeGroup and a cluster's default
 * group) have no such implicit rule: their node security group decides, and the security-group policies judge it.
 */
export const eksNodeGroupSshRestricted = resourcePolicy({
  name: "eks-node-group-ssh-restricted",
  description: "Managed EKS node groups with an SSH key limit SSH to named source security groups.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set remoteAccess.sourceSecurityGroupIds to the security groups SSH may come from (a bastion's), or drop " +
    "remoteAccess and reach nodes through SSM Session Manager.",
  types: [EKS.nodeGroup, EKS.componentNodeGroup],
  checkov: ["CKV_AWS_100"],
  validate: (args, report) => {
    const access = nodeGroupOf(args, { gpuOnly: false }).remoteAccess();
    if (access === undefined) return;
    // A key pair name unknown during preview is a key all the same.
    const key = peek(() => access.ec2SshKey);
    if (key !== UNKNOWN && (key === undefined || key === null || key === "")) return;
    const sources = requireKnown(() => access.sourceSecurityGroupIds);
    if (Array.isArray(sources) && sources.length > 0) return;
    report(
      `EKS node group ${nodeGroupName(args)} sets remoteAccess.ec2SshKey without sourceSecurityGroupIds: EKS opens ` +
        "SSH on its nodes to 0.0.0.0/0; name the source security groups or drop remoteAccess",
    );
  },
});
