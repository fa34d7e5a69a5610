import { resourcePolicy } from "../lib/define";
import { NODE_GROUP_TYPES, nodeGroupOf } from "../lib/eks";

/**
 * GPU node groups run on spot capacity, up to 90% cheaper (seed §6.1). An on-demand group that starts at zero
 * nodes is the documented fallback for when spot GPUs are unavailable, and passes.
 */
export const eksGpuNodeGroupSpot = resourcePolicy({
  name: "eks-gpu-node-group-spot",
  description: "EKS GPU node groups use spot capacity (an on-demand fallback may start at zero).",
  severity: "low",
  enforcementLevel: "advisory",
  remediationSteps:
    'Set capacityType: "SPOT" (aws.eks.NodeGroup, eks.ManagedNodeGroup) or a spotPrice (eks.NodeGroupV2, ' +
    "eks.Cluster's nodeGroupOptions); keep on-demand GPUs in a fallback group whose desired and minimum sizes are 0.",
  types: NODE_GROUP_TYPES,
  validate: (args, report) => {
    const group = nodeGroupOf(args, { gpuOnly: true });
    if (group.isSpot()) return;
    if (group.minSize() === 0 && group.desiredSize() === 0) return;
    report(
      `GPU ${group.label} runs on-demand GPUs: use ${group.fields.spot}, with on-demand only as a fallback from zero`,
    );
  },
});
