import { resourcePolicy } from "../lib/define";
import { peek, UNKNOWN } from "../lib/unknown";
import { LOGS } from "./types";

/**
 * Log groups keep their logs for at least a year (or forever, 0), long enough for an audit or an incident
 * found late. Stricter than `logs-log-group-retention`; dev and local keep a month to save cost, so it is
 * advisory there and mandatory in prod.
 */
export const logsLogGroupRetentionYear = resourcePolicy({
  name: "logs-log-group-retention-year",
  description: "CloudWatch Logs log groups keep their logs for at least 365 days.",
  severity: "low",
  enforcementLevel: "advisory",
  remediationSteps:
    "Set retentionInDays on the aws.cloudwatch.LogGroup to 365 or more (or 0 to never expire), e.g. " +
    "the component's logRetentionDays setting; archive older logs to S3 if the cost matters.",
  types: [LOGS.logGroup],
  checkov: ["CKV_AWS_338"],
  validate: (args, report) => {
    const days = peek(() => args.props.retentionInDays as unknown);
    if (days === UNKNOWN || days === 0 || (typeof days === "number" && days >= 365)) return;
    report(
      `Log group ${JSON.stringify(args.name)} keeps its logs ${days === undefined ? "forever by default, but does not say so (retentionInDays is not set)" : `for ${JSON.stringify(days)} days`}: keep them at least 365 days (retentionInDays 365 or more, or 0)`,
    );
  },
});
