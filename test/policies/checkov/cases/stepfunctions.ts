/** Checkov's stepfunctions checks as Pulumi resources (see ../case.ts). */
import { declared, TAGS } from "../../helpers";
import type { ServiceCases } from "../case";

const STATE_MACHINE = "aws:sfn/stateMachine:StateMachine";
const LOG_GROUP_ARN = "arn:aws:logs:ap-northeast-2:123456789012:log-group:/aws/vendedlogs/states/pipeline";

/** A state machine that logs ALL with execution data and traces, with `inputs` changed. */
const machine = (inputs: Record<string, unknown>) => [
  declared(STATE_MACHINE, "pipeline", {
    type: "STANDARD",
    roleArn: "arn:aws:iam::123456789012:role/pipeline",
    definition: JSON.stringify({ StartAt: "Done", States: { Done: { Type: "Succeed" } } }),
    loggingConfiguration: { level: "ALL", includeExecutionData: true, logDestination: `${LOG_GROUP_ARN}:*` },
    tracingConfiguration: { enabled: true },
    tags: TAGS,
    ...inputs,
  }),
];

export const stepfunctions: ServiceCases = {
  cases: [
    {
      id: "CKV_AWS_284",
      title: "a state machine without tracingConfiguration",
      fail: machine({ tracingConfiguration: undefined }),
      pass: machine({}),
    },
    {
      id: "CKV_AWS_285",
      title: "a state machine logging ALL without includeExecutionData",
      fail: machine({ loggingConfiguration: { level: "ALL", logDestination: `${LOG_GROUP_ARN}:*` } }),
      pass: machine({}),
    },
  ],
  notApplicable: [],
  covered: ["CKV_AWS_284", "CKV_AWS_285"],
};
