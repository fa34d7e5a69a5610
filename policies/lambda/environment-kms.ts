import { resourcePolicy } from "../lib/define";
import { peek, requireKnown, UNKNOWN } from "../lib/unknown";
import { LAMBDA } from "./types";

/**
 * A function's environment variables are encrypted at rest with a customer-managed key (kmsKeyArn), so that
 * reading them takes kms:Decrypt on a key the platform controls and audits, not only lambda:GetFunction.
 * Checkov also fails a kmsKeyArn set without variables; that encrypts nothing and exposes nothing, so it is not
 * reported here.
 */
export const lambdaEnvironmentKms = resourcePolicy({
  name: "lambda-environment-kms",
  description: "Lambda functions with environment variables encrypt them with a customer-managed KMS key.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set kmsKeyArn on the aws.lambda.Function to a customer-managed key whose policy (or the role's IAM policy) " +
    "lets the function's role decrypt with it.",
  types: [LAMBDA.function],
  checkov: ["CKV_AWS_173"],
  validate: (args, report) => {
    const environment = peek(() => args.props.environment as unknown);
    const variables =
      environment === UNKNOWN
        ? requireKnown(() => (args.props.environment as { variables?: unknown } | undefined)?.variables)
        : (environment as { variables?: unknown } | undefined)?.variables;
    if (variables === undefined || variables === null) {
      args.notApplicable("The function has no environment variables");
    }
    if (typeof variables === "object" && Object.keys(variables as object).length === 0) {
      args.notApplicable("The function has no environment variables");
    }
    const key = peek(() => args.props.kmsKeyArn as unknown);
    if (key === UNKNOWN || (typeof key === "string" && key !== "")) return;
    report(
      `Function ${JSON.stringify(args.name)} has environment variables but kmsKeyArn is ${key === undefined ? "not set" : JSON.stringify(key)}: they are encrypted with Lambda's AWS-managed key only; set kmsKeyArn to a customer-managed key`,
    );
  },
});
