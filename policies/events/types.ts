/** EventBridge type tokens the EventBridge policies check, and the target types they care about. */
export const EVENTS = {
  target: "aws:cloudwatch/eventTarget:EventTarget",
  stateMachine: "aws:sfn/stateMachine:StateMachine",
  lambdaFunction: "aws:lambda/function:Function",
} as const;
