import { resourcePolicy } from "../lib/define";
import { peek, UNKNOWN } from "../lib/unknown";
import { STEP_FUNCTIONS } from "./types";

/** State machines trace their executions with X-Ray, so time spent in each step and service shows on one map. */
export const stepFunctionsTracing = resourcePolicy({
  name: "stepfunctions-tracing",
  description: "Step Functions state machines trace executions with X-Ray (tracingConfiguration.enabled).",
  severity: "low",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set tracingConfiguration: { enabled: true } on the aws.sfn.StateMachine and grant its role xray:PutTraceSegments, " +
    "xray:PutTelemetryRecords, xray:GetSamplingRules and xray:GetSamplingTargets.",
  types: [STEP_FUNCTIONS.stateMachine],
  validate: (args, report) => {
    const enabled = peek(
      () => (args.props.tracingConfiguration as { enabled?: unknown } | undefined)?.enabled,
    );
    if (enabled === UNKNOWN || enabled === true) return;
    report(
      `State machine ${JSON.stringify(args.name)} does not trace with X-Ray (tracingConfiguration.enabled is ${enabled === undefined ? "not set" : JSON.stringify(enabled)}): set it to true`,
    );
  },
});
