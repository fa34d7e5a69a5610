import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import {
  CLOUDWATCH_PUT_METRICS,
  EC2_DESCRIBE_NETWORK,
  EC2_MANAGE_INTERFACES,
  ECR_AUTH,
  ECR_PULL,
  KMS_GRANT_FOR_AWS_RESOURCE,
  LOGS_WRITE,
} from "../iam/actions";
import type { DataLake, LakeZone } from "../data-lake";
import { serviceRole } from "../iam/roles";
import { parseEcrImage } from "./training-args";

/** Where a SageMaker role's job runs: its image, network and key. */
export interface SageMakerRuntime {
  readonly image: string;
  readonly subnetIds: pulumi.Input<string>[];
  readonly securityGroupIds: pulumi.Input<string>[];
  readonly kmsKeyArn: pulumi.Input<string>;
  /** The CloudWatch Logs group family SageMaker writes to: `TrainingJobs` or `Endpoints`. */
  readonly logGroupKind: "TrainingJobs" | "Endpoints";
  readonly tags: Record<string, string>;
}

/** A role that only SageMaker, acting for this account, can assume. */
export function sageMakerRole(
  name: string,
  tags: Record<string, string>,
  parent: pulumi.Resource,
): aws.iam.Role {
  return serviceRole(
    name,
    {
      service: "sagemaker.amazonaws.com",
      description: "Assumed by SageMaker for the platform's jobs and endpoints",
      tags,
    },
    parent,
  );
}

/**
 * What a SageMaker job or endpoint needs besides the lake: pull its image from its ECR repository, write its
 * logs and metrics, attach to the platform's subnets, and have its volumes encrypted with the lake's key.
 */
export function sageMakerRuntimePolicy(
  name: string,
  role: aws.iam.Role,
  runtime: SageMakerRuntime,
  parent: pulumi.Resource,
): aws.iam.RolePolicy {
  const opts = { parent };
  const region = aws.getRegionOutput({}, opts).region;
  const account = aws.getCallerIdentityOutput({}, opts).accountId;
  const partition = aws.getPartitionOutput({}, opts).partition;
  const ec2Arn = (kind: string, id: pulumi.Input<string>) =>
    pulumi.interpolate`arn:${partition}:ec2:${region}:${account}:${kind}/${id}`;
  const ecr = parseEcrImage(runtime.image);

  const statements: pulumi.Input<Record<string, unknown>>[] = [
    {
      Sid: "WriteLogs",
      Effect: "Allow",
      Action: LOGS_WRITE,
      Resource: pulumi.interpolate`arn:${partition}:logs:${region}:${account}:log-group:/aws/sagemaker/${runtime.logGroupKind}*`,
    },
    {
      Sid: "PublishMetrics",
      Effect: "Allow",
      Action: CLOUDWATCH_PUT_METRICS,
      Resource: "*",
      Condition: { StringLike: { "cloudwatch:namespace": ["/aws/sagemaker/*", "aws/sagemaker/*"] } },
    },
    { Sid: "DescribeNetwork", Effect: "Allow", Action: EC2_DESCRIBE_NETWORK, Resource: "*" },
    {
      Sid: "AttachToPlatformSubnets",
      Effect: "Allow",
      Action: EC2_MANAGE_INTERFACES,
      Resource: [
        ec2Arn("network-interface", "*"),
        ...runtime.subnetIds.map((id) => ec2Arn("subnet", id)),
        ...runtime.securityGroupIds.map((id) => ec2Arn("security-group", id)),
      ],
    },
    {
      Sid: "EncryptVolumesWithLakeKey",
      Effect: "Allow",
      Action: KMS_GRANT_FOR_AWS_RESOURCE,
      Resource: runtime.kmsKeyArn,
      Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
    },
  ];
  if (ecr !== undefined) {
    statements.push(
      {
        Sid: "PullImage",
        Effect: "Allow",
        Action: ECR_PULL,
        Resource: pulumi.interpolate`arn:${partition}:ecr:${ecr.region}:${ecr.account}:repository/${ecr.repository}`,
      },
      { Sid: "LogInToEcr", Effect: "Allow", Action: ECR_AUTH, Resource: "*" },
    );
  }
  return new aws.iam.RolePolicy(
    name,
    { role: role.name, policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements }) },
    opts,
  );
}

/** An execution role with its grants: what a job or endpoint may read and write in the lake, and its runtime needs. */
export interface ExecutionRole {
  readonly role: aws.iam.Role;
  /** The role's policies: SageMaker checks them when a model is created, so depend on them. */
  readonly grants: pulumi.Resource[];
}

/**
 * A SageMaker execution role `<name>-role` that reads the `read` zones and writes the `write` zones of the
 * lake (grants `<lake>-<name>-<zone>-read|write`), plus the runtime policy `<name>-runtime`.
 */
export function sageMakerExecutionRole(
  name: string,
  lake: DataLake,
  zones: { read: Record<string, LakeZone>; write: Record<string, LakeZone> },
  runtime: Omit<SageMakerRuntime, "kmsKeyArn">,
  parent: pulumi.Resource,
): ExecutionRole {
  const role = sageMakerRole(`${name}-role`, runtime.tags, parent);
  const grants: pulumi.Resource[] = [
    ...Object.entries(zones.read).map(([id, zone]) => lake.grantRead(`${name}-${id}`, role, zone)),
    ...Object.entries(zones.write).map(([id, zone]) => lake.grantWrite(`${name}-${id}`, role, zone)),
    sageMakerRuntimePolicy(`${name}-runtime`, role, { ...runtime, kmsKeyArn: lake.kmsKeyArn }, parent),
  ];
  return { role, grants };
}
