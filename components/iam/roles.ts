import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * A role that only `service` (e.g. `sagemaker.amazonaws.com`), acting for this account, can assume: the
 * `aws:SourceAccount` condition guards against the confused deputy.
 */
export function serviceRole(
  name: string,
  role: { service: string; description: string; tags: Record<string, string> },
  parent: pulumi.Resource,
): aws.iam.Role {
  const account = aws.getCallerIdentityOutput({}, { parent }).accountId;
  return new aws.iam.Role(
    name,
    {
      description: role.description,
      assumeRolePolicy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: role.service },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:SourceAccount": account } },
          },
        ],
      }),
      tags: role.tags,
    },
    { parent },
  );
}
