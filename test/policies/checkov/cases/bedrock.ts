/** Checkov's bedrock checks as Pulumi resources (see ../case.ts). */
import { declared, TAGS } from "../../helpers";
import type { ServiceCases } from "../case";

const AGENT = "aws:bedrock/agentAgent:AgentAgent";
const KEY = "arn:aws:kms:ap-northeast-2:123456789012:key/lake-key-id";
const GUARDRAIL = [{ guardrailIdentifier: "gr-abc123", guardrailVersion: "1" }];

/** A Bedrock agent with a key and a guardrail, with `inputs` changed. */
const agent = (inputs: Record<string, unknown>) => [
  declared(AGENT, "assistant", {
    agentName: "assistant",
    agentResourceRoleArn: "arn:aws:iam::123456789012:role/assistant",
    foundationModel: "anthropic.claude-3-haiku-20240307-v1:0",
    instruction: "Answer questions about the platform's datasets from the catalog only.",
    customerEncryptionKeyArn: KEY,
    guardrailConfigurations: GUARDRAIL,
    tags: TAGS,
    ...inputs,
  }),
];

export const bedrock: ServiceCases = {
  cases: [
    {
      id: "CKV_AWS_373",
      title: "an agent without customerEncryptionKeyArn",
      fail: agent({ customerEncryptionKeyArn: undefined }),
      pass: agent({}),
    },
    {
      id: "CKV_AWS_383",
      title: "an agent without guardrailConfigurations",
      fail: agent({ guardrailConfigurations: undefined }),
      pass: agent({}),
    },
  ],
  notApplicable: [],
  covered: ["CKV_AWS_373", "CKV_AWS_383"],
};
