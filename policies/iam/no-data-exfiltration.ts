import { resourcePolicy } from "../lib/define";
import { DATA_EXFILTRATION_ACTIONS } from "../lib/iam-actions";
import { describeResource, IAM_POLICY_TYPES, listOf, unconstrainedGrantsOf } from "./identity-policies";

/**
 * No identity policy allows reading every object, parameter or secret (`s3:GetObject`, `ssm:GetParameter*`,
 * `secretsmanager:GetSecretValue` on `*`, wildcards such as `s3:Get*` included), unless a condition limits it.
 *
 * Checkov: CKV_AWS_288 (on the resource's JSON) and CKV_AWS_108 (on policy documents).
 */
export const iamNoDataExfiltration = resourcePolicy({
  name: "iam-no-data-exfiltration",
  description: "IAM identity policies never allow reading every object, parameter or secret.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Scope the reads to the buckets and prefixes, parameter paths and secrets needed (the components' grant " +
    "methods do), or limit the statement with a condition such as aws:ResourceTag.",
  types: IAM_POLICY_TYPES,
  checkov: ["CKV_AWS_108", "CKV_AWS_288"],
  validate: (args, report) => {
    for (const { where, found } of unconstrainedGrantsOf(args, DATA_EXFILTRATION_ACTIONS)) {
      report(`${describeResource(args)} ${where} allows ${listOf(found)} on every resource ("*")`);
    }
  },
});
