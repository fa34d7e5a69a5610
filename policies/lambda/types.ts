/** Lambda type tokens the Lambda policies check. */
export const LAMBDA = {
  function: "aws:lambda/function:Function",
  functionUrl: "aws:lambda/functionUrl:FunctionUrl",
  eventInvokeConfig: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
  permission: "aws:lambda/permission:Permission",
} as const;
