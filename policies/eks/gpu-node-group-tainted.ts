import { resourcePolicy } from "../lib/define";
import { EKS, isGpuNodeGroup } from "../lib/eks";

/** GPU nodes carry `nvidia.com/gpu=true:NoSchedule`, so only pods that ask for GPUs land on them (seed §5.2). */
export const eksGpuNodeGroupTainted = resourcePolicy({
  name: "eks-gpu-node-group-tainted",
  description: "EKS GPU node groups carry the nvidia.com/gpu NoSchedule taint.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Add taints: [{ key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" }] to the node group.',
  types: [EKS.nodeGroup],
  validate: (args, report) => {
    if (!isGpuNodeGroup(args.props)) args.notApplicable("Not a GPU node group");
    const taints = (Array.isArray(args.props.taints) ? args.props.taints : []) as {
      key?: unknown;
      effect?: unknown;
    }[];
    if (!taints.some((t) => t.key === "nvidia.com/gpu" && t.effect === "NO_SCHEDULE")) {
      report(
        `GPU node group ${JSON.stringify(args.name)} has no nvidia.com/gpu NoSchedule taint: any pod can take its GPUs`,
      );
    }
  },
});
