import { beforeAll, describe, expect, it } from "vitest";

import {
  checkSageMakerInstanceType,
  GPU_INSTANCES,
  sageMakerInstance,
} from "../../components/catalog/instances";
import { DataLake } from "../../components/data-lake";
import {
  createTrainingJobRequest,
  ModelEndpoint,
  resolveEndpointSettings,
  resolveTrainingSettings,
  ServingPlatform,
  TrainingPlatform,
  validateEndpointSettings,
  validateTrainingSettings,
  type EndpointTemplate,
  type TrainingJobTemplate,
} from "../../components/sagemaker";
import { formatIssue } from "../../components/validation";
import type { ProgramRun } from "../../scripts/cli/offline/runner";
import { policyOf, resource, runInline } from "../harness";

const IMAGE = "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/my-ml-image:latest";
const MODEL_IMAGE = "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/my-model:1.0";

describe("instance catalog", () => {
  it("has the seed's GPU table, and its ml.* twins carry the GPU details", () => {
    expect(GPU_INSTANCES.map((g) => g.type)).toEqual([
      "p3.2xlarge",
      "p3.8xlarge",
      "p4d.24xlarge",
      "g4dn.xlarge",
      "g5.xlarge",
      "inf1.xlarge",
      "inf2.xlarge",
    ]);
    expect(sageMakerInstance("ml.p3.2xlarge")?.gpu).toEqual({ model: "V100", count: 1, memoryGiB: 16 });
    expect(sageMakerInstance("ml.g5.xlarge")?.gpu).toEqual({ model: "A10G", count: 1, memoryGiB: 24 });
  });

  it("names the closest type for a typo and refuses a type for the wrong use", () => {
    expect(checkSageMakerInstanceType("instanceType", "ml.p3.3xlarge", "training").map(formatIssue)).toEqual([
      'instanceType: got "ml.p3.3xlarge", expected a SageMaker training instance type from the catalog (components/catalog/instances.ts); did you mean ml.p3.2xlarge?',
    ]);
    expect(checkSageMakerInstanceType("instanceType", "ml.inf2.xlarge", "training").map(formatIssue)).toEqual(
      [
        'instanceType: got "ml.inf2.xlarge", expected an instance type SageMaker offers for training (ml.inf2.xlarge is for hosting only)',
      ],
    );
    expect(checkSageMakerInstanceType("instanceType", "p3.2xlarge", "training")[0]?.expected).toBe(
      "a SageMaker training instance type such as ml.m5.large",
    );
  });
});

describe("training settings", () => {
  it("defaults to the seed: ml.p3.2xlarge, 100 GB, 1 h run, spot with 2 h wait, isolated", () => {
    expect(resolveTrainingSettings({ image: IMAGE })).toEqual({
      image: IMAGE,
      instanceType: "ml.p3.2xlarge",
      instanceCount: 1,
      volumeSizeGb: 100,
      maxRuntimeSeconds: 3600,
      spot: true,
      maxWaitSeconds: 7200,
      networkIsolation: true,
      hyperparameters: { epochs: "10", batch_size: "32", learning_rate: "0.001" },
    });
  });

  it("requires max wait to cover max run for spot jobs, and an ECR image", () => {
    const issues = validateTrainingSettings(
      resolveTrainingSettings({
        image: "docker.io/me/img:1",
        maxRuntimeSeconds: 7200,
        maxWaitSeconds: 3600,
        instanceCount: 0,
      }),
    );
    expect(issues.map(formatIssue)).toEqual([
      'image: got "docker.io/me/img:1", expected an ECR image URI such as 123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/my-ml-image:latest',
      "instanceCount: got 0, expected a whole number of instances from 1 to 100",
      "maxWaitSeconds: got 3600, expected at least maxRuntimeSeconds (7200): a spot job's wait includes its run",
    ]);
    expect(
      validateTrainingSettings(
        resolveTrainingSettings({ image: IMAGE, spot: false, maxWaitSeconds: 1, maxRuntimeSeconds: 7200 }),
      ),
    ).toEqual([]);
  });
});

describe("endpoint settings", () => {
  it("defaults to the seed: 2 x ml.m5.xlarge, autoscaling 1..10 at 1000 invocations, cooldowns 300/60", () => {
    const s = resolveEndpointSettings({ image: MODEL_IMAGE, modelDataKey: "production/model.tar.gz" });
    expect(s).toMatchObject({
      mode: "instances",
      instanceType: "ml.m5.xlarge",
      initialInstanceCount: 2,
      networkIsolation: true,
      autoscaling: {
        minCapacity: 1,
        maxCapacity: 10,
        targetInvocationsPerInstance: 1000,
        scaleInCooldownSeconds: 300,
        scaleOutCooldownSeconds: 60,
      },
    });
    expect(validateEndpointSettings(s)).toEqual([]);
  });

  it("reports every problem with counts, capacities and cooldowns", () => {
    const s = resolveEndpointSettings({
      image: MODEL_IMAGE,
      modelDataKey: "../raw/x.tar.gz",
      instanceType: "ml.m5.huge",
      initialInstanceCount: 12,
      autoscaling: { minCapacity: 2, maxCapacity: 1, scaleInCooldownSeconds: -5 },
    });
    expect(validateEndpointSettings(s).map(formatIssue)).toEqual([
      'modelDataKey: got "../raw/x.tar.gz", expected a model archive\'s key inside models/, such as production/model.tar.gz',
      'instanceType: got "ml.m5.huge", expected a SageMaker hosting instance type from the catalog (components/catalog/instances.ts); did you mean ml.m5.large?',
      "autoscaling.maxCapacity: got 1, expected at least autoscaling.minCapacity (2)",
      "initialInstanceCount: got 12, expected between autoscaling.minCapacity (2) and autoscaling.maxCapacity (1)",
      "autoscaling.scaleInCooldownSeconds: got -5, expected a whole number from 0 to 86400",
    ]);
  });

  it("refuses network isolation on serverless endpoints, which SageMaker does not offer there", () => {
    const s = resolveEndpointSettings({
      image: MODEL_IMAGE,
      modelDataKey: "m.tar.gz",
      mode: "serverless",
      networkIsolation: true,
      serverless: { memorySizeMb: 1500 },
    });
    expect(validateEndpointSettings(s).map(formatIssue)).toEqual([
      "serverless.memorySizeMb: got 1500, expected 1024, 2048, 3072, 4096, 5120 or 6144",
      "networkIsolation: got true, expected false for a serverless endpoint: SageMaker Serverless Inference supports neither network isolation nor a VPC",
    ]);
  });
});

describe("training job request", () => {
  const template: TrainingJobTemplate = {
    roleArn: "arn:aws:iam::123456789012:role/training",
    image: IMAGE,
    instanceType: "ml.p3.2xlarge",
    instanceCount: 1,
    volumeSizeGb: 100,
    volumeKmsKeyArn: "arn:key",
    outputKmsKeyArn: "arn:key",
    maxRuntimeSeconds: 3600,
    spot: { enabled: true, maxWaitSeconds: 7200 },
    checkpointUriPrefix: "s3://lake/artifacts/checkpoints/",
    outputPath: "s3://lake/models/",
    channels: { train: "s3://lake/processed/train/" },
    vpc: { subnetIds: ["subnet-1"], securityGroupIds: ["sg-1"] },
    enableNetworkIsolation: true,
    defaultHyperparameters: { epochs: "10", batch_size: "32", learning_rate: "0.001" },
  };

  it("checkpoints each job under its own name and merges hyperparameters as strings", () => {
    const request = createTrainingJobRequest(template, "churn-2024-01", { epochs: 20, dropout: 0.1 });
    expect(request.CheckpointConfig).toEqual({ S3Uri: "s3://lake/artifacts/checkpoints/churn-2024-01" });
    expect(request.HyperParameters).toEqual({
      epochs: "20",
      batch_size: "32",
      learning_rate: "0.001",
      dropout: "0.1",
    });
    expect(request.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 7200 });
    expect(request.EnableManagedSpotTraining).toBe(true);
    expect(request.ResourceConfig).toEqual({
      InstanceType: "ml.p3.2xlarge",
      InstanceCount: 1,
      VolumeSizeInGB: 100,
      VolumeKmsKeyId: "arn:key",
    });
  });

  it("refuses a job name SageMaker would refuse", () => {
    expect(() => createTrainingJobRequest(template, "bad_name")).toThrow(
      'job name: got "bad_name", expected 1 to 63 letters',
    );
  });
});

describe("TrainingPlatform and ModelEndpoint components", () => {
  let run: ProgramRun;
  let template: TrainingJobTemplate | undefined;
  beforeAll(async () => {
    run = await runInline("dev", () => {
      const lake = new DataLake("lake", { deletionPolicy: "destroy" });
      const training = new TrainingPlatform("train", {
        lake,
        image: IMAGE,
        subnetIds: ["subnet-a", "subnet-b"],
        securityGroupIds: ["sg-t"],
      });
      training.template.apply((t) => (template = t));
      new ModelEndpoint("churn", {
        lake,
        image: MODEL_IMAGE,
        modelDataKey: "production/model.tar.gz",
        subnetIds: ["subnet-a", "subnet-b"],
        securityGroupIds: ["sg-e"],
      });
      return {};
    });
  });

  it("exports a template with the seed's settings and the lake's URIs", () => {
    expect(template).toMatchObject({
      roleArn: "arn:aws:iam::123456789012:role/train-role",
      instanceType: "ml.p3.2xlarge",
      volumeSizeGb: 100,
      maxRuntimeSeconds: 3600,
      spot: { enabled: true, maxWaitSeconds: 7200 },
      checkpointUriPrefix: "s3://lake-data/artifacts/checkpoints/",
      outputPath: "s3://lake-data/models/",
      channels: {
        train: "s3://lake-data/processed/train/",
        validation: "s3://lake-data/processed/validation/",
      },
      vpc: { subnetIds: ["subnet-a", "subnet-b"], securityGroupIds: ["sg-t"] },
      enableNetworkIsolation: true,
      volumeKmsKeyArn: "arn:aws:kms:ap-northeast-2:123456789012:key/lake-key-key-id",
    });
  });

  it("lets only SageMaker, for this account, assume the training role", () => {
    const role = resource(run, "aws:iam/role:Role", "train-role");
    expect(JSON.parse(String(role.inputs.assumeRolePolicy))).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "sagemaker.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
        },
      ],
    });
  });

  it("scopes the training role: reads processed/, writes models/, reads and writes checkpoints", () => {
    const resourceOf = (name: string, sid: string) =>
      policyOf(resource(run, "aws:iam/rolePolicy:RolePolicy", name)).Statement.find((s) => s.Sid === sid)
        ?.Resource;
    expect(resourceOf("lake-train-data-read", "ReadZone")).toBe("arn:aws:s3:::lake-data/processed/*");
    expect(resourceOf("lake-train-models-write", "WriteZone")).toBe("arn:aws:s3:::lake-data/models/*");
    expect(resourceOf("lake-train-checkpoints-read", "ReadZone")).toBe(
      "arn:aws:s3:::lake-data/artifacts/checkpoints/*",
    );
    expect(resourceOf("lake-train-checkpoints-write", "WriteZone")).toBe(
      "arn:aws:s3:::lake-data/artifacts/checkpoints/*",
    );
  });

  it("grants the runtime needs on named resources, with no wildcard action", () => {
    const statements = policyOf(resource(run, "aws:iam/rolePolicy:RolePolicy", "train-runtime")).Statement;
    const bySid: Record<string, Record<string, unknown> | undefined> = Object.fromEntries(
      statements.map((s) => [String(s.Sid), s]),
    );
    expect(bySid.PullImage?.Resource).toBe("arn:aws:ecr:ap-northeast-2:123456789012:repository/my-ml-image");
    expect(bySid.WriteLogs?.Resource).toBe(
      "arn:aws:logs:ap-northeast-2:123456789012:log-group:/aws/sagemaker/TrainingJobs*",
    );
    expect(bySid.AttachToPlatformSubnets?.Resource).toEqual([
      "arn:aws:ec2:ap-northeast-2:123456789012:network-interface/*",
      "arn:aws:ec2:ap-northeast-2:123456789012:subnet/subnet-a",
      "arn:aws:ec2:ap-northeast-2:123456789012:subnet/subnet-b",
      "arn:aws:ec2:ap-northeast-2:123456789012:security-group/sg-t",
    ]);
    expect(bySid.EncryptVolumesWithLakeKey?.Condition).toEqual({
      Bool: { "kms:GrantIsForAWSResource": "true" },
    });
    const actions = statements.flatMap((s) => s.Action as string[]);
    expect(actions.filter((a) => a.includes("*"))).toEqual([]);
  });

  it("serves the model from models/ in the VPC, isolated, with an encrypted 2 x ml.m5.xlarge config", () => {
    expect(resource(run, "aws:sagemaker/model:Model", "churn-model").inputs).toMatchObject({
      executionRoleArn: "arn:aws:iam::123456789012:role/churn-role",
      primaryContainer: { image: MODEL_IMAGE, modelDataUrl: "s3://lake-data/models/production/model.tar.gz" },
      vpcConfig: { subnets: ["subnet-a", "subnet-b"], securityGroupIds: ["sg-e"] },
      enableNetworkIsolation: true,
    });
    expect(
      resource(run, "aws:sagemaker/endpointConfiguration:EndpointConfiguration", "churn-config").inputs,
    ).toMatchObject({
      kmsKeyArn: "arn:aws:kms:ap-northeast-2:123456789012:key/lake-key-key-id",
      productionVariants: [
        {
          variantName: "AllTraffic",
          modelName: "churn-model",
          instanceType: "ml.m5.xlarge",
          initialInstanceCount: 2,
        },
      ],
    });
    const read = policyOf(resource(run, "aws:iam/rolePolicy:RolePolicy", "lake-churn-models-read")).Statement;
    expect(read.find((s) => s.Sid === "ReadZone")?.Resource).toBe("arn:aws:s3:::lake-data/models/*");
  });

  it("registers the seed's autoscaling: 1..10 instances, 1000 invocations per instance, cooldowns 300/60", () => {
    expect(resource(run, "aws:appautoscaling/target:Target", "churn-scaling-target").inputs).toMatchObject({
      serviceNamespace: "sagemaker",
      resourceId: "endpoint/churn-endpoint/variant/AllTraffic",
      scalableDimension: "sagemaker:variant:DesiredInstanceCount",
      minCapacity: 1,
      maxCapacity: 10,
    });
    expect(resource(run, "aws:appautoscaling/policy:Policy", "churn-scaling-policy").inputs).toMatchObject({
      policyType: "TargetTrackingScaling",
      resourceId: "endpoint/churn-endpoint/variant/AllTraffic",
      targetTrackingScalingPolicyConfiguration: {
        targetValue: 1000,
        predefinedMetricSpecification: { predefinedMetricType: "SageMakerVariantInvocationsPerInstance" },
        scaleInCooldown: 300,
        scaleOutCooldown: 60,
      },
    });
  });
});

describe("serverless ModelEndpoint", () => {
  it("scales to zero without instances, autoscaling target or VPC", async () => {
    const run = await runInline("dev", () => {
      const lake = new DataLake("lake", { deletionPolicy: "destroy" });
      new ModelEndpoint("dev", {
        lake,
        image: MODEL_IMAGE,
        modelDataKey: "m.tar.gz",
        mode: "serverless",
        subnetIds: [],
        securityGroupIds: [],
      });
      return {};
    });
    expect(
      resource(run, "aws:sagemaker/endpointConfiguration:EndpointConfiguration", "dev-config").inputs
        .productionVariants,
    ).toEqual([
      {
        variantName: "AllTraffic",
        modelName: "dev-model",
        serverlessConfig: { memorySizeInMb: 2048, maxConcurrency: 5 },
      },
    ]);
    expect(resource(run, "aws:sagemaker/model:Model", "dev-model").inputs.vpcConfig).toBeUndefined();
    expect(run.resources.filter((r) => r.type.startsWith("aws:appautoscaling"))).toEqual([]);
  });
});

describe("ServingPlatform", () => {
  it("exports the endpoint template and lends its models/-only role to endpoints", async () => {
    let template: EndpointTemplate | undefined;
    const run = await runInline("dev", () => {
      const lake = new DataLake("lake", { deletionPolicy: "destroy" });
      const serving = new ServingPlatform("serve", {
        lake,
        image: MODEL_IMAGE,
        subnetIds: ["subnet-a"],
        securityGroupIds: ["sg-e"],
      });
      serving.template.apply((t) => (template = t));
      new ModelEndpoint("churn", {
        lake,
        serving,
        image: MODEL_IMAGE,
        modelDataKey: "production/model.tar.gz",
        subnetIds: ["subnet-a"],
        securityGroupIds: ["sg-e"],
      });
      return {};
    });
    expect(template).toEqual({
      roleArn: "arn:aws:iam::123456789012:role/serve-role",
      kmsKeyArn: "arn:aws:kms:ap-northeast-2:123456789012:key/lake-key-key-id",
      image: MODEL_IMAGE,
      instanceType: "ml.m5.xlarge",
      initialInstanceCount: 2,
      subnetIds: ["subnet-a"],
      securityGroupIds: ["sg-e"],
      networkIsolation: true,
      autoscaling: {
        minCapacity: 1,
        maxCapacity: 10,
        targetInvocationsPerInstance: 1000,
        scaleInCooldownSeconds: 300,
        scaleOutCooldownSeconds: 60,
      },
    });
    expect(resource(run, "aws:sagemaker/model:Model", "churn-model").inputs.executionRoleArn).toBe(
      "arn:aws:iam::123456789012:role/serve-role",
    );
    expect(run.resources.filter((r) => r.type === "aws:iam/role:Role").map((r) => r.name)).toEqual([
      "serve-role",
    ]);
  });
});
