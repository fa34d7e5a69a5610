import { resourcePolicy } from "../lib/define";
import {
  describe,
  hasSourceCondition,
  resourcePolicyAllows,
  RESOURCE_POLICY_TYPES,
  servicePrincipals,
} from "./documents";

/**
 * A resource-based policy that lets an AWS service act (SNS delivering to a queue, EventBridge to a topic,
 * CloudWatch Logs writing) ties the grant to the resource or account the service acts for, with
 * aws:SourceArn, aws:SourceAccount or aws:SourceOrgID: without one, any customer's resource of that service can
 * use the grant (the confused-deputy problem).
 */
export const resourcePolicyServiceSourceCondition = resourcePolicy({
  name: "resource-policy-service-source-condition",
  description:
    "Grants to AWS service principals in resource-based policies carry aws:SourceArn or aws:SourceAccount.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Add a condition naming the resource or account the service acts for, e.g. " +
    '{"ArnLike": {"aws:SourceArn": "<topic or rule ARN>"}} or {"StringEquals": {"aws:SourceAccount": "<account>"}}.',
  types: RESOURCE_POLICY_TYPES,
  validate: (args, report) => {
    for (const { statement, where } of resourcePolicyAllows(args)) {
      const services = servicePrincipals(statement);
      if (services.length > 0 && !hasSourceCondition(statement)) {
        report(
          `${describe(args)} ${where} allows the service ${services.join(", ")} with no aws:SourceArn, ` +
            "aws:SourceAccount or aws:SourceOrgID condition: any account's resources of that service could use it",
        );
      }
    }
  },
});
