import { resourcePolicy } from "../lib/define";
import { peek, UNKNOWN } from "../lib/unknown";
import { LOGS } from "./types";

/**
 * Log groups are encrypted with a customer-managed KMS key (kmsKeyId), so that reading them takes kms:Decrypt
 * on a key the platform controls, audits and can revoke: logs hold payloads, identifiers and errors.
 */
export const logsLogGroupKms = resourcePolicy({
  name: "logs-log-group-kms",
  description: "CloudWatch Logs log groups are encrypted with a customer-managed KMS key.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set kmsKeyId on the aws.cloudwatch.LogGroup to the ARN of a customer-managed key whose policy lets " +
    "logs.<region>.amazonaws.com use it for this log group (components/kms/logs-key.ts writes such a policy).",
  types: [LOGS.logGroup],
  checkov: ["CKV_AWS_158"],
  validate: (args, report) => {
    const key = peek(() => args.props.kmsKeyId as unknown);
    if (key === UNKNOWN || (typeof key === "string" && key !== "")) return;
    report(
      `Log group ${JSON.stringify(args.name)} is not encrypted with a customer-managed key (kmsKeyId is ${key === undefined ? "not set" : JSON.stringify(key)}): set kmsKeyId`,
    );
  },
});
