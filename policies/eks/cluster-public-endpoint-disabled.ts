import { resourcePolicy } from "../lib/define";
import { clusterView, EKS } from "../lib/eks";

/**
 * The Kubernetes API has no public endpoint at all: `endpointPublicAccess` is false, set explicitly because
 * both the EKS API and @pulumi/eks open it by default. Stricter than eks-cluster-endpoint-private, which
 * accepts a public endpoint limited to a CIDR allowlist: an allowlisted endpoint is still on the internet
 * (any address in the blocks, a leaked kubeconfig), so production keeps the API private and reaches it
 * through the VPC (VPN, bastion, CI runners inside it).
 */
export const eksClusterPublicEndpointDisabled = resourcePolicy({
  name: "eks-cluster-public-endpoint-disabled",
  description: "EKS clusters turn their public API endpoint off and are reached from inside the VPC.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set endpointPublicAccess: false (@pulumi/eks) or vpcConfig.endpointPublicAccess: false (aws.eks.Cluster) " +
    "with endpointPrivateAccess: true, and reach the API through the VPC (MlCluster does when " +
    "mlplat:eks.publicAccessCidrs is empty).",
  types: [EKS.componentCluster, EKS.cluster],
  checkov: ["CKV_AWS_39"],
  validate: (args, report) => {
    const view = clusterView(args.type, args.props);
    if (!view.publicAccess) return;
    const field = args.type === EKS.cluster ? "vpcConfig.endpointPublicAccess" : "endpointPublicAccess";
    const open =
      view.publicAccessCidrs.length > 0
        ? `to ${view.publicAccessCidrs.join(", ")}`
        : "(the default when endpointPublicAccess is not false)";
    report(
      `EKS cluster ${JSON.stringify(args.name)} has a public API endpoint ${open}: set ${field} to false and reach the API from inside the VPC`,
    );
  },
});
