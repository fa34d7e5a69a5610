import { resourcePolicy } from "../lib/define";
import { NODE_GROUP_TYPES, nodeGroupOf } from "../lib/eks";

/** Idle GPU node groups cost nothing: their minimum size is 0 (seed §5.2). Production may keep warm nodes. */
export const eksGpuNodeGroupScaleToZero = resourcePolicy({
  name: "eks-gpu-node-group-scale-to-zero",
  description: "EKS GPU node groups can scale down to zero nodes.",
  severity: "low",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set scalingConfig.minSize (aws.eks.NodeGroup, eks.ManagedNodeGroup) or minSize (eks.NodeGroupV2, eks.Cluster's " +
    "nodeGroupOptions) to 0 and let the cluster autoscaler add nodes when GPU pods wait.",
  types: NODE_GROUP_TYPES,
  validate: (args, report) => {
    const group = nodeGroupOf(args, { gpuOnly: true });
    const min = group.minSize();
    if (typeof min === "number" && min > 0) {
      report(
        `GPU ${group.label} keeps at least ${min} node${min === 1 ? "" : "s"} running: set ${group.fields.minSize} to 0`,
      );
    }
  },
});
