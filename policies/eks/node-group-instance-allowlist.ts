import { resourcePolicy } from "../lib/define";
import { NODE_GROUP_TYPES, nodeGroupOf } from "../lib/eks";

/** Node group instance types come from the stack's allowlist (pack config `allowedInstanceTypes`). */
export const eksNodeGroupInstanceAllowlist = resourcePolicy({
  name: "eks-node-group-instance-allowlist",
  description: "EKS node groups use instance types from the stack's allowlist.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Pick an allowed instance type, or add it to allowedInstanceTypes in the stack's pack config.",
  types: NODE_GROUP_TYPES,
  config: {
    allowedInstanceTypes: {
      type: "array",
      items: { type: "string" },
      default: ["g4dn.xlarge", "g5.xlarge", "p3.2xlarge", "m5.large", "m5.xlarge"],
      description: "EC2 instance types this stack's node groups may use",
    },
  },
  validate: (args, report) => {
    const { allowedInstanceTypes } = args.getConfig<{ allowedInstanceTypes: string[] }>();
    const group = nodeGroupOf(args, { gpuOnly: false });
    const outside = group
      .instanceTypes()
      .filter((t) => typeof t !== "string" || !allowedInstanceTypes.includes(t));
    if (outside.length > 0) {
      const label = group.label.charAt(0).toUpperCase() + group.label.slice(1);
      report(
        `${label} uses ${outside.map(String).join(", ")}, not in this stack's allowedInstanceTypes (${allowedInstanceTypes.join(", ")})`,
      );
    }
  },
});
