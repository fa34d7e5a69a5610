import { resourcePolicy } from "../lib/define";
import { UndecidedReads } from "../lib/settings";
import { BEDROCK_AGENT_TYPE } from "./agent-kms";

/**
 * Bedrock agents answer through a guardrail (seed §8.3): content filters, denied topics and prompt-attack
 * detection apply to what users send the agent and what it answers, as they do to direct model invocation.
 */
export const bedrockAgentGuardrail = resourcePolicy({
  name: "bedrock-agent-guardrail",
  description: "Bedrock agents are associated with a Bedrock guardrail.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set guardrailConfigurations: [{ guardrailIdentifier: guardrail.guardrailId, guardrailVersion: version.version }] " +
    "on the aws.bedrock.AgentAgent (BedrockAccess creates a guardrail and its version).",
  types: [BEDROCK_AGENT_TYPE],
  checkov: ["CKV_AWS_383"],
  validate: (args, report) => {
    const undecided = new UndecidedReads();
    const configurations = undecided.read((): unknown => args.props.guardrailConfigurations);
    const guarded = (Array.isArray(configurations) ? configurations : []).map((_, i) =>
      undecided.isSetIn(() => (args.props.guardrailConfigurations as unknown[])[i], "guardrailIdentifier"),
    );
    if (guarded.includes(true)) return;
    undecided.settle(); // a configuration unknown during preview may name a guardrail: undecidable
    report(
      `Bedrock agent ${JSON.stringify(args.name)} has no guardrail (guardrailConfigurations[].guardrailIdentifier is not set): ` +
        "its prompts and answers pass no content filter",
    );
  },
});
