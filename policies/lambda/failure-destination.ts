import type { PolicyResource } from "@pulumi/policy";

import { stackPolicy } from "../lib/define";
import { peek, UNKNOWN } from "../lib/unknown";
import { LAMBDA } from "./types";

/**
 * Failed asynchronous invocations are kept: every function has a dead-letter queue (deadLetterConfig) or an
 * event-invoke config with an on-failure destination. Without one, Lambda drops an event after its retries.
 */
export const lambdaFailureDestination = stackPolicy({
  name: "lambda-failure-destination",
  description:
    "Lambda functions send failed asynchronous invocations to a dead-letter queue or an on-failure destination.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set deadLetterConfig.targetArn to an encrypted SQS queue, or declare an aws.lambda.FunctionEventInvokeConfig " +
    "with destinationConfig.onFailure.destination for the function.",
  validate: (args, report) => {
    const functions = args.resources.filter((r) => r.type === LAMBDA.function);
    if (functions.length === 0) args.notApplicable("The stack declares no Lambda functions");
    const configs = args.resources.filter((r) => r.type === LAMBDA.eventInvokeConfig && hasOnFailure(r));
    for (const fn of functions) {
      const dlq = peek(() => (fn.props.deadLetterConfig as { targetArn?: unknown } | undefined)?.targetArn);
      if (dlq === UNKNOWN || (typeof dlq === "string" && dlq !== "")) continue;
      if (configs.some((c) => configures(c, fn))) continue;
      report(
        `Function ${JSON.stringify(fn.name)} has neither a dead-letter queue nor an on-failure destination: failed asynchronous invocations are dropped`,
        fn.urn,
      );
    }
  },
});

function hasOnFailure(config: PolicyResource): boolean {
  const destination = peek(
    () =>
      (config.props.destinationConfig as { onFailure?: { destination?: unknown } } | undefined)?.onFailure
        ?.destination,
  );
  return destination === UNKNOWN || (typeof destination === "string" && destination !== "");
}

/** True when the event-invoke config is the function's: by dependency, or by its name. */
function configures(config: PolicyResource, fn: PolicyResource): boolean {
  if ((config.propertyDependencies.functionName ?? []).some((d) => d.urn === fn.urn)) return true;
  const target = peek(() => config.props.functionName as unknown);
  const name = peek(() => fn.props.name as unknown);
  return typeof target === "string" && (target === name || target === fn.name);
}
