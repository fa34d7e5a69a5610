import { resourcePolicy } from "../lib/define";
import { EKS, isGpuNodeGroup } from "../lib/eks";

/** Idle GPU node groups cost nothing: their minimum size is 0 (seed §5.2). Production may keep warm nodes. */
export const eksGpuNodeGroupScaleToZero = resourcePolicy({
  name: "eks-gpu-node-group-scale-to-zero",
  description: "EKS GPU node groups can scale down to zero nodes.",
  severity: "low",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set scalingConfig.minSize to 0 and let the cluster autoscaler add nodes when GPU pods wait.",
  types: [EKS.nodeGroup],
  validate: (args, report) => {
    if (!isGpuNodeGroup(args.props)) args.notApplicable("Not a GPU node group");
    const min = (args.props.scalingConfig as { minSize?: unknown } | undefined)?.minSize;
    if (typeof min === "number" && min > 0) {
      report(
        `GPU node group ${JSON.stringify(args.name)} keeps at least ${min} node${min === 1 ? "" : "s"} running: set scalingConfig.minSize to 0`,
      );
    }
  },
});
