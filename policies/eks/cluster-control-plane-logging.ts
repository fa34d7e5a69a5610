import { resourcePolicy } from "../lib/define";
import { ALL_LOG_TYPES, clusterView, EKS } from "../lib/eks";

/** Every control-plane log type goes to CloudWatch Logs: api, audit, authenticator, controllerManager, scheduler. */
export const eksClusterControlPlaneLogging = resourcePolicy({
  name: "eks-cluster-control-plane-logging",
  description: "EKS clusters send every control-plane log type to CloudWatch Logs.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps: `Set enabledClusterLogTypes to ${ALL_LOG_TYPES.join(", ")}.`,
  types: [EKS.componentCluster, EKS.cluster],
  checkov: ["CKV_AWS_37"],
  validate: (args, report) => {
    const enabled = new Set(clusterView(args.type, args.props).logTypes);
    const missing = ALL_LOG_TYPES.filter((t) => !enabled.has(t));
    if (missing.length > 0) {
      report(`EKS cluster ${JSON.stringify(args.name)} does not log ${missing.join(", ")}`);
    }
  },
});
