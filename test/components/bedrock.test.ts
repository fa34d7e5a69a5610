import { InvokeModelCommand, InvokeModelWithResponseStreamCommand } from "@aws-sdk/client-bedrock-runtime";
import { beforeAll, describe, expect, it } from "vitest";

import {
  BedrockAccess,
  resolveBedrockSettings,
  SEED_BEDROCK_MODELS,
  validateBedrockSettings,
} from "../../components/bedrock";
import { invokeModel, requestBody, streamModel, type BedrockSender } from "../../components/bedrock/client";
import { DataLake } from "../../components/data-lake";
import { formatIssue } from "../../components/validation";
import type { ProgramRun } from "../../scripts/cli/offline/runner";
import { policyOf, resource, runInline } from "../harness";

const HAIKU = "anthropic.claude-3-haiku-20240307-v1:0";
const SONNET = "anthropic.claude-3-sonnet-20240229-v1:0";

describe("Bedrock settings", () => {
  it("defaults to the seed's four models, 90 days of logs with text, no guardrail or knowledge base", () => {
    expect(resolveBedrockSettings()).toEqual({
      modelIds: [...SEED_BEDROCK_MODELS],
      logRetentionDays: 90,
      logTextData: true,
    });
    expect(SEED_BEDROCK_MODELS).toEqual([
      HAIKU,
      SONNET,
      "anthropic.claude-3-opus-20240229-v1:0",
      "amazon.titan-text-lite-v1",
    ]);
    expect(validateBedrockSettings(resolveBedrockSettings())).toEqual([]);
  });

  it("names every bad setting with its path, value and what is expected", () => {
    const issues = validateBedrockSettings(
      resolveBedrockSettings({
        modelIds: [HAIKU, "anthropic.*"],
        logRetentionDays: 45,
        guardrail: { filterStrength: "MAX" as "HIGH", blockedInputMessaging: "" },
        knowledgeBaseId: "kb-1",
      }),
    ).map(formatIssue);
    expect(issues).toEqual([
      'modelIds[1]: got "anthropic.*", expected a foundation-model id such as anthropic.claude-3-haiku-20240307-v1:0 (no wildcards)',
      "logRetentionDays: got 45, expected one of CloudWatch Logs' retention periods: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
      'guardrail.filterStrength: got "MAX", expected one of LOW, MEDIUM, HIGH',
      'guardrail.blockedInputMessaging: got "", expected a message of 1 to 500 characters',
      'knowledgeBaseId: got "kb-1", expected a knowledge base id: 10 uppercase letters and digits, such as ABCDE12345',
    ]);
    expect(validateBedrockSettings(resolveBedrockSettings({ modelIds: [] })).map(formatIssue)).toEqual([
      "modelIds: got [], expected a non-empty list of foundation-model ids (the only models the platform may invoke)",
    ]);
  });

  it("refuses to declare anything with invalid settings: validation runs before the component exists", () => {
    const lake = undefined as unknown as DataLake; // never reached
    expect(() => new BedrockAccess("llm", { lake, logRetentionDays: 2 })).toThrow(
      "BedrockAccess llm: 1 problem\n  - logRetentionDays: got 2, expected one of",
    );
  });
});

describe("BedrockAccess", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runInline("dev", () => {
      const lake = new DataLake("lake", { deletionPolicy: "protect" });
      new BedrockAccess("llm", {
        lake,
        modelIds: [HAIKU, SONNET],
        guardrail: {},
        knowledgeBaseId: "ABCDE12345",
        tags: { Project: "p" },
      });
      return {};
    });
  });

  it("grants invocation, whole and streamed, on the allowlisted model ARNs only", () => {
    const statements = policyOf(
      resource(run, "aws:iam/rolePolicy:RolePolicy", "llm-access-invoke"),
    ).Statement;
    expect(statements[0]).toEqual({
      Sid: "InvokeAllowedModels",
      Effect: "Allow",
      Action: ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
      Resource: [
        `arn:aws:bedrock:ap-northeast-2::foundation-model/${HAIKU}`,
        `arn:aws:bedrock:ap-northeast-2::foundation-model/${SONNET}`,
      ],
    });
    expect(statements.map((s) => s.Sid)).toEqual([
      "InvokeAllowedModels",
      "ApplyGuardrail",
      "RetrieveFromKnowledgeBase",
      "RetrieveAndGenerate",
    ]);
    // The guardrail's ARN, as a preview of the deployed stack knows it: never dropped from the statement.
    expect(statements.find((s) => s.Sid === "ApplyGuardrail")?.Resource).toBe(
      "arn:aws:bedrock:ap-northeast-2:123456789012:guardrail/llm-guardrail-guardrail-id",
    );
    expect(statements.find((s) => s.Sid === "RetrieveFromKnowledgeBase")?.Resource).toBe(
      "arn:aws:bedrock:ap-northeast-2:123456789012:knowledge-base/ABCDE12345",
    );
  });

  it("logs invocations to the lake's artifacts/logs/bedrock and to a log group under its own rotating key", () => {
    const logging = resource(
      run,
      "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration",
      "llm-invocation-logging",
    );
    expect(logging.inputs.loggingConfig).toMatchObject({
      textDataDeliveryEnabled: true,
      s3Config: { keyPrefix: "artifacts/logs/bedrock" },
      cloudwatchConfig: { logGroupName: "/mlplat/bedrock/llm/invocations" },
    });
    const group = resource(run, "aws:cloudwatch/logGroup:LogGroup", "llm-invocations");
    expect(group.inputs).toMatchObject({ retentionInDays: 90 });
    const key = resource(run, "aws:kms/key:Key", "llm-logs-cmk");
    expect(key.inputs.enableKeyRotation).toBe(true);
    expect(key.protect).toBe(true); // the lake is protected, so is the key its logs depend on
    expect(group.propertyDependencies.kmsKeyId).toEqual([key.urn]);
    const keyPolicy = JSON.parse(String(key.inputs.policy)) as { Statement: { Principal: unknown }[] };
    expect(keyPolicy.Statement[1]?.Principal).toEqual({ Service: "logs.ap-northeast-2.amazonaws.com" });
  });

  it("lets Bedrock's logging role write log events to that group only", () => {
    const [statement] = policyOf(resource(run, "aws:iam/rolePolicy:RolePolicy", "llm-logging")).Statement;
    expect(statement).toMatchObject({ Action: ["logs:CreateLogStream", "logs:PutLogEvents"] });
    expect(String(statement?.Resource)).toMatch(/:log-stream:\*$/);
  });

  it("publishes a guardrail version with content filters at HIGH", () => {
    const guardrail = resource(run, "aws:bedrock/guardrail:Guardrail", "llm-guardrail");
    expect(guardrail.inputs.contentPolicyConfig).toEqual({
      filtersConfigs: ["HATE", "INSULTS", "SEXUAL", "VIOLENCE", "MISCONDUCT"].map((type) => ({
        type,
        inputStrength: "HIGH",
        outputStrength: "HIGH",
      })),
    });
    resource(run, "aws:bedrock/guardrailVersion:GuardrailVersion", "llm-guardrail-version");
  });

  it("pins the resource names", () => {
    const names = run.resources
      .filter((r) => r.urn.includes("mlplat:bedrock:BedrockAccess$"))
      .map((r) => r.name)
      .sort();
    expect(names).toEqual([
      "llm-access-invoke",
      "llm-guardrail",
      "llm-guardrail-version",
      "llm-invocation-logging",
      "llm-invocations",
      "llm-logging",
      "llm-logging-role",
      "llm-logs-cmk",
      "llm-role",
    ]);
  });
});

/** A transport that answers as Bedrock does, and records the commands it was sent. */
function bedrockAnswering(answer: (command: unknown) => unknown): BedrockSender & { sent: unknown[] } {
  const sent: unknown[] = [];
  return {
    sent,
    send: ((command: unknown) => {
      sent.push(command);
      return Promise.resolve(answer(command));
    }) as BedrockSender["send"],
  };
}

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe("Bedrock client helpers", () => {
  it("writes the seed's request body for Claude and Titan's for Titan", () => {
    expect(JSON.parse(requestBody({ modelId: SONNET, prompt: "한국의 수도는?" }))).toEqual({
      anthropic_version: "bedrock-2023-05-31",
      max_tokens: 1024,
      messages: [{ role: "user", content: "한국의 수도는?" }],
    });
    expect(
      JSON.parse(requestBody({ modelId: "amazon.titan-text-lite-v1", prompt: "hi", maxTokens: 50 })),
    ).toEqual({ inputText: "hi", textGenerationConfig: { maxTokenCount: 50 } });
    expect(() => requestBody({ modelId: "meta.llama3-8b", prompt: "hi" })).toThrow(
      'modelId: got "meta.llama3-8b", expected an anthropic.claude-* or amazon.titan-text-* model',
    );
  });

  it("answers a whole response's text, usage and exact cost, and passes the guardrail", async () => {
    const client = bedrockAnswering(() => ({
      body: bytes({
        content: [{ type: "text", text: "서울입니다." }],
        usage: { input_tokens: 500, output_tokens: 200 },
      }),
    }));
    const answer = await invokeModel(client, {
      modelId: HAIKU,
      prompt: "한국의 수도는?",
      guardrail: { id: "gr-1", version: "1" },
    });
    expect(answer).toEqual({
      text: "서울입니다.",
      usage: { inputTokens: 500, outputTokens: 200 },
      cost: { picoUsd: 375_000_000n, usd: "0.000375" },
    });
    const command = client.sent[0] as InvokeModelCommand;
    expect(command).toBeInstanceOf(InvokeModelCommand);
    expect(command.input).toMatchObject({
      modelId: HAIKU,
      guardrailIdentifier: "gr-1",
      guardrailVersion: "1",
    });
  });

  it("streams the deltas in order and takes the usage Bedrock appends to the last chunk", async () => {
    const events = [
      { type: "message_start", message: { usage: { input_tokens: 500, output_tokens: 1 } } },
      { type: "content_block_delta", delta: { type: "text_delta", text: "서울" } },
      { type: "content_block_delta", delta: { type: "text_delta", text: "입니다." } },
      { type: "message_delta", usage: { output_tokens: 200 } },
      {
        type: "message_stop",
        "amazon-bedrock-invocationMetrics": { inputTokenCount: 500, outputTokenCount: 200 },
      },
    ];
    const client = bedrockAnswering(() => ({
      body: events.map((event) => ({ chunk: { bytes: bytes(event) } })),
    }));
    const pieces: string[] = [];
    const answer = await streamModel(client, { modelId: SONNET, prompt: "한국의 수도는?" }, (p) =>
      pieces.push(p),
    );
    expect(pieces).toEqual(["서울", "입니다."]);
    expect(answer).toEqual({
      text: "서울입니다.",
      usage: { inputTokens: 500, outputTokens: 200 },
      cost: { picoUsd: 4_500_000_000n, usd: "0.0045" },
    });
    expect(client.sent[0]).toBeInstanceOf(InvokeModelWithResponseStreamCommand);
  });

  it("fails on a response without usage rather than estimating zero", async () => {
    const client = bedrockAnswering(() => ({ body: bytes({}) }));
    await expect(invokeModel(client, { modelId: HAIKU, prompt: "x" })).rejects.toThrow(
      `${HAIKU}: the response has no usage.input_tokens/output_tokens`,
    );
  });
});
