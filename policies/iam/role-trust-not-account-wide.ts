import { resourcePolicy } from "../lib/define";
import { ACCOUNT_LIMITING_CONDITION_KEYS } from "../lib/iam-actions";
import { describeResource } from "./identity-policies";
import { conditionedOn, ROLE, trustStatements } from "./trust-policies";

/** An AWS principal that is a whole account: its id, or its root ARN. */
const WHOLE_ACCOUNT = /^(\d{12}|arn:aws[a-z-]*:iam::\d{12}:root)$/;

/**
 * No role's trust policy trusts a whole account (`123456789012` or `arn:aws:iam::123456789012:root`: every
 * principal the account's policies allow), unless a condition picks the principals (`sts:ExternalId`,
 * `aws:PrincipalArn`, `aws:PrincipalTag/...`).
 *
 * Checkov: CKV_AWS_61. Checkov accepts only `sts:ExternalId` with `sts:AssumeRole`; here the caller's ARN or
 * tags pick the principals as well, whatever the action.
 */
export const iamRoleTrustNotAccountWide = resourcePolicy({
  name: "iam-role-trust-not-account-wide",
  description:
    "IAM roles never trust a whole AWS account without a condition on which of its principals may.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Trust the role or user ARNs that assume the role, or add a condition on aws:PrincipalArn (or sts:ExternalId " +
    "for a third party).",
  types: [ROLE],
  checkov: ["CKV_AWS_61"],
  validate: (args, report) => {
    for (const { statement, where, principals } of trustStatements(args)) {
      const accounts = (principals.AWS ?? []).filter((p) => WHOLE_ACCOUNT.test(p));
      if (accounts.length === 0 || conditionedOn(statement, ACCOUNT_LIMITING_CONDITION_KEYS)) continue;
      report(`${describeResource(args)} ${where} trusts the whole account ${accounts.join(", ")}`);
    }
  },
});
