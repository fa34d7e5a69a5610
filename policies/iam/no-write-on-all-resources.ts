import { resourcePolicy } from "../lib/define";
import { READ_ACTION_VERBS } from "../lib/iam-actions";
import {
  allowStatements,
  describeResource,
  IAM_POLICY_TYPES,
  limitedByCondition,
  onEveryResource,
} from "./identity-policies";

/**
 * A write action: not a read (its verb is not one of IAM's List and Read verbs), and not a whole-service or
 * all-actions wildcard (other policies report those).
 */
export function isWriteAction(action: string): boolean {
  if (action === "*" || action.endsWith(":*")) return false;
  const verb = action.slice(action.indexOf(":") + 1);
  return !READ_ACTION_VERBS.some((read) => verb.startsWith(read));
}

/**
 * No identity policy allows a write action on every resource (`"*"` or NotResource), unless a condition limits
 * the statement (a tag, `iam:PassedToService`, ...).
 *
 * Checkov: CKV_AWS_290 / CKV_AWS_111 (Write-level actions without constraints) and CKV_AWS_289 / CKV_AWS_109
 * (Permissions-management actions without constraints: `iam:PutRolePolicy`, `s3:PutBucketPolicy`,
 * `kms:CreateGrant`, ... are all writes here). Checkov takes any condition as a constraint; here transport,
 * MFA, time and network conditions do not count, since they do not narrow what is written. Stricter than
 * Checkov: a write AWS grants on `*` only (`logs:CreateLogDelivery`) fails too, unless it is in allowedActions or
 * an exception says why the policy holds it; a write on every resource deserves that reviewed reason.
 */
export const iamNoWriteOnAllResources = resourcePolicy({
  name: "iam-no-write-on-all-resources",
  description: 'IAM identity policies never allow write actions on every resource ("*").',
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Scope Resource to the ARNs the principal writes (e.g. arn:aws:s3:::bucket/models/*), or limit the " +
    "statement with a condition (a resource or request tag, iam:PassedToService). Actions AWS only grants " +
    "on '*' can be listed in this policy's allowedActions config.",
  types: IAM_POLICY_TYPES,
  checkov: ["CKV_AWS_109", "CKV_AWS_111", "CKV_AWS_289", "CKV_AWS_290"],
  config: {
    allowedActions: {
      type: "array",
      items: { type: "string" },
      default: ["cloudwatch:PutMetricData", "xray:PutTraceSegments", "xray:PutTelemetryRecords"],
      description: "Write actions that AWS only supports on Resource '*', accepted there",
    },
  },
  validate: (args, report) => {
    const allowed = new Set(args.getConfig<{ allowedActions: string[] }>().allowedActions);
    for (const { statement, where } of allowStatements(args)) {
      if (statement.notAction || !onEveryResource(statement) || limitedByCondition(statement)) continue;
      const writes = statement.actions.filter((a) => isWriteAction(a) && !allowed.has(a));
      if (writes.length > 0) {
        report(
          `${describeResource(args)} ${where} allows the write actions ${writes.join(", ")} on every resource ("*")`,
          undefined,
          { actions: writes },
        );
      }
    }
  },
});
