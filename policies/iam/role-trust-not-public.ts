import { resourcePolicy } from "../lib/define";
import { PRINCIPAL_LIMITING_CONDITION_KEYS } from "../lib/iam-actions";
import { describeResource } from "./identity-policies";
import { conditionedOn, ROLE, trustStatements } from "./trust-policies";

/**
 * No role's trust policy lets any AWS principal (`Principal: "*"` or `{ AWS: "*" }`) assume it, unless a
 * condition names whose principals may (`aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:PrincipalArn`,
 * `aws:SourceArn`, ...).
 *
 * Checkov: CKV_AWS_60 (on `aws_iam_role.assume_role_policy`) and CKV_AWS_283 (a policy document allowing the
 * `*` AWS principal without a condition, here on the trust documents rendered onto roles). Where they differ:
 * CKV_AWS_60 fails `*` whatever the condition, CKV_AWS_283 passes any condition; here a condition passes only if
 * it limits the principals. `Principal: "*"`, which Checkov's CKV_AWS_60 does not read, fails too.
 */
export const iamRoleTrustNotPublic = resourcePolicy({
  name: "iam-role-trust-not-public",
  description:
    "IAM roles never trust every AWS principal without a condition on whose principals may assume them.",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Name the principals that assume the role (a service, a role ARN), or add a condition on " +
    "aws:PrincipalOrgID, aws:PrincipalAccount or aws:PrincipalArn.",
  types: [ROLE],
  checkov: ["CKV_AWS_60", "CKV_AWS_283"],
  validate: (args, report) => {
    for (const { statement, where, principals } of trustStatements(args)) {
      if (!(principals.AWS ?? []).includes("*")) continue;
      if (conditionedOn(statement, PRINCIPAL_LIMITING_CONDITION_KEYS)) continue;
      report(`${describeResource(args)} ${where} lets any AWS principal ("*") assume the role`);
    }
  },
});
