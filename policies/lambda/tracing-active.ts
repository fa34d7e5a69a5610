import { resourcePolicy } from "../lib/define";
import { peek, UNKNOWN } from "../lib/unknown";
import { LAMBDA } from "./types";

/**
 * Functions trace their invocations with X-Ray, so a slow or failing prediction can be followed. Checkov also
 * passes PassThrough, which traces only requests an upstream service already sampled; the pack asks for Active.
 */
export const lambdaTracingActive = resourcePolicy({
  name: "lambda-tracing-active",
  description: "Lambda functions trace invocations with X-Ray (tracingConfig.mode Active).",
  severity: "low",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Set tracingConfig: { mode: "Active" } on the aws.lambda.Function and grant xray:PutTraceSegments and xray:PutTelemetryRecords.',
  types: [LAMBDA.function],
  checkov: ["CKV_AWS_50"],
  validate: (args, report) => {
    const mode = peek(() => (args.props.tracingConfig as { mode?: unknown } | undefined)?.mode);
    if (mode === UNKNOWN || mode === "Active") return;
    report(
      `Function ${JSON.stringify(args.name)} does not trace with X-Ray (tracingConfig.mode is ${mode === undefined ? "not set" : JSON.stringify(mode)}): set it to "Active"`,
    );
  },
});
