import { resourcePolicy } from "../lib/define";
import { allowStatements, describeResource, IAM_POLICY_TYPES, onEveryResource } from "./identity-policies";

/**
 * Verbs of the actions that only read (IAM's List and Read access levels). Any other action changes
 * something, and counts as a write: a guardrail should rather flag a read than pass a write.
 */
const READ_VERBS =
  /^(Get|List|Describe|Head|Search|Lookup|Query|Scan|Select|View|Read|BatchGet|Check|Estimate|Preview)/;

/** A write action: not a read, and not a whole-service or all-actions wildcard (other policies report those). */
export function isWriteAction(action: string): boolean {
  if (action === "*" || action.endsWith(":*")) return false;
  const verb = action.slice(action.indexOf(":") + 1);
  return !READ_VERBS.test(verb);
}

/** No identity policy allows a write action on every resource (`"*"` or NotResource). */
export const iamNoWriteOnAllResources = resourcePolicy({
  name: "iam-no-write-on-all-resources",
  description: 'IAM identity policies never allow write actions on every resource ("*").',
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Scope Resource to the ARNs the principal writes (e.g. arn:aws:s3:::bucket/models/*). Actions AWS only " +
    "grants on '*' can be listed in this policy's allowedActions config.",
  types: IAM_POLICY_TYPES,
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
      if (statement.notAction || !onEveryResource(statement)) continue;
      const writes = statement.actions.filter((a) => isWriteAction(a) && !allowed.has(a));
      if (writes.length > 0) {
        report(
          `${describeResource(args)} ${where} allows the write actions ${writes.join(", ")} on every resource ("*")`,
        );
      }
    }
  },
});
