import { resourcePolicy } from "../lib/define";
import {
  allowStatements,
  attachedAwsManagedPolicies,
  describeResource,
  IAM_POLICY_TYPES,
} from "./identity-policies";

/**
 * No identity policy allows every IAM action (`iam:*`), on any resource: whoever holds it can grant itself
 * anything. The AWS-managed IAMFullAccess policy does exactly that.
 *
 * Checkov: CKV2_AWS_40 (an Allow of `iam:*`; its `*` half is reported by iam-no-wildcard-action) and
 * CKV2_AWS_56 (IAMFullAccess attached to a role, user, group or permission set).
 */
export const iamNoFullIamAccess = resourcePolicy({
  name: "iam-no-full-iam-access",
  description: 'IAM identity policies never allow every IAM action ("iam:*") nor attach IAMFullAccess.',
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Name the IAM actions needed (iam:PassRole on the roles passed, conditioned on iam:PassedToService) and " +
    "scope them to the platform's roles; replace IAMFullAccess with such a policy.",
  types: IAM_POLICY_TYPES,
  checkov: ["CKV2_AWS_40", "CKV2_AWS_56"],
  validate: (args, report) => {
    for (const { statement, where } of allowStatements(args)) {
      if (statement.notAction) continue; // iam-no-wildcard-action reports NotAction
      if (statement.actions.some((a) => a.toLowerCase() === "iam:*")) {
        report(`${describeResource(args)} ${where} allows every IAM action ("iam:*")`);
      }
    }
    for (const name of attachedAwsManagedPolicies(args)) {
      if (name === "IAMFullAccess") {
        report(
          `${describeResource(args)} attaches the AWS-managed policy IAMFullAccess, which allows every IAM action`,
        );
      }
    }
  },
});
