import { resourcePolicy } from "../lib/define";
import { peek } from "../lib/unknown";
import { LOGS } from "./types";

/**
 * Log groups say how long they keep their logs (retentionInDays). Left unset, CloudWatch Logs keeps them
 * forever, and the bill grows with them; 0 is an explicit "never expire" and passes.
 */
export const logsLogGroupRetention = resourcePolicy({
  name: "logs-log-group-retention",
  description: "CloudWatch Logs log groups set how many days they keep their logs.",
  severity: "low",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set retentionInDays on the aws.cloudwatch.LogGroup to one of CloudWatch Logs' periods (1, 3, 5, 7, 14, 30, " +
    "60, 90, ... 3653 days), e.g. 30 in dev and 365 in prod.",
  types: [LOGS.logGroup],
  checkov: ["CKV_AWS_66"],
  validate: (args, report) => {
    // An unknown value during preview is still a value: only its absence fails.
    const days = peek(() => args.props.retentionInDays as unknown);
    if (days === undefined || days === null) {
      report(
        `Log group ${JSON.stringify(args.name)} does not set retentionInDays: CloudWatch Logs keeps its logs forever; set a retention period`,
      );
    }
  },
});
