import { resourcePolicy } from "../lib/define";
import { clusterView, EKS } from "../lib/eks";

/** The Kubernetes API is private, or public only to an allowlist of CIDR blocks narrower than the internet. */
export const eksClusterEndpointPrivate = resourcePolicy({
  name: "eks-cluster-endpoint-private",
  description: "EKS cluster API endpoints are private, or public only to a CIDR allowlist.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set endpointPublicAccess: false, or publicAccessCidrs to the blocks that need the API (never 0.0.0.0/0).",
  types: [EKS.componentCluster, EKS.cluster],
  checkov: ["CKV_AWS_38"],
  validate: (args, report) => {
    const view = clusterView(args.type, args.props);
    if (!view.publicAccess) return;
    const name = JSON.stringify(args.name);
    if (view.publicAccessCidrs.length === 0 || view.publicAccessCidrs.includes("0.0.0.0/0")) {
      report(
        `EKS cluster ${name} exposes its API endpoint to the whole internet: make it private or set publicAccessCidrs`,
      );
    }
  },
});
