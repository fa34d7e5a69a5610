import { resourcePolicy } from "../lib/define";
import { isSet, UndecidedReads } from "../lib/settings";
import { UNKNOWN } from "../lib/unknown";
import { STEP_FUNCTIONS } from "./types";

interface LoggingConfiguration {
  readonly level?: unknown;
  readonly includeExecutionData?: unknown;
  readonly logDestination?: unknown;
}

/**
 * State machines log every event (level ALL) with its input and output to a CloudWatch Logs group, so a
 * failed or slow pipeline run can be followed step by step after the fact (Standard workflows keep their
 * history 90 days; the logs keep it as long as the group's retention). Logs without execution data (the
 * default when includeExecutionData is left out) record that a state ran but not what it read or returned.
 * Values unknown during preview are never judged: a destination is a log group's ARN, so it is set; an
 * unknown level or includeExecutionData leaves the policy noted as not run.
 */
export const stepFunctionsLoggingAll = resourcePolicy({
  name: "stepfunctions-logging-all",
  description:
    "Step Functions state machines log ALL events, with execution data, to a CloudWatch Logs group.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Set loggingConfiguration: { level: "ALL", includeExecutionData: true, logDestination: `${logGroup.arn}:*` } ' +
    "on the aws.sfn.StateMachine (a KMS-encrypted group), and let its role deliver logs (logs:CreateLogDelivery ...).",
  types: [STEP_FUNCTIONS.stateMachine],
  checkov: ["CKV_AWS_285"],
  validate: (args, report) => {
    const name = JSON.stringify(args.name);
    const undecided = new UndecidedReads();
    const logging = undecided.read(() => args.props.loggingConfiguration as LoggingConfiguration | undefined);
    if (logging === UNKNOWN) {
      undecided.settle();
      return;
    }
    if (logging === undefined) {
      report(
        `State machine ${name} has no loggingConfiguration: set level "ALL", includeExecutionData true and a ` +
          'logDestination (a CloudWatch Logs group ARN ending in ":*")',
      );
      return;
    }
    const level = undecided.read(() => logging.level);
    if (level !== UNKNOWN && level !== "ALL") {
      report(
        `State machine ${name} logs at level ${level === undefined ? "OFF (loggingConfiguration.level is not set)" : JSON.stringify(level)}: ` +
          'set loggingConfiguration.level to "ALL" so every state\'s input, output and error is recorded',
      );
    }
    const data = undecided.read(() => logging.includeExecutionData);
    if (data !== UNKNOWN && data !== true) {
      report(
        `State machine ${name} does not include execution data in its logs: set loggingConfiguration.includeExecutionData to true`,
      );
    }
    if (!isSet(() => logging.logDestination)) {
      report(
        `State machine ${name} has no loggingConfiguration.logDestination: set it to a CloudWatch Logs group ARN ending in ":*"`,
      );
    }
    undecided.settle();
  },
});
