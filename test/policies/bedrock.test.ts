import { describe, expect, it } from "vitest";

import { policyProxy } from "../../policies/lib/unknown";
import type { DeclaredResource } from "../../scripts/cli/offline/runner";
import { changed, declared, evaluateOne, messagesOf, T, TAGS, without } from "./helpers";

const HAIKU = "arn:aws:bedrock:ap-northeast-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0";
const LOGGING = "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration";

function invokePolicy(statement: Record<string, unknown> = {}): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "InvokeAllowedModels",
        Effect: "Allow",
        Action: ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
        Resource: [HAIKU],
        ...statement,
      },
    ],
  });
}

/** Bedrock access as BedrockAccess declares it: a grant on model ARNs and invocation logging to S3 and CloudWatch. */
function bedrockAccess(): DeclaredResource[] {
  return [
    declared(T.role, "llm-role", { assumeRolePolicy: "{}", tags: TAGS }),
    declared(T.rolePolicy, "llm-access-invoke", { role: "llm-role", policy: invokePolicy() }),
    declared(LOGGING, "llm-invocation-logging", {
      loggingConfig: {
        textDataDeliveryEnabled: true,
        s3Config: { bucketName: "lake-data", keyPrefix: "artifacts/logs/bedrock" },
        cloudwatchConfig: {
          logGroupName: "/mlplat/bedrock/llm/invocations",
          roleArn: "arn:aws:iam::1:role/l",
        },
      },
    }),
  ];
}

describe("bedrock-invoke-scoped-to-models", () => {
  const policy = "bedrock-invoke-scoped-to-models";

  it("passes invocation granted by name on model ARNs", async () => {
    expect(await messagesOf(policy, bedrockAccess())).toEqual([]);
  });

  it("fails bedrock:* and wildcard invoke actions", async () => {
    const messages = await messagesOf(
      policy,
      changed(bedrockAccess(), "llm-access-invoke", {
        policy: invokePolicy({ Action: ["bedrock:*", "bedrock:Invoke*"] }),
      }),
    );
    expect(messages).toEqual([
      'RolePolicy "llm-access-invoke" policy statement "InvokeAllowedModels" grants model invocation through the wildcard action bedrock:*, bedrock:Invoke*: name bedrock:InvokeModel and bedrock:InvokeModelWithResponseStream',
    ]);
  });

  it('fails invocation on "*" and on a wildcard model ARN', async () => {
    expect(
      await messagesOf(
        policy,
        changed(bedrockAccess(), "llm-access-invoke", { policy: invokePolicy({ Resource: "*" }) }),
      ),
    ).toEqual([
      'RolePolicy "llm-access-invoke" policy statement "InvokeAllowedModels" grants model invocation on "*": list the model ARNs (arn:aws:bedrock:<region>::foundation-model/<id>) it may invoke',
    ]);
    const wildcard = "arn:aws:bedrock:ap-northeast-2::foundation-model/anthropic.*";
    expect(
      await messagesOf(
        policy,
        changed(bedrockAccess(), "llm-access-invoke", {
          policy: invokePolicy({ Resource: [HAIKU, wildcard] }),
        }),
      ),
    ).toEqual([
      `RolePolicy "llm-access-invoke" policy statement "InvokeAllowedModels" grants model invocation on "${wildcard}": list the model ARNs (arn:aws:bedrock:<region>::foundation-model/<id>) it may invoke`,
    ]);
  });

  it("is not applicable to policies that grant no invocation, nor to the all-actions * (iam-no-wildcard-action's)", async () => {
    const other = JSON.stringify({ Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] });
    const evaluation = await messagesOf(
      policy,
      changed(bedrockAccess(), "llm-access-invoke", { policy: other }),
    );
    expect(evaluation).toEqual([]);
  });
});

describe("bedrock-invocation-logging", () => {
  const policy = "bedrock-invocation-logging";

  it("passes a stack that logs the invocations it grants", async () => {
    expect(await messagesOf(policy, bedrockAccess())).toEqual([]);
  });

  it("fails a stack that grants invocation without a logging configuration", async () => {
    expect(await messagesOf(policy, without(bedrockAccess(), "llm-invocation-logging"))).toEqual([
      '"llm-access-invoke" grants Bedrock model invocation, but the stack declares no model-invocation logging: prompts and answers leave no record',
    ]);
  });

  it("fails a logging configuration that delivers nowhere", async () => {
    expect(
      await messagesOf(
        policy,
        changed(bedrockAccess(), "llm-invocation-logging", {
          loggingConfig: { textDataDeliveryEnabled: true },
        }),
      ),
    ).toEqual([
      'Invocation logging "llm-invocation-logging" has neither s3Config nor cloudwatchConfig: it delivers the logs nowhere',
    ]);
  });

  it("is not applicable to a stack that grants no invocation", async () => {
    const noGrant = changed(bedrockAccess(), "llm-access-invoke", {
      policy: JSON.stringify({
        Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }],
      }),
    });
    expect(await messagesOf(policy, without(noGrant, "llm-invocation-logging"))).toEqual([]);
  });
});

describe("Bedrock agents", () => {
  const AGENT = "aws:bedrock/agentAgent:AgentAgent";
  const KEY = "arn:aws:kms:ap-northeast-2:123456789012:key/k";
  const UNKNOWN_STRING = policyProxy.unknownStringValue;
  /** An agent with a customer-managed key and the guardrail BedrockAccess creates, with `inputs` changed. */
  const agent = (inputs: Record<string, unknown> = {}) => [
    declared(AGENT, "assistant", {
      agentName: "assistant",
      agentResourceRoleArn: "arn:aws:iam::123456789012:role/assistant",
      foundationModel: "anthropic.claude-3-haiku-20240307-v1:0",
      customerEncryptionKeyArn: KEY,
      guardrailConfigurations: [{ guardrailIdentifier: "gr-abc123", guardrailVersion: "1" }],
      tags: TAGS,
      ...inputs,
    }),
  ];

  describe("bedrock-agent-kms", () => {
    const policy = "bedrock-agent-kms";
    it("passes an agent with a key, or a key unknown during preview, and fails one without", async () => {
      expect(await messagesOf(policy, agent())).toEqual([]);
      expect(await messagesOf(policy, agent({ customerEncryptionKeyArn: UNKNOWN_STRING }))).toEqual([]);
      expect(await messagesOf(policy, agent({ customerEncryptionKeyArn: undefined }))).toEqual([
        'Bedrock agent "assistant" has no customerEncryptionKeyArn: its data is encrypted with an AWS-owned key, not a customer-managed one',
      ]);
    });

    it("is not applicable to other resources", async () => {
      const result = await evaluateOne(policy, bedrockAccess());
      expect(result.violations).toEqual([]);
      expect(result.notApplicable).toEqual({ [policy]: 3 });
    });
  });

  describe("bedrock-agent-guardrail", () => {
    const policy = "bedrock-agent-guardrail";
    const NO_GUARDRAIL =
      'Bedrock agent "assistant" has no guardrail (guardrailConfigurations[].guardrailIdentifier is not set): its prompts and answers pass no content filter';

    it("passes an agent with a guardrail, or a guardrail id unknown during preview", async () => {
      expect(await messagesOf(policy, agent())).toEqual([]);
      expect(
        await messagesOf(
          policy,
          agent({
            guardrailConfigurations: [{ guardrailIdentifier: UNKNOWN_STRING, guardrailVersion: "1" }],
          }),
        ),
      ).toEqual([]);
    });

    it("fails an agent without guardrailConfigurations, or with an empty list", async () => {
      expect(await messagesOf(policy, agent({ guardrailConfigurations: undefined }))).toEqual([NO_GUARDRAIL]);
      expect(await messagesOf(policy, agent({ guardrailConfigurations: [] }))).toEqual([NO_GUARDRAIL]);
    });

    it("does not judge configurations unknown during preview", async () => {
      const { violations } = await evaluateOne(policy, agent({ guardrailConfigurations: UNKNOWN_STRING }));
      expect(violations.map((v) => v.level)).toEqual(["advisory"]);
      expect(violations[0]?.message).toContain("can't run policy 'bedrock-agent-guardrail'");
    });

    it("is not applicable to other resources", async () => {
      expect((await evaluateOne(policy, bedrockAccess())).notApplicable).toEqual({ [policy]: 3 });
    });
  });
});
