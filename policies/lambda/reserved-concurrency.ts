import { resourcePolicy } from "../lib/define";
import { LAMBDA } from "./types";

/**
 * Every function reserves its concurrency (seed §4.3: 1,000 concurrent executions per region by default): a
 * reservation both guarantees the function's capacity and caps it, so one runaway function cannot throttle
 * every other function of the account, nor run up an unbounded bill.
 */
export const lambdaReservedConcurrency = resourcePolicy({
  name: "lambda-reserved-concurrency",
  description: "Lambda functions set reserved concurrency, which caps them within the account's limit.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set reservedConcurrentExecutions on the aws.lambda.Function (mlplat:lambdaInference.reservedConcurrency).",
  types: [LAMBDA.function],
  checkov: ["CKV_AWS_115"],
  validate: (args, report) => {
    // An unknown value during preview is still a value: only its absence (or -1, "unreserved") fails.
    const value = args.props.reservedConcurrentExecutions as unknown;
    if (value === undefined || value === -1) {
      report(
        `Function ${JSON.stringify(args.name)} has no reserved concurrency: it can take the account's whole concurrency (1,000 by default) and throttle every other function`,
      );
    }
  },
});
