/** CloudWatch Logs type tokens the log policies check. */
export const LOGS = {
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
} as const;
