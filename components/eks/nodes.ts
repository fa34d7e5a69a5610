import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** The taint that keeps everything but GPU workloads off GPU nodes (seed §5.2). */
export const GPU_TAINT = { key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" } as const;
/** The label GPU workloads select (seed §5.2). */
export const GPU_LABEL = { "node-type": "gpu" } as const;

/** The AWS-managed policies an EKS worker node needs, and nothing more. */
const WORKER_POLICIES = [
  "AmazonEKSWorkerNodePolicy",
  "AmazonEKS_CNI_Policy",
  "AmazonEC2ContainerRegistryReadOnly",
];

/** A role for EKS worker nodes (EC2 assumes it) with the worker policies attached, `<name>-<policy>`. */
export function nodeRole(
  name: string,
  description: string,
  tags: Record<string, string>,
  parent: pulumi.Resource,
  extraPolicies: readonly string[] = [],
): { role: aws.iam.Role; attachments: aws.iam.RolePolicyAttachment[] } {
  const opts = { parent };
  const partition = aws.getPartitionOutput({}, opts).partition;
  const role = new aws.iam.Role(
    name,
    {
      description,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
        ],
      }),
      tags,
    },
    opts,
  );
  const prefix = name.replace(/-node-role$/, "");
  const attachments = [...WORKER_POLICIES, ...extraPolicies].map(
    (policy) =>
      new aws.iam.RolePolicyAttachment(
        `${prefix}-${policy.toLowerCase().replace(/_/g, "-")}`,
        { role: role.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}` },
        opts,
      ),
  );
  return { role, attachments };
}
