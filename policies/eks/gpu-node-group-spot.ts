import { resourcePolicy } from "../lib/define";
import { EKS, isGpuNodeGroup } from "../lib/eks";

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
    'Set capacityType: "SPOT"; keep on-demand GPUs in a fallback group with desiredSize and minSize 0.',
  types: [EKS.nodeGroup],
  validate: (args, report) => {
    if (!isGpuNodeGroup(args.props)) args.notApplicable("Not a GPU node group");
    if (args.props.capacityType === "SPOT") return;
    const scaling = (args.props.scalingConfig ?? {}) as { minSize?: unknown; desiredSize?: unknown };
    if (scaling.minSize === 0 && scaling.desiredSize === 0) return;
    report(
      `GPU node group ${JSON.stringify(args.name)} runs on-demand GPUs: use capacityType SPOT, with on-demand only as a fallback from zero`,
    );
  },
});
