import { resourcePolicy } from "../lib/define";
import { clusterView, EKS } from "../lib/eks";

/** Kubernetes secrets are envelope-encrypted with a KMS key. */
export const eksClusterSecretsEncrypted = resourcePolicy({
  name: "eks-cluster-secrets-encrypted",
  description: "EKS clusters encrypt Kubernetes secrets with a KMS key.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Set encryptionConfigKeyArn (@pulumi/eks) or encryptionConfig { resources: ["secrets"], provider.keyArn } (aws.eks.Cluster).',
  types: [EKS.componentCluster, EKS.cluster],
  checkov: ["CKV_AWS_58"],
  validate: (args, report) => {
    const key = clusterView(args.type, args.props).secretsKeyArn;
    if (key === undefined || key === "") {
      report(`EKS cluster ${JSON.stringify(args.name)} does not encrypt Kubernetes secrets with a KMS key`);
    }
  },
});
