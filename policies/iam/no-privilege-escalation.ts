import { resourcePolicy } from "../lib/define";
import { PRIVILEGE_ESCALATION_METHODS } from "../lib/iam-actions";
import {
  allowsAction,
  describeResource,
  IAM_POLICY_TYPES,
  identityDocuments,
  listOf,
  unconstrained,
} from "./identity-policies";

/**
 * No identity policy document allows, on every resource, all the actions of a known privilege-escalation
 * method (cloudsplaining's set: `iam:PutRolePolicy`, `iam:PassRole` with `lambda:CreateFunction` and
 * `lambda:InvokeFunction`, ...). The actions may come from several statements of one document; wildcards count
 * (`iam:Put*`). A statement scoped to resources, or limited by a condition (`iam:PassedToService`, a tag),
 * does not count.
 *
 * Checkov: CKV_AWS_286 (on the resource's JSON) and CKV_AWS_110 (on policy documents, here the documents
 * rendered onto the resources that hold them).
 */
export const iamNoPrivilegeEscalation = resourcePolicy({
  name: "iam-no-privilege-escalation",
  description:
    "IAM identity policies never allow a privilege-escalation combination of actions on every resource.",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Scope the actions to the resources they are meant for (the roles passed, the functions updated), or " +
    "limit them with a condition (iam:PassedToService for iam:PassRole); never grant IAM policy writes on '*'.",
  types: IAM_POLICY_TYPES,
  checkov: ["CKV_AWS_110", "CKV_AWS_286"],
  validate: (args, report) => {
    for (const { where, allows } of identityDocuments(args)) {
      const open = allows.map((a) => a.statement).filter(unconstrained);
      if (open.length === 0) continue;
      const methods = Object.entries(PRIVILEGE_ESCALATION_METHODS).filter(([, actions]) =>
        actions.every((action) => open.some((s) => allowsAction(s, action))),
      );
      if (methods.length > 0) {
        const found = listOf(methods.map(([method, actions]) => `${method} (${actions.join(" + ")})`));
        report(
          `${describeResource(args)} ${where} allows privilege escalation on every resource ("*"): ${found}`,
        );
      }
    }
  },
});
