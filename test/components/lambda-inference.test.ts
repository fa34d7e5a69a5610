import * as fs from "node:fs";

import { beforeAll, describe, expect, it } from "vitest";

import { DataLake } from "../../components/data-lake";
import {
  HANDLER_DIR,
  InferenceFunction,
  resolveInferenceFunctionSettings,
  validateInferenceFunctionSettings,
} from "../../components/lambda-inference";
import { formatIssue } from "../../components/validation";
import type { ProgramRun } from "../../scripts/cli/offline/runner";
import { policyOf, resource, runInline } from "../harness";

const MODEL_KEY = "models/production/churn.json";

describe("inference function settings", () => {
  it("defaults to 512 MB, 30 s, 512 MB of /tmp, 10 reserved, python3.12, no URL, 30 days of logs", () => {
    expect(resolveInferenceFunctionSettings({ modelKey: MODEL_KEY })).toEqual({
      modelKey: MODEL_KEY,
      memoryMb: 512,
      timeoutSeconds: 30,
      ephemeralStorageMb: 512,
      reservedConcurrency: 10,
      runtime: "python3.12",
      functionUrl: false,
      logRetentionDays: 30,
    });
  });

  it("accepts the edges of Lambda's limits (seed §4.3)", () => {
    for (const [memoryMb, timeoutSeconds, ephemeralStorageMb] of [
      [128, 1, 512],
      [10240, 900, 10240],
    ] as const) {
      const s = resolveInferenceFunctionSettings({
        modelKey: MODEL_KEY,
        memoryMb,
        timeoutSeconds,
        ephemeralStorageMb,
      });
      expect(validateInferenceFunctionSettings(s)).toEqual([]);
    }
  });

  it("names every setting beyond the limits, and a model outside models/ or not JSON", () => {
    const issues = validateInferenceFunctionSettings(
      resolveInferenceFunctionSettings({
        modelKey: "raw/model.pkl",
        memoryMb: 64,
        timeoutSeconds: 901,
        ephemeralStorageMb: 10241,
        reservedConcurrency: 0,
        runtime: "python2.7" as "python3.12",
      }),
    ).map(formatIssue);
    expect(issues).toEqual([
      'modelKey: got "raw/model.pkl", expected a .json model key under models/, such as models/production/churn.json (the function reads models/ only)',
      "memoryMb: got 64, expected a whole number of MB from 128 to 10240 (Lambda: 128 MB to 10 GB)",
      "timeoutSeconds: got 901, expected a whole number of seconds from 1 to 900 (Lambda: at most 15 minutes)",
      "ephemeralStorageMb: got 10241, expected a whole number of MB from 512 to 10240 (Lambda's /tmp: 512 MB to 10 GB)",
      "reservedConcurrency: got 0, expected a whole number of executions from 1 to 900 (Lambda keeps 100 of the default 1000 unreserved)",
      'runtime: got "python2.7", expected one of python3.11, python3.12, python3.13',
    ]);
    expect(
      validateInferenceFunctionSettings(
        resolveInferenceFunctionSettings({ modelKey: "models/../raw/x.json" }),
      ).map((i) => i.path),
    ).toEqual(["modelKey"]);
  });

  it("refuses to declare anything with invalid settings: validation runs before the component exists", () => {
    const lake = undefined as unknown as DataLake; // never reached
    expect(() => new InferenceFunction("fn", { lake, modelKey: MODEL_KEY, timeoutSeconds: 3600 })).toThrow(
      "InferenceFunction fn: 1 problem\n  - timeoutSeconds: got 3600, expected a whole number of seconds from 1 to 900",
    );
  });
});

describe("InferenceFunction", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runInline("dev", () => {
      const lake = new DataLake("lake", { deletionPolicy: "destroy" });
      new InferenceFunction("fn", {
        lake,
        modelKey: MODEL_KEY,
        memoryMb: 1024,
        functionUrl: true,
        vpc: { subnetIds: ["subnet-a"], securityGroupIds: ["sg-e"] },
        tags: { Project: "p" },
      });
      return {};
    });
  });

  it("zips the handler folder, which holds the handler and nothing else", () => {
    const fn = resource(run, "aws:lambda/function:Function", "fn");
    expect(fn.inputs).toMatchObject({
      handler: "lambda_function.handler",
      runtime: "python3.12",
      memorySize: 1024,
      timeout: 30,
      ephemeralStorage: { size: 512 },
      reservedConcurrentExecutions: 10,
      tracingConfig: { mode: "Active" },
      environment: { variables: { MODEL_KEY } },
      vpcConfig: { subnetIds: ["subnet-a"], securityGroupIds: ["sg-e"] },
      loggingConfig: { logFormat: "JSON", logGroup: "/mlplat/lambda/fn" },
    });
    expect(fs.readdirSync(HANDLER_DIR).filter((f) => f !== "__pycache__")).toEqual(["lambda_function.py"]);
    const handler = fs.readFileSync(`${HANDLER_DIR}/lambda_function.py`, "utf8");
    expect(handler).not.toMatch(/\bimport pickle\b|pickle\.load/);
  });

  it("sends failed asynchronous invocations to a dead-letter queue encrypted with the lake's key", () => {
    const fn = resource(run, "aws:lambda/function:Function", "fn");
    const dlq = resource(run, "aws:sqs/queue:Queue", "fn-dlq");
    expect(fn.propertyDependencies.deadLetterConfig).toEqual([dlq.urn]);
    const lakeKey = resource(run, "aws:kms/key:Key", "lake-key");
    expect(dlq.propertyDependencies.kmsMasterKeyId).toEqual([lakeKey.urn]);
  });

  it("encrypts its environment variables with the lake's key", () => {
    const fn = resource(run, "aws:lambda/function:Function", "fn");
    const lakeKey = resource(run, "aws:kms/key:Key", "lake-key");
    expect(fn.propertyDependencies.kmsKeyArn).toEqual([lakeKey.urn]);
  });

  it("reads models/ of the lake only, and writes only its logs, traces and dead letters", () => {
    const read = policyOf(resource(run, "aws:iam/rolePolicy:RolePolicy", "lake-fn-models-read")).Statement;
    expect(read.find((s) => s.Sid === "ReadZone")?.Resource).toMatch(/\/models\/\*$/);
    const runtime = policyOf(resource(run, "aws:iam/rolePolicy:RolePolicy", "fn-runtime")).Statement;
    expect(runtime.map((s) => [s.Sid, s.Action])).toEqual([
      ["WriteLogs", ["logs:CreateLogStream", "logs:PutLogEvents"]],
      ["WriteTraces", ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]],
      ["SendFailedEvents", ["sqs:SendMessage"]],
      ["EncryptDeadLetters", ["kms:GenerateDataKey", "kms:Decrypt"]],
      [
        "DescribeNetwork",
        [
          "ec2:DescribeNetworkInterfaces",
          "ec2:DescribeVpcs",
          "ec2:DescribeSubnets",
          "ec2:DescribeSecurityGroups",
          "ec2:DescribeDhcpOptions",
        ],
      ],
      [
        "AttachToPlatformSubnets",
        [
          "ec2:CreateNetworkInterface",
          "ec2:DeleteNetworkInterface",
          "ec2:AssignPrivateIpAddresses",
          "ec2:UnassignPrivateIpAddresses",
        ],
      ],
    ]);
    expect(runtime.find((s) => s.Sid === "AttachToPlatformSubnets")?.Resource).toEqual([
      "arn:aws:ec2:ap-northeast-2:123456789012:network-interface/*",
      "arn:aws:ec2:ap-northeast-2:123456789012:subnet/subnet-a",
      "arn:aws:ec2:ap-northeast-2:123456789012:security-group/sg-e",
    ]);
  });

  it("puts an IAM-authenticated URL in front when asked", () => {
    expect(resource(run, "aws:lambda/functionUrl:FunctionUrl", "fn-url").inputs).toMatchObject({
      authorizationType: "AWS_IAM",
    });
  });

  it("pins the resource names", () => {
    const names = run.resources
      .filter((r) => r.urn.includes("mlplat:lambda-inference:InferenceFunction$"))
      .map((r) => r.name)
      .sort();
    expect(names).toEqual(["fn", "fn-dlq", "fn-logs", "fn-role", "fn-runtime", "fn-url"]);
  });
});
