import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import type { DataLake } from "../data-lake";
import { ValidationError } from "../validation";
import {
  resolveServingSettings,
  validateServingSettings,
  type EndpointAutoscalingArgs,
} from "./endpoint-args";
import { sageMakerExecutionRole, type ExecutionRole, type SageMakerRuntime } from "./roles";

/** What `mlplat deploy` needs from the stack to serve a model version: everything but the archive. */
export interface EndpointTemplate {
  readonly roleArn: string;
  readonly kmsKeyArn: string;
  readonly image: string;
  readonly instanceType: string;
  readonly initialInstanceCount: number;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
  readonly networkIsolation: boolean;
  readonly autoscaling: Required<EndpointAutoscalingArgs>;
}

export interface ServingPlatformArgs {
  /** The lake models are served from (models/ only); its key encrypts endpoint volumes. */
  lake: DataLake;
  /** The default inference image, an ECR URI; its repository is the one the role may pull from. */
  image: string;
  /** @default "ml.m5.xlarge" */
  instanceType?: string;
  /** @default 2 */
  initialInstanceCount?: number;
  /** @default the seed's §2.4 settings, see {@link EndpointAutoscalingArgs} */
  autoscaling?: EndpointAutoscalingArgs;
  subnetIds: pulumi.Input<string>[];
  securityGroupIds: pulumi.Input<string>[];
  /** Tags for every taggable resource. @default {} */
  tags?: Record<string, string>;
}

/**
 * The serving side of SageMaker (seed §2.3, §2.4, §8.3): the role endpoints run with, which reads models/
 * and nothing else of the lake, and the endpoint template `mlplat deploy` fills in with a model version.
 */
export class ServingPlatform extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  /** The role's policies: a model can only be created once they exist. */
  readonly grants: pulumi.Resource[];
  readonly template: pulumi.Output<EndpointTemplate>;

  constructor(name: string, args: ServingPlatformArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // Model versions come with `mlplat deploy`: only the template is checked here.
    const settings = resolveServingSettings(args);
    const issues = validateServingSettings(settings);
    if (issues.length > 0) throw new ValidationError(`ServingPlatform ${name}`, issues);
    super("mlplat:sagemaker:ServingPlatform", name, {}, opts);

    const tags = { ...(args.tags ?? {}) };
    ({ role: this.role, grants: this.grants } = servingRole(
      name,
      args.lake,
      {
        image: settings.image,
        subnetIds: args.subnetIds,
        securityGroupIds: args.securityGroupIds,
        tags,
      },
      this,
    ));
    const subnetIds = pulumi.output(args.subnetIds);
    const securityGroupIds = pulumi.output(args.securityGroupIds);
    const granted = pulumi.all(this.grants.map((g) => g.urn));
    this.template = pulumi
      .all([this.role.arn, args.lake.kmsKeyArn, subnetIds, securityGroupIds, granted])
      .apply(([roleArn, kmsKeyArn, subnets, securityGroups]): EndpointTemplate => ({
        roleArn,
        kmsKeyArn,
        image: settings.image,
        instanceType: settings.instanceType,
        initialInstanceCount: settings.initialInstanceCount,
        subnetIds: subnets,
        securityGroupIds: securityGroups,
        networkIsolation: settings.networkIsolation,
        autoscaling: settings.autoscaling,
      }));
    this.registerOutputs({ roleArn: this.role.arn, template: this.template });
  }
}

/** The role endpoints run with: reads models/ and nothing else of the lake (seed §8.3). */
export function servingRole(
  name: string,
  lake: DataLake,
  runtime: Omit<SageMakerRuntime, "kmsKeyArn" | "logGroupKind">,
  parent: pulumi.Resource,
): ExecutionRole {
  return sageMakerExecutionRole(
    name,
    lake,
    { read: { models: "models" }, write: {} },
    { ...runtime, logGroupKind: "Endpoints" },
    parent,
  );
}
