import { resourcePolicy } from "../lib/define";
import { NODE_GROUP_TYPES, nodeGroupOf } from "../lib/eks";

/** GPU nodes carry `nvidia.com/gpu=true:NoSchedule`, so only pods that ask for GPUs land on them (seed §5.2). */
export const eksGpuNodeGroupTainted = resourcePolicy({
  name: "eks-gpu-node-group-tainted",
  description: "EKS GPU node groups carry the nvidia.com/gpu NoSchedule taint.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Add taints: [{ key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" }] (aws.eks.NodeGroup, ' +
    'eks.ManagedNodeGroup) or taints: { "nvidia.com/gpu": { value: "true", effect: "NoSchedule" } } ' +
    "(eks.NodeGroupV2, eks.Cluster's nodeGroupOptions).",
  types: NODE_GROUP_TYPES,
  validate: (args, report) => {
    const group = nodeGroupOf(args, { gpuOnly: true });
    if (!group.taints().some((t) => t.key === "nvidia.com/gpu" && t.effect === "NO_SCHEDULE")) {
      report(`GPU ${group.label} has no nvidia.com/gpu NoSchedule taint: any pod can take its GPUs`);
    }
  },
});
