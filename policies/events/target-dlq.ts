import type { PolicyResource } from "@pulumi/policy";

import { stackPolicy } from "../lib/define";
import { peek, UNKNOWN } from "../lib/unknown";
import { EVENTS } from "./types";

/**
 * EventBridge targets that start work (a Step Functions state machine, a Lambda function) keep the events they
 * could not deliver and retry within a chosen bound: a `deadLetterConfig` and a `retryPolicy`. Without a
 * dead-letter queue, an event that fails delivery after the retries (throttling, a deleted or busy target, a
 * missing permission) is dropped, and with it the run it should have started.
 */
export const eventsTargetDlq = stackPolicy({
  name: "events-target-dlq",
  description:
    "EventBridge targets that start a state machine or a Lambda function have a dead-letter queue and a retry policy.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set deadLetterConfig.arn to an encrypted SQS queue whose policy lets events.amazonaws.com send from this " +
    "rule only (aws:SourceArn), and retryPolicy.maximumRetryAttempts and maximumEventAgeInSeconds on the target.",
  validate: (args, report) => {
    const targets = args.resources.filter((r) => r.type === EVENTS.target);
    if (targets.length === 0) args.notApplicable("The stack declares no EventBridge targets");
    for (const target of targets) {
      const kind = startsWork(target);
      if (kind === undefined) continue;
      const name = JSON.stringify(target.name);
      const dlq = peek(() => (target.props.deadLetterConfig as { arn?: unknown } | undefined)?.arn);
      if (dlq !== UNKNOWN && !(typeof dlq === "string" && dlq !== "")) {
        report(
          `EventBridge target ${name} starts ${kind} without a deadLetterConfig: events it cannot deliver after its retries are dropped`,
          target.urn,
        );
      }
      const retry = peek(() => target.props.retryPolicy as unknown);
      if (retry === undefined || retry === null) {
        report(
          `EventBridge target ${name} starts ${kind} without a retryPolicy: EventBridge retries for up to 24 hours (185 attempts) before giving up`,
          target.urn,
        );
      }
    }
  },
});

/**
 * What the target starts, when it is a state machine or a Lambda function: read from its ARN, or, while the
 * ARN is unknown (a resource created in the same preview), from the resource the ARN comes from.
 */
function startsWork(target: PolicyResource): string | undefined {
  const arn = peek(() => target.props.arn as unknown);
  if (typeof arn === "string") {
    if (/^arn:[^:]+:states:[^:]*:[^:]*:stateMachine:/.test(arn)) return "a state machine";
    if (/^arn:[^:]+:lambda:[^:]*:[^:]*:function:/.test(arn)) return "a Lambda function";
  }
  const sources = (target.propertyDependencies.arn ?? []).map((d) => d.type);
  if (sources.includes(EVENTS.stateMachine)) return "a state machine";
  if (sources.includes(EVENTS.lambdaFunction)) return "a Lambda function";
  return undefined;
}
