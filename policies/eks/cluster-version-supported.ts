import { resourcePolicy } from "../lib/define";
import { clusterView, EKS } from "../lib/eks";

/**
 * Clusters pin a Kubernetes version that EKS still supports (pack config `supportedVersions`). Stricter than
 * Checkov's CKV_AWS_339 in two ways, on purpose: a cluster without `version` fails (EKS picks its current
 * default at creation and the program never moves it again, so it drifts out of support unseen), and the list is
 * standard support, kept in pack config, rather than a list hard-coded in the check that includes extended
 * support (which AWS bills extra per cluster-hour).
 */
export const eksClusterVersionSupported = resourcePolicy({
  name: "eks-cluster-version-supported",
  description: "EKS clusters pin a Kubernetes version in EKS standard support.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps: "Set version to one of supportedVersions; upgrade one minor version at a time.",
  types: [EKS.componentCluster, EKS.cluster],
  checkov: ["CKV_AWS_339"],
  config: {
    supportedVersions: {
      type: "array",
      items: { type: "string", pattern: "^1\\.[0-9]+$" },
      default: ["1.33", "1.34", "1.35"],
      description:
        "Kubernetes versions in EKS standard support (check https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html)",
    },
  },
  validate: (args, report) => {
    const { supportedVersions } = args.getConfig<{ supportedVersions: string[] }>();
    const version = clusterView(args.type, args.props).version;
    const name = JSON.stringify(args.name);
    if (version === undefined) {
      report(
        `EKS cluster ${name} does not pin a Kubernetes version: set one of ${supportedVersions.join(", ")}`,
      );
    } else if (typeof version !== "string" || !supportedVersions.includes(version)) {
      report(
        `EKS cluster ${name} runs Kubernetes ${JSON.stringify(version)}, outside standard support (${supportedVersions.join(", ")})`,
      );
    }
  },
});
