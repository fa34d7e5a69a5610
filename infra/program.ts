import * as pulumi from "@pulumi/pulumi";

import { DataLake } from "../components/data-lake";
import { Network } from "../components/network";
import {
  ModelEndpoint,
  ServingPlatform,
  TrainingPlatform,
  type EndpointTemplate,
  type TrainingJobTemplate,
} from "../components/sagemaker";
import { loadStackConfig, type StackConfig } from "./config";
import { emulatorProvider } from "./emulator/provider";

/** What the stack exports; tools read these instead of hand-building names and S3 keys. */
export interface StackOutputs {
  environment: string;
  region: string;
  /** The emulator a local stack runs against. */
  emulatorEndpoint?: string;
  dataLake?: {
    bucketName: pulumi.Output<string>;
    bucketArn: pulumi.Output<string>;
    kmsKeyArn: pulumi.Output<string>;
    logBucketName: pulumi.Output<string>;
    zoneUris: pulumi.Output<Record<string, string>>;
  };
  network?: {
    vpcId: pulumi.Output<string>;
    privateSubnetIds: pulumi.Output<string>[];
  };
  sagemaker?: {
    /** What `mlplat train` submits a job from. */
    trainingTemplate: pulumi.Output<TrainingJobTemplate>;
    /** What `mlplat deploy` serves a model version with. */
    endpointTemplate: pulumi.Output<EndpointTemplate>;
    /** The endpoint the stack declares, when `mlplat:sagemaker.endpoint` is set. */
    endpointName?: pulumi.Output<string>;
  };
}

/**
 * The stack program: validates the stack's config before declaring anything, then wires the enabled
 * capabilities. `pulumi up` runs it through ./index.ts; `mlplat plan|check` and the tests run it under mocks.
 */
export function main(): StackOutputs {
  const config = loadStackConfig(pulumi.getStack(), pulumi.runtime.allConfig());
  const prefix = resourcePrefix(pulumi.getProject(), config);
  const outputs: StackOutputs = { environment: config.environment, region: config.region };
  // A local stack sends every call to its emulator through one explicit provider, which each component
  // passes on to its children; other stacks use the default provider and the ambient AWS credentials.
  const providers: pulumi.ComponentResourceOptions = config.emulator
    ? { providers: { aws: emulatorProvider(`${prefix}-emulator`, config.region, config.emulator.endpoint) } }
    : {};
  if (config.emulator) outputs.emulatorEndpoint = config.emulator.endpoint;

  if (!config.features.dataLake) return outputs;
  const lake = new DataLake(`${prefix}-lake`, config.dataLake, providers);
  outputs.dataLake = {
    bucketName: lake.bucketName,
    bucketArn: lake.bucketArn,
    kmsKeyArn: lake.kmsKeyArn,
    logBucketName: lake.logBucketName,
    zoneUris: lake.zoneUris,
  };

  if (config.sagemaker) {
    const tags = { ...config.tags };
    const network = new Network(`${prefix}-network`, config.network, providers);
    outputs.network = { vpcId: network.vpcId, privateSubnetIds: network.privateSubnetIds };
    const training = new TrainingPlatform(
      `${prefix}-training`,
      {
        ...config.sagemaker.training,
        lake,
        subnetIds: network.privateSubnetIds,
        securityGroupIds: [network.trainingSecurityGroupId],
        tags,
      },
      providers,
    );
    const servingNetwork = {
      subnetIds: network.privateSubnetIds,
      securityGroupIds: [network.endpointSecurityGroupId],
    };
    const serving = new ServingPlatform(
      `${prefix}-serving`,
      {
        image: config.sagemaker.serving.image,
        instanceType: config.sagemaker.serving.instanceType,
        initialInstanceCount: config.sagemaker.serving.initialInstanceCount,
        autoscaling: config.sagemaker.serving.autoscaling,
        lake,
        ...servingNetwork,
        tags,
      },
      providers,
    );
    outputs.sagemaker = { trainingTemplate: training.template, endpointTemplate: serving.template };
    const endpoint = config.sagemaker.endpoint;
    if (endpoint) {
      const model = new ModelEndpoint(
        `${prefix}-${endpoint.name}`,
        { ...endpoint.settings, lake, serving, ...servingNetwork, tags },
        providers,
      );
      outputs.sagemaker.endpointName = model.endpointName;
    }
  }
  return outputs;
}

/**
 * The prefix of every resource name: `<project>-<stack>`, lowercased so that it is valid in S3 bucket names
 * (which Pulumi derives from resource names).
 */
export function resourcePrefix(project: string, config: StackConfig): string {
  return `${project}-${config.stack}`.toLowerCase().replace(/[^a-z0-9-]+/g, "-");
}
