import * as pulumi from "@pulumi/pulumi";

import { DataLake } from "../components/data-lake";
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

  if (config.features.dataLake) {
    const lake = new DataLake(`${prefix}-lake`, config.dataLake, providers);
    outputs.dataLake = {
      bucketName: lake.bucketName,
      bucketArn: lake.bucketArn,
      kmsKeyArn: lake.kmsKeyArn,
      logBucketName: lake.logBucketName,
      zoneUris: lake.zoneUris,
    };
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
