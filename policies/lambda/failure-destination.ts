import { stackPolicy } from "../lib/define";
import { UNKNOWN } from "../lib/unknown";
import { invokersOf, keepsFailedEvents } from "./invokers";
import { LAMBDA } from "./types";

/**
 * Functions that something in the program invokes asynchronously (an S3 notification, an SNS subscription, an
 * EventBridge target or schedule, a CloudWatch Logs subscription filter, a permission for such a service ...)
 * keep the events that fail: a dead-letter queue (deadLetterConfig) or an event-invoke config with an
 * on-failure destination. Without one, Lambda drops an event after its two retries. A function only invoked
 * synchronously (a function URL, API Gateway, a Step Functions task, an event source mapping) is not judged:
 * its caller receives the error, and Lambda never uses a dead-letter queue for it. A function whose callers
 * the program does not show is left to `lambda-failure-destination-unseen-callers` (advisory).
 */
export const lambdaFailureDestination = stackPolicy({
  name: "lambda-failure-destination",
  description:
    "Lambda functions invoked asynchronously send failed events to a dead-letter queue or an on-failure destination.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set deadLetterConfig.targetArn to an encrypted SQS queue (and let the function's role send to it), or declare an " +
    "aws.lambda.FunctionEventInvokeConfig with destinationConfig.onFailure.destination for the function.",
  checkov: ["CKV_AWS_116"],
  validate: (args, report) => {
    const functions = args.resources.filter((r) => r.type === LAMBDA.function);
    if (functions.length === 0) args.notApplicable("The stack declares no Lambda functions");
    for (const fn of functions) {
      const asynchronous = invokersOf(fn, args.resources).filter((i) => i.kind === "asynchronous");
      if (asynchronous.length === 0) continue;
      const kept = keepsFailedEvents(fn, args.resources);
      if (kept === UNKNOWN || kept) continue;
      report(
        `Function ${JSON.stringify(fn.name)} is invoked asynchronously (by ${asynchronous.map((i) => i.description).join(", ")}) but has neither a dead-letter queue (deadLetterConfig.targetArn) nor an on-failure destination: events that fail after Lambda's two retries are dropped`,
        fn.urn,
      );
    }
  },
});
