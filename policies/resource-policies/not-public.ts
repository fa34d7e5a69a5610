import { resourcePolicy } from "../lib/define";
import {
  describe,
  grantsToEveryone,
  isNarrowed,
  resourcePolicyAllows,
  RESOURCE_POLICY_TYPES,
} from "./documents";

/**
 * No resource-based policy (SQS, SNS, ECR, Secrets Manager, EFS, OpenSearch, Glue, EventBridge, CloudWatch
 * Logs, Backup, Kinesis) allows everyone (`Principal: "*"` or `{"AWS": "*"}`) unless a condition limits the
 * statement to known principals or sources: the account or organisation, a VPC or endpoint, a source ARN (and,
 * for EFS, clients that come through the file system's mount targets, inside its VPC).
 */
export const resourcePolicyNotPublic = resourcePolicy({
  name: "resource-policy-not-public",
  description:
    'Resource-based policies never allow everyone (Principal "*") without a condition that limits who.',
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Name the principals (account, role or service ARNs) instead of "*", or add a condition that limits the ' +
    "statement: aws:PrincipalOrgID, aws:PrincipalAccount, aws:SourceVpce, aws:SourceArn or aws:SourceAccount.",
  types: RESOURCE_POLICY_TYPES,
  validate: (args, report) => {
    for (const { statement, where } of resourcePolicyAllows(args)) {
      if (grantsToEveryone(statement) && !isNarrowed(statement)) {
        const actions = statement.notAction
          ? `every action but ${statement.actions.join(", ")}`
          : statement.actions.join(", ");
        report(
          `${describe(args)} ${where} allows everyone (Principal "*") ${actions} with no condition that limits ` +
            "who: name the principals, or add aws:PrincipalOrgID, aws:PrincipalAccount, aws:SourceVpce or aws:SourceArn",
        );
      }
    }
  },
});
