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
