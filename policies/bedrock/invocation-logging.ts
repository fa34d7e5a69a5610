import type { PolicyResource } from "@pulumi/policy";

import { POLICY_DOCUMENTS } from "../iam/identity-policies";
import { stackPolicy } from "../lib/define";
import { statementsOf } from "../lib/policy-document";
import { peek, UNKNOWN } from "../lib/unknown";
import { coversInvoke } from "./invoke-scoped-to-models";

export const INVOCATION_LOGGING_TYPE =
  "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration";

/**
 * A stack that lets anything invoke Bedrock models also turns on model-invocation logging (seed §3, §8.3):
 * a logging configuration that delivers to S3 or CloudWatch Logs. Stacks that grant no invocation are not
 * applicable.
 */
export const bedrockInvocationLogging = stackPolicy({
  name: "bedrock-invocation-logging",
  description:
    "Stacks that grant Bedrock model invocation turn on model-invocation logging to S3 or CloudWatch Logs.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Declare an aws.bedrockmodel.InvocationLoggingConfiguration with loggingConfig.s3Config and/or cloudwatchConfig " +
    "(the BedrockAccess component logs to the lake and to a KMS-encrypted log group).",
  validate: (args, report) => {
    const granting = args.resources.filter(grantsInvoke);
    if (granting.length === 0) args.notApplicable("The stack grants no Bedrock model invocation");
    const configs = args.resources.filter((r) => r.type === INVOCATION_LOGGING_TYPE);
    if (configs.length === 0) {
      for (const r of granting) {
        report(
          `${JSON.stringify(r.name)} grants Bedrock model invocation, but the stack declares no model-invocation logging: prompts and answers leave no record`,
          r.urn,
        );
      }
      return;
    }
    for (const config of configs) {
      const logging = peek(() => config.props.loggingConfig as Record<string, unknown> | undefined);
      if (logging === UNKNOWN) continue;
      if (logging?.s3Config === undefined && logging?.cloudwatchConfig === undefined) {
        report(
          `Invocation logging ${JSON.stringify(config.name)} has neither s3Config nor cloudwatchConfig: it delivers the logs nowhere`,
          config.urn,
        );
      }
    }
  },
});

function grantsInvoke(r: PolicyResource): boolean {
  const documentsOf = POLICY_DOCUMENTS[r.type];
  if (documentsOf === undefined) return false;
  const documents = peek(() => documentsOf(r.props));
  if (documents === UNKNOWN) return false;
  return documents.some(({ document }) => {
    const statements = peek(() => statementsOf(document));
    if (statements === UNKNOWN) return false;
    return statements.some((s) => s.effect === "Allow" && !s.notAction && s.actions.some(coversInvoke));
  });
}
