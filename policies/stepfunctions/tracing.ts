import { resourcePolicy } from "../lib/define";
import { UndecidedReads } from "../lib/settings";
import { UNKNOWN } from "../lib/unknown";
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
  checkov: ["CKV_AWS_284"],
  validate: (args, report) => {
    const undecided = new UndecidedReads();
    const enabled = undecided.read(
      () => (args.props.tracingConfiguration as { enabled?: unknown } | undefined)?.enabled,
    );
    if (enabled === true) return;
    if (enabled === UNKNOWN) {
      undecided.settle();
      return;
    }
    report(
      `State machine ${JSON.stringify(args.name)} does not trace with X-Ray (tracingConfiguration.enabled is ${enabled === undefined ? "not set" : JSON.stringify(enabled)}): set it to true`,
    );
  },
});
