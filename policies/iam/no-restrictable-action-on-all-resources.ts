import { resourcePolicy } from "../lib/define";
import {
  allowStatements,
  describeResource,
  IAM_POLICY_TYPES,
  limitedByCondition,
  onEveryResource,
  restrictableActions,
} from "./identity-policies";

/**
 * No identity policy allows, on every resource, an action that AWS lets be scoped to resources: reads
 * included. Actions AWS grants on `*` only (`s3:ListAllMyBuckets`, `ec2:Describe*`, ...; policies/lib/iam-actions.ts)
 * pass, and so does a statement that a condition limits.
 *
 * Checkov: CKV_AWS_355 (on the resource's JSON) and CKV_AWS_356 (on policy documents). Checkov reads a NotAction
 * statement through cloudsplaining's expansion; here it is reported as it stands.
 */
export const iamNoRestrictableActionOnAllResources = resourcePolicy({
  name: "iam-no-restrictable-action-on-all-resources",
  description: 'IAM identity policies allow on every resource ("*") only the actions AWS cannot scope.',
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Scope Resource to the ARNs the principal uses, or limit the statement with a condition; keep '*' for " +
    "the actions AWS only grants there (add one to UNRESTRICTABLE_ACTIONS in policies/lib/iam-actions.ts with " +
    "its Service Authorization Reference entry if it is missing).",
  types: IAM_POLICY_TYPES,
  checkov: ["CKV_AWS_355", "CKV_AWS_356"],
  validate: (args, report) => {
    for (const { statement, where } of allowStatements(args)) {
      if (!onEveryResource(statement) || limitedByCondition(statement)) continue;
      if (statement.notAction) {
        report(
          `${describeResource(args)} ${where} allows every action except ${statement.actions.join(", ")} on every resource ("*")`,
        );
        continue;
      }
      const scopable = restrictableActions(statement);
      if (scopable.length > 0) {
        report(
          `${describeResource(args)} ${where} allows ${scopable.join(", ")} on every resource ("*"), though AWS lets them be scoped to resource ARNs`,
        );
      }
    }
  },
});
