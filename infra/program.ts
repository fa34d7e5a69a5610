import * as pulumi from "@pulumi/pulumi";

import { QueryWorkgroup } from "../components/athena";
import { BedrockAccess, BEDROCK_LOG_WRITER } from "../components/bedrock";
import { CostGuardrails } from "../components/cost";
import { DataLake } from "../components/data-lake";
import { GpuNodeGroup, Karpenter, MlCluster } from "../components/eks";
import { SparkProcessing } from "../components/emr";
import { FeatureStore } from "../components/feature-store";
import { GpuInstances } from "../components/gpu-instances";
import { DataCatalog, type CatalogZone } from "../components/glue";
import { InferenceFunction } from "../components/lambda-inference";
import { Network } from "../components/network";
import { RelationalStore } from "../components/relational";
import { TrainingStorage } from "../components/storage";

/** The ports training jobs use to reach the training file system and the relational store. */
const NFS_PORT = 2049;
const POSTGRES_PORT = 5432;
import { EtlTrigger } from "../components/etl-trigger";
import { MlPipeline } from "../components/pipeline";
import { Warehouse } from "../components/redshift";
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
  bedrock?: {
    /** The role applications assume to invoke the allowlisted models. */
    roleArn: pulumi.Output<string>;
    modelArns: pulumi.Output<string[]>;
    logGroupName: pulumi.Output<string>;
    guardrail?: { id: pulumi.Output<string>; version: pulumi.Output<string> };
  };
  lambdaInference?: {
    functionName: pulumi.Output<string>;
    functionArn: pulumi.Output<string>;
    /** The IAM-authenticated function URL, when `mlplat:lambdaInference.functionUrl` is on. */
    url?: pulumi.Output<string>;
  };
  dataLake?: {
    bucketName: pulumi.Output<string>;
    bucketArn: pulumi.Output<string>;
    kmsKeyArn: pulumi.Output<string>;
    logBucketName: pulumi.Output<string>;
    zoneUris: pulumi.Output<Record<string, string>>;
  };
  eks?: { clusterName: string };
  /** What `mlplat etl` runs and `mlplat query` reads. */
  glue?: {
    databaseNames: pulumi.Output<Record<CatalogZone, string>>;
    jobName: pulumi.Output<string>;
    crawlerName: pulumi.Output<string>;
    securityConfigurationName: pulumi.Output<string>;
    jobRoleArn: pulumi.Output<string>;
    crawlerRoleArn: pulumi.Output<string>;
    scriptUri: pulumi.Output<string>;
  };
  /** The workgroup `mlplat query` runs SQL through. */
  athena?: {
    workgroupName: pulumi.Output<string>;
    outputLocation: pulumi.Output<string>;
    namedQueryIds: pulumi.Output<Record<string, string>>;
  };
  /** What `mlplat pipeline run|status` starts and follows. */
  pipeline?: {
    stateMachineArn: pulumi.Output<string>;
    stateMachineName: pulumi.Output<string>;
    topicArn: pulumi.Output<string>;
    logGroupName: pulumi.Output<string>;
    roleArn: pulumi.Output<string>;
    endpointName: string;
  };
  relational?: {
    clusterIdentifier: pulumi.Output<string>;
    endpoint: pulumi.Output<string>;
    readerEndpoint: pulumi.Output<string>;
    port: number;
    /** The Secrets Manager secret that holds the master password RDS generated. */
    masterSecretArn: pulumi.Output<string>;
  };
  trainingStorage?: {
    fileSystemId: pulumi.Output<string>;
    accessPointArns: pulumi.Output<Record<string, string>>;
    securityGroupId: pulumi.Output<string>;
  };
  spark?: {
    applicationId: pulumi.Output<string>;
    applicationArn: pulumi.Output<string>;
    /** The role Spark jobs run as (`--execution-role-arn`). */
    jobRoleArn: pulumi.Output<string>;
    logUri: pulumi.Output<string>;
  };
  gpuInstances?: {
    launchTemplateId: pulumi.Output<string>;
    autoScalingGroupName: pulumi.Output<string>;
    onDemandGroupName?: pulumi.Output<string>;
    securityGroupId: pulumi.Output<string>;
    instanceRoleArn: pulumi.Output<string>;
  };
  /** The online features and run metadata tables (`FeatureStoreClient` reads these names). */
  featureStore?: {
    featureTableName: pulumi.Output<string>;
    metadataTableName: pulumi.Output<string>;
    kmsKeyArn: pulumi.Output<string>;
    featureTtlDays: number;
  };
  /** The rule that starts the pipeline when a drop lands under raw/, and where undeliverable events go. */
  etlTrigger?: {
    ruleName: pulumi.Output<string>;
    ruleArn: pulumi.Output<string>;
    deadLetterQueueUrl: pulumi.Output<string>;
    deadLetterQueueArn: pulumi.Output<string>;
    roleArn: pulumi.Output<string>;
  };
  warehouse?: {
    mode: string;
    endpointAddress: pulumi.Output<string>;
    port: number;
    /** The Secrets Manager secret that holds the admin password Redshift generated. */
    adminSecretArn: pulumi.Output<string>;
    /** The warehouse's default IAM role: `COPY ... IAM_ROLE default` reads the lake with it. */
    roleArn: pulumi.Output<string>;
  };
  cost?: {
    budgetName: pulumi.Output<string>;
    /** The topic the budget's alerts go to, when the stack creates one. */
    topicArn?: pulumi.Output<string>;
    monitorArn?: pulumi.Output<string>;
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

  if (config.cost) {
    // The budget watches everything the stack runs, so it comes first and needs nothing else.
    const cost = new CostGuardrails(
      `${prefix}-cost`,
      {
        ...config.cost,
        tags: { ...config.tags },
        protectKey: config.dataLake.deletionPolicy === "protect",
      },
      providers,
    );
    outputs.cost = {
      budgetName: cost.budgetName,
      ...(cost.topicArn ? { topicArn: cost.topicArn } : {}),
      ...(cost.monitorArn ? { monitorArn: cost.monitorArn } : {}),
    };
  }

  if (!config.features.dataLake) return outputs;
  // Services that deliver into the lake need its bucket and key policies to say so.
  const lake = new DataLake(
    `${prefix}-lake`,
    {
      ...config.dataLake,
      // The ETL trigger listens to the data bucket's events on EventBridge.
      eventBridge: config.dataLake.eventBridge || config.etlTrigger !== undefined,
      serviceWriters: config.bedrock ? [BEDROCK_LOG_WRITER] : [],
    },
    providers,
  );
  outputs.dataLake = {
    bucketName: lake.bucketName,
    bucketArn: lake.bucketArn,
    kmsKeyArn: lake.kmsKeyArn,
    logBucketName: lake.logBucketName,
    zoneUris: lake.zoneUris,
  };

  // The platform's network, for every capability that runs in it.
  let network: Network | undefined;
  if (
    config.sagemaker ||
    config.eks ||
    config.redshift ||
    config.spark ||
    config.gpuInstances ||
    config.relational ||
    config.trainingStorage
  ) {
    // Training jobs reach the training file system (NFS) and the relational store (PostgreSQL) in the VPC.
    const trainingServicePorts = [
      ...(config.trainingStorage ? [NFS_PORT] : []),
      ...(config.relational ? [POSTGRES_PORT] : []),
    ];
    network = new Network(
      `${prefix}-network`,
      // The feature store is reached through a DynamoDB gateway endpoint, as the lake is through S3's.
      { ...config.network, trainingServicePorts, dynamoDbEndpoint: config.featureStore !== undefined },
      providers,
    );
    outputs.network = { vpcId: network.vpcId, privateSubnetIds: network.privateSubnetIds };
  }

  // The data catalog and its ETL job, and the workgroup that queries the catalog's tables.
  let catalog: DataCatalog | undefined;
  if (config.glue) {
    catalog = new DataCatalog(
      `${prefix}-data`,
      { ...config.glue, lake, tags: { ...config.tags } },
      providers,
    );
    outputs.glue = {
      databaseNames: catalog.databaseNames,
      jobName: catalog.jobName,
      crawlerName: catalog.crawlerName,
      securityConfigurationName: catalog.securityConfigurationName,
      jobRoleArn: catalog.jobRoleArn,
      crawlerRoleArn: catalog.crawlerRoleArn,
      scriptUri: catalog.scriptUri,
    };
  }
  if (config.athena) {
    const queries = new QueryWorkgroup(
      `${prefix}-queries`,
      {
        ...config.athena,
        lake,
        tables: catalog ? [catalog.etlTable] : [],
        catalogKmsKeyArns: catalog ? [catalog.kmsKeyArn] : [],
        tags: { ...config.tags },
      },
      providers,
    );
    outputs.athena = {
      workgroupName: queries.workgroupName,
      outputLocation: queries.outputLocation,
      namedQueryIds: queries.namedQueryIds,
    };
  }

  // Online features and experiment/model metadata; training records its runs, serving reads features.
  let featureStore: FeatureStore | undefined;
  if (config.featureStore) {
    featureStore = new FeatureStore(
      `${prefix}-features`,
      { ...config.featureStore, tags: { ...config.tags } },
      providers,
    );
    outputs.featureStore = {
      featureTableName: featureStore.featureTableName,
      metadataTableName: featureStore.metadataTableName,
      kmsKeyArn: featureStore.kmsKeyArn,
      featureTtlDays: featureStore.featureTtlDays,
    };
  }

  if (config.sagemaker && network) {
    const tags = { ...config.tags };
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
    if (featureStore) {
      featureStore.grantRecordRuns("training", training.role);
      featureStore.grantWriteFeatures("training", training.role);
      featureStore.grantReadFeatures("serving", serving.role);
    }
    const endpoint = config.sagemaker.endpoint;
    if (endpoint) {
      const model = new ModelEndpoint(
        `${prefix}-${endpoint.name}`,
        { ...endpoint.settings, lake, serving, ...servingNetwork, tags },
        providers,
      );
      outputs.sagemaker.endpointName = model.endpointName;
    }

    // ETL -> training -> model -> endpoint, as one state machine.
    if (config.pipeline && catalog) {
      const endpointName = config.pipeline.endpointName ?? `${prefix}-pipeline`;
      const pipeline = new MlPipeline(
        `${prefix}-pipeline`,
        {
          ...config.pipeline.settings,
          retry: { ...config.pipeline.settings.retry },
          notificationEmails: [...config.pipeline.settings.notificationEmails],
          lake,
          glueJobName: catalog.jobName,
          training,
          serving,
          endpointName,
          tags,
        },
        providers,
      );
      outputs.pipeline = {
        stateMachineArn: pipeline.stateMachineArn,
        stateMachineName: pipeline.stateMachineName,
        topicArn: pipeline.topicArn,
        logGroupName: pipeline.logGroupName,
        roleArn: pipeline.roleArn,
        endpointName,
      };
      if (config.etlTrigger) {
        const trigger = new EtlTrigger(
          `${prefix}-etl-trigger`,
          { ...config.etlTrigger, lake, stateMachineArn: pipeline.stateMachineArn, tags },
          providers,
        );
        outputs.etlTrigger = {
          ruleName: trigger.ruleName,
          ruleArn: trigger.ruleArn,
          deadLetterQueueUrl: trigger.deadLetterQueueUrl,
          deadLetterQueueArn: trigger.deadLetterQueueArn,
          roleArn: trigger.roleArn,
        };
      }
    }
  }

  if (config.eks && network) {
    const tags = { ...config.tags };
    const cluster = new MlCluster(
      `${prefix}-ml`,
      {
        ...config.eks.cluster,
        // Keys follow the data's deletion policy: a stack that protects its lake protects its secrets key.
        protectKey: config.dataLake.deletionPolicy === "protect",
        vpcId: network.vpcId,
        privateSubnetIds: network.privateSubnetIds,
        tags,
      },
      providers,
    );
    if (config.eks.karpenter) {
      // Karpenter provisions the GPU nodes (spot first, on-demand when spot is unavailable).
      new Karpenter(
        `${prefix}-karpenter`,
        {
          ...config.eks.karpenter,
          clusterName: cluster.clusterName,
          clusterSecurityGroupId: cluster.clusterSecurityGroupId,
          subnetIds: network.privateSubnetIds,
          kubernetes: cluster.kubernetes,
          tags,
        },
        { ...providers, dependsOn: [cluster] },
      );
    } else {
      new GpuNodeGroup(
        `${prefix}-gpu`,
        {
          ...config.eks.gpuNodeGroup,
          clusterName: cluster.clusterName,
          subnetIds: network.privateSubnetIds,
          dependsOn: [cluster.cluster],
          tags,
        },
        providers,
      );
    }
    outputs.eks = { clusterName: cluster.clusterName };
  }

  if (config.redshift && network) {
    const warehouse = new Warehouse(
      `${prefix}-warehouse`,
      {
        ...config.redshift,
        allowedCidrBlocks: [...config.redshift.allowedCidrBlocks],
        vpcId: network.vpcId,
        vpcCidrBlock: network.cidrBlock,
        subnetIds: network.privateSubnetIds,
        s3PrefixListId: network.s3PrefixListId,
        lake,
        tags: { ...config.tags },
      },
      providers,
    );
    outputs.warehouse = {
      mode: warehouse.mode,
      endpointAddress: warehouse.endpointAddress,
      port: warehouse.port,
      adminSecretArn: warehouse.adminSecretArn,
      roleArn: warehouse.roleArn,
    };
  }

  // Databases and file systems admit the platform's training jobs (and the EKS nodes' cluster security group).
  if (config.relational && network) {
    const db = new RelationalStore(
      `${prefix}-relational`,
      {
        ...config.relational,
        allowedCidrBlocks: [...config.relational.allowedCidrBlocks],
        vpcId: network.vpcId,
        subnetIds: network.privateSubnetIds,
        sourceSecurityGroupIds: [network.trainingSecurityGroupId],
        tags: { ...config.tags },
      },
      providers,
    );
    outputs.relational = {
      clusterIdentifier: db.clusterIdentifier,
      endpoint: db.endpoint,
      readerEndpoint: db.readerEndpoint,
      port: db.port,
      masterSecretArn: db.masterSecretArn,
    };
  }
  if (config.trainingStorage && network) {
    const storage = new TrainingStorage(
      `${prefix}-storage`,
      {
        ...config.trainingStorage,
        accessPoints: config.trainingStorage.accessPoints.map((a) => ({ ...a })),
        vpcId: network.vpcId,
        subnetIds: network.privateSubnetIds,
        sourceSecurityGroupIds: [network.trainingSecurityGroupId],
        tags: { ...config.tags },
      },
      providers,
    );
    outputs.trainingStorage = {
      fileSystemId: storage.fileSystemId,
      accessPointArns: storage.accessPointArns,
      securityGroupId: storage.securityGroupId,
    };
  }

  if (config.spark && network) {
    const spark = new SparkProcessing(
      `${prefix}-spark`,
      {
        ...config.spark,
        vpcId: network.vpcId,
        vpcCidrBlock: network.cidrBlock,
        subnetIds: network.privateSubnetIds,
        s3PrefixListId: network.s3PrefixListId,
        lake,
        ...(catalog
          ? {
              catalogDatabaseNames: [catalog.databaseNames.apply((d) => d.processed)],
              catalogKmsKeyArn: catalog.kmsKeyArn,
            }
          : {}),
        tags: { ...config.tags },
      },
      providers,
    );
    outputs.spark = {
      applicationId: spark.applicationId,
      applicationArn: spark.applicationArn,
      jobRoleArn: spark.jobRoleArn,
      logUri: spark.logUri,
    };
  }
  if (config.gpuInstances && network) {
    const gpu = new GpuInstances(
      `${prefix}-gpu-instances`,
      {
        ...config.gpuInstances,
        instanceTypes: [...config.gpuInstances.instanceTypes],
        vpcId: network.vpcId,
        subnetIds: network.privateSubnetIds,
        keyDeletionPolicy: config.dataLake.deletionPolicy,
        lake,
        tags: { ...config.tags },
      },
      providers,
    );
    outputs.gpuInstances = {
      launchTemplateId: gpu.launchTemplateId,
      autoScalingGroupName: gpu.autoScalingGroupName,
      ...(gpu.onDemandGroupName ? { onDemandGroupName: gpu.onDemandGroupName } : {}),
      securityGroupId: gpu.securityGroupId,
      instanceRoleArn: gpu.instanceRoleArn,
    };
  }

  let bedrock: BedrockAccess | undefined;
  if (config.bedrock) {
    bedrock = new BedrockAccess(
      `${prefix}-bedrock`,
      { ...config.bedrock, lake, tags: { ...config.tags } },
      providers,
    );
    outputs.bedrock = {
      roleArn: bedrock.roleArn,
      modelArns: bedrock.modelArns,
      logGroupName: bedrock.logGroupName,
      ...(bedrock.guardrail ? { guardrail: bedrock.guardrail } : {}),
    };
  }
  if (config.lambdaInference) {
    // With the platform's network on, the function runs in its private subnets behind the endpoint security
    // group (HTTPS out only) and reaches the lake through the S3 gateway endpoint; otherwise in Lambda's own.
    const fn = new InferenceFunction(
      `${prefix}-inference`,
      {
        ...config.lambdaInference,
        lake,
        ...(network
          ? {
              vpc: {
                subnetIds: network.privateSubnetIds,
                securityGroupIds: [network.endpointSecurityGroupId],
              },
            }
          : {}),
        ...(bedrock ? { logsKmsKeyArn: bedrock.logsKmsKeyArn } : {}),
        tags: { ...config.tags },
      },
      providers,
    );
    outputs.lambdaInference = {
      functionName: fn.functionName,
      functionArn: fn.functionArn,
      ...(fn.url ? { url: fn.url } : {}),
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
