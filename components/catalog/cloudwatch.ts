import type { ValidationIssue } from "../validation";

/** Retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Records a problem when `value` is not a retention period CloudWatch Logs accepts; true when it is. */
export function checkLogRetention(issues: ValidationIssue[], path: string, value: unknown): boolean {
  if ((LOG_RETENTION_DAYS as readonly unknown[]).includes(value)) return true;
  issues.push({
    path,
    value,
    expected: `one of CloudWatch Logs' retention periods: ${LOG_RETENTION_DAYS.join(", ")}`,
  });
  return false;
}
