import { resourcePolicy } from "../lib/define";
import {
  allowStatements,
  attachedAwsManagedPolicies,
  describeResource,
  IAM_POLICY_TYPES,
  onEveryResource,
} from "./identity-policies";

/**
 * No identity policy allows a whole service (`s3:*`) on every resource (`"*"` or NotResource). AWS-managed
 * `*FullAccess` policies do exactly that and fail too.
 */
export const iamNoServiceWildcardOnAllResources = resourcePolicy({
  name: "iam-no-service-wildcard-on-all-resources",
  description: 'IAM identity policies never allow a whole service ("service:*") on every resource.',
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Name the actions needed and scope Resource to the ARNs used (a bucket and a prefix, a key), or use the " +
    "component's grant methods; replace AWS-managed *FullAccess policies with scoped ones.",
  types: IAM_POLICY_TYPES,
  validate: (args, report) => {
    for (const { statement, where } of allowStatements(args)) {
      if (statement.notAction || !onEveryResource(statement)) continue;
      const services = statement.actions.filter((a) => /^[a-z0-9-]+:\*$/.test(a));
      if (services.length > 0) {
        report(`${describeResource(args)} ${where} allows ${services.join(", ")} on every resource ("*")`);
      }
    }
    for (const name of attachedAwsManagedPolicies(args)) {
      if (name.endsWith("FullAccess")) {
        report(
          `${describeResource(args)} attaches the AWS-managed policy ${name}, which allows a whole service on every resource`,
        );
      }
    }
  },
});
