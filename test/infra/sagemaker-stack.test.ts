import { beforeAll, describe, expect, it } from "vitest";

import type { ProgramRun } from "../../scripts/cli/offline/runner";
import { resource, resourcesOfType, runStack, stackConfig, configProblems } from "../harness";

const sagemakerOf = (stack: string) =>
  JSON.parse(stackConfig(stack).config["mlplat:sagemaker"] ?? "{}") as Record<string, unknown>;

describe("prod stack: SageMaker", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runStack("prod");
  });

  it("lets training reach the training file system (NFS) and Aurora (PostgreSQL) in the VPC, nothing more", () => {
    const sg = resource(run, "aws:ec2/securityGroup:SecurityGroup", "mlplat-prod-network-training-sg");
    const egress = sg.inputs.egress as Record<string, unknown>[];
    expect(
      egress.filter((e) => e.fromPort !== 443 && e.protocol !== "-1").map((e) => [e.fromPort, e.cidrBlocks]),
    ).toEqual([
      [2049, ["10.0.0.0/16"]],
      [5432, ["10.0.0.0/16"]],
    ]);
  });

  it("reaches the feature store through a DynamoDB gateway endpoint, over TLS", () => {
    expect(
      resource(run, "aws:ec2/vpcEndpoint:VpcEndpoint", "mlplat-prod-network-dynamodb").inputs,
    ).toMatchObject({
      serviceName: "com.amazonaws.ap-northeast-2.dynamodb",
      vpcEndpointType: "Gateway",
    });
    const sg = resource(run, "aws:ec2/securityGroup:SecurityGroup", "mlplat-prod-network-training-sg");
    expect(
      (sg.inputs.egress as Record<string, unknown>[]).filter((e) =>
        String(e.description).includes("DynamoDB"),
      ),
    ).toHaveLength(1);
  });

  it("declares the network, training and serving platforms under these names", () => {
    const names = run.resources
      .filter((r) => /^mlplat-prod-(network|training|serving)/.test(r.name))
      .map((r) => `${r.type} ${r.name}`)
      .sort();
    expect(names).toEqual(
      [
        "mlplat:network:Network mlplat-prod-network",
        "aws:ec2/vpc:Vpc mlplat-prod-network-vpc",
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup mlplat-prod-network-default-sg",
        "aws:ec2/routeTable:RouteTable mlplat-prod-network-private-rt",
        ...[0, 1, 2].flatMap((i) => [
          `aws:ec2/subnet:Subnet mlplat-prod-network-private-${i}`,
          `aws:ec2/routeTableAssociation:RouteTableAssociation mlplat-prod-network-private-${i}-rta`,
        ]),
        "aws:ec2/vpcEndpoint:VpcEndpoint mlplat-prod-network-dynamodb",
        "aws:ec2/vpcEndpoint:VpcEndpoint mlplat-prod-network-s3",
        "aws:ec2/vpcEndpoint:VpcEndpoint mlplat-prod-network-sagemaker-api",
        "aws:ec2/vpcEndpoint:VpcEndpoint mlplat-prod-network-sagemaker-runtime",
        "aws:ec2/securityGroup:SecurityGroup mlplat-prod-network-training-sg",
        "aws:ec2/securityGroup:SecurityGroup mlplat-prod-network-endpoint-sg",
        "aws:ec2/securityGroup:SecurityGroup mlplat-prod-network-interface-endpoints-sg",
        "mlplat:sagemaker:TrainingPlatform mlplat-prod-training",
        "aws:iam/role:Role mlplat-prod-training-role",
        "aws:iam/rolePolicy:RolePolicy mlplat-prod-training-runtime",
        "mlplat:sagemaker:ServingPlatform mlplat-prod-serving",
        "aws:iam/role:Role mlplat-prod-serving-role",
        "aws:iam/rolePolicy:RolePolicy mlplat-prod-serving-runtime",
      ].sort(),
    );
  });

  it("exports the training template: spot with checkpoints in the lake, in the private subnets", () => {
    const template = (run.outputs.sagemaker as { trainingTemplate: Record<string, unknown> })
      .trainingTemplate;
    expect(template).toMatchObject({
      instanceType: "ml.p3.2xlarge",
      volumeSizeGb: 100,
      maxRuntimeSeconds: 3600,
      spot: { enabled: true, maxWaitSeconds: 7200 },
      checkpointUriPrefix: "s3://mlplat-prod-lake-data/artifacts/checkpoints/",
      outputPath: "s3://mlplat-prod-lake-data/models/",
      enableNetworkIsolation: true,
      vpc: {
        subnetIds: [
          "mlplat-prod-network-private-0-id",
          "mlplat-prod-network-private-1-id",
          "mlplat-prod-network-private-2-id",
        ],
        securityGroupIds: ["mlplat-prod-network-training-sg-id"],
      },
    });
  });

  it("exports the endpoint template with the seed's 2 x ml.m5.xlarge and autoscaling", () => {
    const template = (run.outputs.sagemaker as { endpointTemplate: Record<string, unknown> })
      .endpointTemplate;
    expect(template).toMatchObject({
      roleArn: "arn:aws:iam::123456789012:role/mlplat-prod-serving-role",
      instanceType: "ml.m5.xlarge",
      initialInstanceCount: 2,
      securityGroupIds: ["mlplat-prod-network-endpoint-sg-id"],
      autoscaling: {
        minCapacity: 1,
        maxCapacity: 10,
        targetInvocationsPerInstance: 1000,
        scaleInCooldownSeconds: 300,
        scaleOutCooldownSeconds: 60,
      },
    });
  });
});

describe("dev stack: SageMaker", () => {
  it("uses three zones (Redshift Serverless needs them) and no paid interface endpoints", async () => {
    const run = await runStack("dev");
    expect(resourcesOfType(run, "aws:ec2/subnet:Subnet")).toHaveLength(3);
    // Gateway endpoints (S3, DynamoDB) are free; interface endpoints are not.
    expect(resourcesOfType(run, "aws:ec2/vpcEndpoint:VpcEndpoint").map((e) => e.name)).toEqual([
      "mlplat-dev-network-dynamodb",
      "mlplat-dev-network-s3",
    ]);
  });

  it("declares a serverless endpoint that scales to zero when one is configured", async () => {
    const run = await runStack("dev", {
      "mlplat:sagemaker": {
        ...sagemakerOf("dev"),
        endpoint: { name: "churn", modelDataKey: "production/model.tar.gz" },
      },
    });
    const config = resource(
      run,
      "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
      "mlplat-dev-churn-config",
    );
    expect(config.inputs.productionVariants).toEqual([
      {
        variantName: "AllTraffic",
        modelName: "mlplat-dev-churn-model",
        serverlessConfig: { memorySizeInMb: 2048, maxConcurrency: 5 },
      },
    ]);
    expect(resource(run, "aws:sagemaker/model:Model", "mlplat-dev-churn-model").inputs.executionRoleArn).toBe(
      "arn:aws:iam::123456789012:role/mlplat-dev-serving-role",
    );
    expect(run.outputs.sagemaker).toMatchObject({ endpointName: "mlplat-dev-churn-endpoint" });
  });

  it("declares nothing of SageMaker when it is switched off", async () => {
    const run = await runStack("dev", { "mlplat:features": { dataLake: true, sagemaker: false } });
    expect(run.resources.filter((r) => /network|training|serving/.test(r.name))).toEqual([]);
    expect(run.outputs.sagemaker).toBeUndefined();
  });
});

describe("prod stack: a declared endpoint", () => {
  it("serves on autoscaled instances", async () => {
    const run = await runStack("prod", {
      "mlplat:sagemaker": { ...sagemakerOf("prod"), endpoint: { modelDataKey: "production/model.tar.gz" } },
    });
    expect(
      resource(run, "aws:appautoscaling/target:Target", "mlplat-prod-model-scaling-target").inputs,
    ).toMatchObject({
      resourceId: "endpoint/mlplat-prod-model-endpoint/variant/AllTraffic",
      minCapacity: 1,
      maxCapacity: 10,
    });
  });
});

describe("SageMaker config errors", () => {
  it("names a mistyped instance type, a short spot wait and an unknown key together", () => {
    const sagemaker = sagemakerOf("dev");
    const training = sagemaker.training as Record<string, unknown>;
    expect(
      configProblems("dev", {
        "mlplat:sagemaker": {
          ...sagemaker,
          training: { ...training, instanceType: "ml.p3.3xlarge", maxWaitSeconds: 1800, maxRun: 10 },
        },
      }),
    ).toEqual([
      "mlplat:sagemaker.training.maxRun: got 10, expected no such key: known keys here are image, instanceType, instanceCount, volumeSizeGb, maxRuntimeSeconds, spot, maxWaitSeconds, networkIsolation, hyperparameters; did you mean maxRuntimeSeconds?",
      'mlplat:sagemaker.training.instanceType: got "ml.p3.3xlarge", expected a SageMaker training instance type from the catalog (components/catalog/instances.ts); did you mean ml.p3.2xlarge?',
      "mlplat:sagemaker.training.maxWaitSeconds: got 1800, expected at least maxRuntimeSeconds (3600): a spot job's wait includes its run",
    ]);
  });

  it("requires the images and the lake", () => {
    expect(
      configProblems("dev", {
        "mlplat:features": { dataLake: false, sagemaker: true },
        "mlplat:sagemaker": {},
      }),
    ).toEqual([
      "mlplat:sagemaker.training.image: got nothing, expected an ECR image URI such as 123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/my-ml-image:latest",
      "mlplat:sagemaker.serving.image: got nothing, expected an ECR image URI such as 123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/my-model:1.0",
      "mlplat:features.sagemaker: got true, expected false while mlplat:features.dataLake is false: training reads from and writes to the lake",
    ]);
  });

  it("checks a declared endpoint's name, archive and serverless memory", () => {
    expect(
      configProblems("dev", {
        "mlplat:sagemaker": {
          ...sagemakerOf("dev"),
          endpoint: { name: "Churn_Model", modelDataKey: "model.zip", serverless: { memorySizeMb: 512 } },
        },
      }),
    ).toEqual([
      'mlplat:sagemaker.endpoint.modelDataKey: got "model.zip", expected a model archive\'s key inside models/, such as production/model.tar.gz',
      "mlplat:sagemaker.endpoint.serverless.memorySizeMb: got 512, expected 1024, 2048, 3072, 4096, 5120 or 6144",
      'mlplat:sagemaker.endpoint.name: got "Churn_Model", expected 1 to 20 lowercase letters, digits and single hyphens',
    ]);
  });

  it("refuses a public network block", () => {
    expect(
      configProblems("dev", { "mlplat:network": { cidrBlock: "8.8.0.0/16", availabilityZoneCount: 3 } }),
    ).toEqual([
      'mlplat:network.cidrBlock: got "8.8.0.0/16", expected a private IPv4 block from /16 to /24 (10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16), e.g. 10.0.0.0/16',
    ]);
  });
});
