/** Step Functions type tokens the Step Functions policies check. */
export const STEP_FUNCTIONS = {
  stateMachine: "aws:sfn/stateMachine:StateMachine",
} as const;
