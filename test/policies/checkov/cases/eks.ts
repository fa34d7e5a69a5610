/** Checkov's eks checks as Pulumi resources (see ../case.ts). */
import type { DeclaredResource } from "../../../../scripts/cli/offline/runner";
import { declared, TAGS } from "../../helpers";
import type { ServiceCases } from "../case";

const CLUSTER = "aws:eks/cluster:Cluster";
const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const LOGS = ["api", "audit", "authenticator", "controllerManager", "scheduler"];
const KEY_ARN = "arn:aws:kms:ap-northeast-2:123456789012:key/eks-key-id";

/** An aws.eks.Cluster every EKS policy passes, with `inputs` and `vpcConfig` changed. */
function cluster(
  inputs: Record<string, unknown>,
  vpcConfig: Record<string, unknown> = {},
): DeclaredResource[] {
  return [
    declared(CLUSTER, "ml", {
      name: "ml",
      roleArn: "arn:aws:iam::123456789012:role/ml-cluster",
      version: "1.34",
      enabledClusterLogTypes: LOGS,
      encryptionConfig: { resources: ["secrets"], provider: { keyArn: KEY_ARN } },
      tags: TAGS,
      ...inputs,
      vpcConfig: {
        subnetIds: ["subnet-a", "subnet-b"],
        endpointPrivateAccess: true,
        endpointPublicAccess: false,
        ...vpcConfig,
      },
    }),
  ];
}

/** A managed node group with `remoteAccess`. */
function nodeGroup(remoteAccess: Record<string, unknown>): DeclaredResource[] {
  return [
    declared(NODE_GROUP, "system", {
      clusterName: "ml",
      nodeRoleArn: "arn:aws:iam::123456789012:role/ml-nodes",
      subnetIds: ["subnet-a", "subnet-b"],
      instanceTypes: ["m5.large"],
      scalingConfig: { minSize: 2, desiredSize: 2, maxSize: 4 },
      remoteAccess,
      tags: TAGS,
    }),
  ];
}

export const eks: ServiceCases = {
  cases: [
    {
      id: "CKV_AWS_37",
      title: "a cluster logging only api and audit",
      fail: cluster({ enabledClusterLogTypes: ["api", "audit"] }),
      pass: cluster({ enabledClusterLogTypes: LOGS }),
    },
    {
      id: "CKV_AWS_38",
      title: "a public endpoint open to 0.0.0.0/0",
      fail: cluster({}, { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] }),
      pass: cluster({}, { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] }),
    },
    {
      id: "CKV_AWS_39",
      title: "a cluster that leaves endpointPublicAccess unset (true)",
      fail: cluster({}, { endpointPublicAccess: undefined }),
      pass: cluster({}, { endpointPublicAccess: false }),
    },
    {
      id: "CKV_AWS_58",
      title: "a cluster without encryptionConfig for secrets",
      fail: cluster({ encryptionConfig: undefined }),
      pass: cluster({ encryptionConfig: { resources: ["secrets"], provider: { keyArn: KEY_ARN } } }),
    },
    {
      id: "CKV_AWS_100",
      title: "a node group with an SSH key and no source security groups",
      fail: nodeGroup({ ec2SshKey: "ops" }),
      pass: nodeGroup({ ec2SshKey: "ops", sourceSecurityGroupIds: ["sg-0bastion"] }),
    },
    {
      id: "CKV_AWS_339",
      title: "a cluster on Kubernetes 1.28",
      fail: cluster({ version: "1.28" }),
      pass: cluster({ version: "1.34" }),
    },
  ],
  notApplicable: [],
  covered: ["CKV_AWS_100", "CKV_AWS_339", "CKV_AWS_37", "CKV_AWS_38", "CKV_AWS_39", "CKV_AWS_58"],
};
