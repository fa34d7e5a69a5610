import { describe, expect, it } from "vitest";

import type { DeclaredResource } from "../../scripts/cli/offline/runner";
import { changed, declared, messagesOf, T, TAGS, without } from "./helpers";

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
