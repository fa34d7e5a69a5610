import { resourcePolicy } from "../lib/define";
import { CREDENTIALS_EXPOSURE_ACTIONS } from "../lib/iam-actions";
import { describeResource, IAM_POLICY_TYPES, listOf, unconstrainedGrantsOf } from "./identity-policies";

/**
 * No identity policy allows, on every resource, an action whose response carries credentials
 * (`sts:AssumeRole`, `iam:CreateAccessKey`, `redshift:GetClusterCredentials`, ...), unless a condition limits it.
 *
 * Checkov: CKV_AWS_287 (on the resource's JSON) and CKV_AWS_107 (on policy documents).
 */
export const iamNoCredentialsExposure = resourcePolicy({
  name: "iam-no-credentials-exposure",
  description: "IAM identity policies never allow credential-returning actions on every resource.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Scope the action to the roles, users or clusters it is meant for (sts:AssumeRole on a role ARN, " +
    "redshift:GetClusterCredentials on a dbuser ARN), or limit it with a condition.",
  types: IAM_POLICY_TYPES,
  checkov: ["CKV_AWS_107", "CKV_AWS_287"],
  validate: (args, report) => {
    for (const { where, found } of unconstrainedGrantsOf(args, CREDENTIALS_EXPOSURE_ACTIONS)) {
      report(
        `${describeResource(args)} ${where} allows the credential-returning actions ${listOf(found)} on every resource ("*")`,
      );
    }
  },
});
