import { resourcePolicy } from "../lib/define";
import { isSet } from "../lib/settings";

export const BEDROCK_AGENT_TYPE = "aws:bedrock/agentAgent:AgentAgent";

/** Bedrock agents encrypt their sessions and configuration with a customer-managed key, as the lake's data is. */
export const bedrockAgentKms = resourcePolicy({
  name: "bedrock-agent-kms",
  description: "Bedrock agents encrypt their data with a customer-managed KMS key.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set customerEncryptionKeyArn on the aws.bedrock.AgentAgent to a customer-managed key whose policy lets the agent's role use it.",
  types: [BEDROCK_AGENT_TYPE],
  checkov: ["CKV_AWS_373"],
  validate: (args, report) => {
    if (!isSet(() => args.props.customerEncryptionKeyArn)) {
      report(
        `Bedrock agent ${JSON.stringify(args.name)} has no customerEncryptionKeyArn: its data is encrypted with an AWS-owned key, not a customer-managed one`,
      );
    }
  },
});
