import { stackPolicy } from "../lib/define";
import { UNKNOWN } from "../lib/unknown";
import { invokersOf, keepsFailedEvents } from "./invokers";
import { LAMBDA } from "./types";

/**
 * The advisory half of `lambda-failure-destination`: a function that nothing in the program invokes (its
 * callers live in another stack, account or application, or are granted through a principal whose invocation
 * type cannot be seen) may be invoked asynchronously, and then drops the events that fail. The program cannot
 * tell, so this only advises: keep failed events, or add an exception saying its callers are synchronous.
 */
export const lambdaFailureDestinationUnseenCallers = stackPolicy({
  name: "lambda-failure-destination-unseen-callers",
  description:
    "Lambda functions whose callers the program does not show have a dead-letter queue or an on-failure destination.",
  severity: "low",
  enforcementLevel: "advisory",
  remediationSteps:
    "If the function is invoked asynchronously from outside the program, set deadLetterConfig.targetArn or declare an " +
    "aws.lambda.FunctionEventInvokeConfig with destinationConfig.onFailure.destination; if every caller invokes it " +
    "synchronously, add an exception with that reason.",
  checkov: ["CKV_AWS_116"],
  validate: (args, report) => {
    const functions = args.resources.filter((r) => r.type === LAMBDA.function);
    if (functions.length === 0) args.notApplicable("The stack declares no Lambda functions");
    for (const fn of functions) {
      const invokers = invokersOf(fn, args.resources);
      if (invokers.some((i) => i.kind !== "unknown")) continue;
      const kept = keepsFailedEvents(fn, args.resources);
      if (kept === UNKNOWN || kept) continue;
      const seen =
        invokers.length === 0
          ? "nothing in the program invokes it"
          : `only ${invokers.map((i) => i.description).join(", ")} lets something invoke it, in a way the program does not show`;
      report(
        `Function ${JSON.stringify(fn.name)} has neither a dead-letter queue nor an on-failure destination, and ${seen}: if it is invoked asynchronously, events that fail after Lambda's two retries are dropped`,
        fn.urn,
      );
    }
  },
});
