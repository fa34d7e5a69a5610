import { beforeAll, describe, expect, it } from "vitest";

import { loadStackConfig } from "../../infra/config";
import type { ProgramRun } from "../../scripts/cli/offline/runner";
import { policyOf, resource, runStack, stackConfig, configProblems } from "../harness";

describe("stack config: Bedrock and Lambda inference", () => {
  it("turns both on in dev and prod, with each environment's retention and concurrency", () => {
    const dev = loadStackConfig("dev", stackConfig("dev").config);
    const prod = loadStackConfig("prod", stackConfig("prod").config);
    expect([dev.features.bedrock, dev.features.lambdaInference]).toEqual([true, true]);
    expect([prod.features.bedrock, prod.features.lambdaInference]).toEqual([true, true]);
    expect(dev.bedrock?.logRetentionDays).toBe(30);
    expect(prod.bedrock?.logRetentionDays).toBe(365);
    expect(dev.lambdaInference).toMatchObject({
      reservedConcurrency: 5,
      functionUrl: true,
      logRetentionDays: 30,
    });
    expect(prod.lambdaInference).toMatchObject({
      reservedConcurrency: 50,
      functionUrl: false,
      logRetentionDays: 365,
    });
    const local = loadStackConfig("local", stackConfig("local").config);
    expect([local.features.bedrock, local.features.lambdaInference, local.bedrock]).toEqual([
      false,
      false,
      undefined,
    ]);
  });

  it("reports bad settings with their mlplat: paths, through the components' validators", () => {
    expect(
      configProblems("dev", {
        "mlplat:bedrock": { modelIds: ["anthropic.*"], logRetentionDays: 10 },
        "mlplat:lambdaInference": { modelKey: "models/m.pkl", timeoutSeconds: 1800, memoryMb: 100 },
      }),
    ).toEqual([
      'mlplat:bedrock.modelIds[0]: got "anthropic.*", expected a foundation-model id such as anthropic.claude-3-haiku-20240307-v1:0 (no wildcards)',
      "mlplat:bedrock.logRetentionDays: got 10, expected one of CloudWatch Logs' retention periods: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
      'mlplat:lambdaInference.modelKey: got "models/m.pkl", expected a .json model key under models/, such as models/production/churn.json (the function reads models/ only)',
      "mlplat:lambdaInference.memoryMb: got 100, expected a whole number of MB from 128 to 10240 (Lambda: 128 MB to 10 GB)",
      "mlplat:lambdaInference.timeoutSeconds: got 1800, expected a whole number of seconds from 1 to 900 (Lambda: at most 15 minutes)",
    ]);
  });

  it("requires a model key, a well-typed setting and the lake", () => {
    expect(configProblems("dev", { "mlplat:lambdaInference": { memoryMb: "lots" } })).toEqual([
      'mlplat:lambdaInference.memoryMb: got "lots", expected a whole number',
      "mlplat:lambdaInference.modelKey: got nothing, expected a .json model key under models/, such as models/production/churn.json (the function reads models/ only)",
    ]);
    expect(
      configProblems("local", {
        "mlplat:features": { dataLake: false, bedrock: true, lambdaInference: true },
      }),
    ).toEqual([
      "mlplat:lambdaInference.modelKey: got nothing, expected a .json model key under models/, such as models/production/churn.json (the function reads models/ only)",
      "mlplat:features.bedrock: got true, expected false while mlplat:features.dataLake is false: invocation logs are delivered to the lake",
      "mlplat:features.lambdaInference: got true, expected false while mlplat:features.dataLake is false: the function loads its model from the lake",
    ]);
  });
});

describe("prod stack: Bedrock and Lambda inference", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runStack("prod");
  });

  it("grants the seed's four models to the Bedrock role and logs to the lake and a protected key's group", () => {
    const [invoke] = policyOf(
      resource(run, "aws:iam/rolePolicy:RolePolicy", "mlplat-prod-bedrock-access-invoke"),
    ).Statement;
    expect(invoke?.Resource).toEqual([
      "arn:aws:bedrock:ap-northeast-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
      "arn:aws:bedrock:ap-northeast-2::foundation-model/anthropic.claude-3-sonnet-20240229-v1:0",
      "arn:aws:bedrock:ap-northeast-2::foundation-model/anthropic.claude-3-opus-20240229-v1:0",
      "arn:aws:bedrock:ap-northeast-2::foundation-model/amazon.titan-text-lite-v1",
    ]);
    const logging = resource(
      run,
      "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration",
      "mlplat-prod-bedrock-invocation-logging",
    );
    const lake = resource(run, "aws:s3/bucket:Bucket", "mlplat-prod-lake-data");
    expect(logging.propertyDependencies.loggingConfig).toContain(lake.urn);
    expect(resource(run, "aws:kms/key:Key", "mlplat-prod-bedrock-logs-cmk")).toMatchObject({
      protect: true,
      retainOnDelete: true,
    });
  });

  it("runs the inference function in the network's private subnets, its logs under the Bedrock logs key", () => {
    const fn = resource(run, "aws:lambda/function:Function", "mlplat-prod-inference");
    expect(fn.inputs).toMatchObject({
      reservedConcurrentExecutions: 50,
      environment: { variables: { MODEL_KEY: "models/production/model.json" } },
    });
    const subnets = run.resources
      .filter((r) => r.type === "aws:ec2/subnet:Subnet" && r.name.includes("private"))
      .map((r) => r.urn);
    expect(subnets.length).toBeGreaterThan(0);
    for (const urn of subnets) expect(fn.propertyDependencies.vpcConfig).toContain(urn);
    const group = resource(run, "aws:cloudwatch/logGroup:LogGroup", "mlplat-prod-inference-logs");
    const key = resource(run, "aws:kms/key:Key", "mlplat-prod-bedrock-logs-cmk");
    expect(group.propertyDependencies.kmsKeyId).toEqual([key.urn]);
    expect(run.resources.some((r) => r.type === "aws:lambda/functionUrl:FunctionUrl")).toBe(false);
  });
});
