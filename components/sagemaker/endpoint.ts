import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import { lakeUri, type DataLake } from "../data-lake";
import { ValidationError } from "../validation";
import { resolveEndpointSettings, validateEndpointSettings, type EndpointSettings } from "./endpoint-args";
import { VARIANT_NAME } from "./endpoint-constants";
import { servingRole, type ServingPlatform } from "./serving";

export { VARIANT_NAME } from "./endpoint-constants";

export interface ModelEndpointArgs extends EndpointSettings {
  /** The lake the model archive is read from (models/ only); its key encrypts the endpoint's volumes. */
  lake: DataLake;
  /** The serving role to run with. @default a role of its own that reads models/ only */
  serving?: ServingPlatform;
  subnetIds: pulumi.Input<string>[];
  securityGroupIds: pulumi.Input<string>[];
  /** Tags for every taggable resource. @default {} */
  tags?: Record<string, string>;
}

/**
 * A model served by a SageMaker endpoint (seed §2.3, §2.4, §8.3): the model (image + archive from models/),
 * its endpoint config (KMS, instance type and count, or serverless) and endpoint, and for instance
 * endpoints the autoscaling target (min 1, max 10) with target tracking on invocations per instance.
 * Its role reads models/ and nothing else of the lake.
 */
export class ModelEndpoint extends pulumi.ComponentResource {
  readonly endpointName: pulumi.Output<string>;
  readonly modelName: pulumi.Output<string>;
  readonly roleArn: pulumi.Output<string>;
  /** `endpoint/<name>/variant/AllTraffic`, the scalable target's resource id; undefined for serverless. */
  readonly scalableResourceId?: pulumi.Output<string>;

  constructor(name: string, args: ModelEndpointArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const settings = resolveEndpointSettings(args);
    const issues = validateEndpointSettings(settings);
    if (issues.length > 0) throw new ValidationError(`ModelEndpoint ${name}`, issues);
    super("mlplat:sagemaker:ModelEndpoint", name, {}, opts);

    const tags = { ...(args.tags ?? {}) };
    const parent = { parent: this };
    const { role, grants } =
      args.serving ??
      servingRole(
        name,
        args.lake,
        { image: settings.image, subnetIds: args.subnetIds, securityGroupIds: args.securityGroupIds, tags },
        this,
      );

    const model = new aws.sagemaker.Model(
      `${name}-model`,
      {
        executionRoleArn: role.arn,
        primaryContainer: {
          image: settings.image,
          modelDataUrl: args.lake.bucketName.apply((bucket) =>
            lakeUri(bucket, "models", settings.modelDataKey),
          ),
        },
        // Serverless Inference supports neither VPC configuration nor network isolation.
        ...(settings.mode === "serverless"
          ? {}
          : { vpcConfig: { subnets: args.subnetIds, securityGroupIds: args.securityGroupIds } }),
        enableNetworkIsolation: settings.networkIsolation,
        tags,
      },
      // SageMaker checks the role can read the archive when the model is created.
      { parent: this, dependsOn: grants },
    );

    const serverless = settings.mode === "serverless";
    const config = new aws.sagemaker.EndpointConfiguration(
      `${name}-config`,
      {
        kmsKeyArn: args.lake.kmsKeyArn,
        productionVariants: [
          serverless
            ? {
                variantName: VARIANT_NAME,
                modelName: model.name,
                serverlessConfig: {
                  memorySizeInMb: settings.serverless.memorySizeMb,
                  maxConcurrency: settings.serverless.maxConcurrency,
                },
              }
            : {
                variantName: VARIANT_NAME,
                modelName: model.name,
                instanceType: settings.instanceType,
                initialInstanceCount: settings.initialInstanceCount,
              },
        ],
        tags,
      },
      parent,
    );
    const endpoint = new aws.sagemaker.Endpoint(
      `${name}-endpoint`,
      { endpointConfigName: config.name, tags },
      parent,
    );

    if (!serverless) {
      const a = settings.autoscaling;
      const target = new aws.appautoscaling.Target(
        `${name}-scaling-target`,
        {
          serviceNamespace: "sagemaker",
          resourceId: pulumi.interpolate`endpoint/${endpoint.name}/variant/${VARIANT_NAME}`,
          scalableDimension: "sagemaker:variant:DesiredInstanceCount",
          minCapacity: a.minCapacity,
          maxCapacity: a.maxCapacity,
          tags,
        },
        parent,
      );
      new aws.appautoscaling.Policy(
        `${name}-scaling-policy`,
        {
          name: "InvocationsPerInstancePolicy",
          policyType: "TargetTrackingScaling",
          serviceNamespace: target.serviceNamespace,
          resourceId: target.resourceId,
          scalableDimension: target.scalableDimension,
          targetTrackingScalingPolicyConfiguration: {
            targetValue: a.targetInvocationsPerInstance,
            predefinedMetricSpecification: { predefinedMetricType: "SageMakerVariantInvocationsPerInstance" },
            scaleInCooldown: a.scaleInCooldownSeconds,
            scaleOutCooldown: a.scaleOutCooldownSeconds,
          },
        },
        parent,
      );
      this.scalableResourceId = target.resourceId;
    }

    this.endpointName = endpoint.name;
    this.modelName = model.name;
    this.roleArn = role.arn;
    this.registerOutputs({
      endpointName: this.endpointName,
      modelName: this.modelName,
      roleArn: this.roleArn,
    });
  }
}
