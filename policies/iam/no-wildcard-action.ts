import { resourcePolicy } from "../lib/define";
import {
  allowStatements,
  attachedAwsManagedPolicies,
  describeResource,
  IAM_POLICY_TYPES,
} from "./identity-policies";

/** AWS-managed policies that allow every action (or every action but a few, with NotAction). */
const ALL_ACTIONS_MANAGED = new Set(["AdministratorAccess", "PowerUserAccess"]);

/**
 * No identity policy allows every action: `"*"`, `"*:*"`, or an Allow with NotAction (every action but a
 * few). Checked on every resource that carries or attaches an identity policy.
 *
 * Checkov: CKV_AWS_63 / CKV_AWS_49 (an Allow with Action "*", on the resource's JSON or a policy document),
 * CKV_AWS_62 / CKV_AWS_1 (Action "*" on Resource "*": a case of the former), CKV_AWS_274 (the
 * AdministratorAccess managed policy attached), and the `*` half of CKV2_AWS_40 (iam-no-full-iam-access
 * reports `iam:*`). Stricter than Checkov: NotAction, `*:*` and PowerUserAccess fail too, and Action "*" fails
 * whatever the Resource, since no resource list makes every action safe.
 */
export const iamNoWildcardAction = resourcePolicy({
  name: "iam-no-wildcard-action",
  description: 'IAM identity policies never allow every action ("*" or Allow with NotAction).',
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Name the actions the principal needs (keep shared lists in components/iam/actions.ts) instead of '*', " +
    "and attach narrower policies than AdministratorAccess or PowerUserAccess.",
  types: IAM_POLICY_TYPES,
  checkov: ["CKV_AWS_1", "CKV_AWS_49", "CKV_AWS_62", "CKV_AWS_63", "CKV_AWS_274", "CKV2_AWS_40"],
  validate: (args, report) => {
    for (const { statement, where } of allowStatements(args)) {
      if (statement.notAction) {
        report(
          `${describeResource(args)} ${where} allows every action except ${statement.actions.join(", ")} (NotAction)`,
        );
      } else if (statement.actions.some((a) => a === "*" || a === "*:*")) {
        report(`${describeResource(args)} ${where} allows every action ("*")`);
      }
    }
    for (const name of attachedAwsManagedPolicies(args)) {
      if (ALL_ACTIONS_MANAGED.has(name)) {
        report(
          `${describeResource(args)} attaches the AWS-managed policy ${name}, which allows every action`,
        );
      }
    }
  },
});
