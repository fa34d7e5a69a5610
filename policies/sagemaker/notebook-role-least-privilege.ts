import type { PolicyResource } from "@pulumi/policy";

import { POLICY_DOCUMENTS } from "../iam/identity-policies";
import { stackPolicy } from "../lib/define";
import { describeStatement, PolicyDocumentError, statementsOf } from "../lib/policy-document";
import { SAGEMAKER } from "../lib/sagemaker";
import { UndecidedReads } from "../lib/settings";
import { peek, UNKNOWN } from "../lib/unknown";

const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const MANAGED_POLICY = "aws:iam/policy:Policy";
const ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const POLICY_ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment";
/** The AWS-managed policy that allows every action on every resource. */
const ADMINISTRATOR_ACCESS = /^arn:aws[a-z-]*:iam::aws:policy\/AdministratorAccess$/;

/** A policy document the role holds, where it comes from (for messages), or the AWS-managed administrator policy. */
interface HeldDocument {
  readonly where: string;
  readonly document: () => unknown;
}

/**
 * A notebook's role does not allow every action (`Action: "*"`): anyone with a notebook's terminal holds its
 * role. The role is the aws.iam.Role the notebook's roleArn comes from (by dependency, or by the role name in
 * the ARN); its permissions are its inline policies, the RolePolicy resources on it, and the managed policies
 * attached to it (the stack's own aws.iam.Policy documents, and AWS's AdministratorAccess).
 *
 * Checkov's CKV2_AWS_68 reads a `policy` attribute that aws_iam_role does not have, so it passes every real
 * role; this policy reads where Pulumi programs put a role's permissions instead.
 */
export const sagemakerNotebookRoleLeastPrivilege = stackPolicy({
  name: "sagemaker-notebook-role-least-privilege",
  description: "SageMaker notebook instances run as a role that does not allow every action.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Replace the notebook role\'s Action "*" (or AdministratorAccess) with the actions the notebook needs, on the ' +
    "lake prefixes and keys it uses (DataLake.grantRead / grantReadWrite).",
  checkov: ["CKV2_AWS_68"],
  validate: (args, report) => {
    const notebooks = args.resources.filter((r) => r.type === SAGEMAKER.notebook);
    if (notebooks.length === 0) args.notApplicable("The stack declares no SageMaker notebook instances");
    const undecided = new UndecidedReads();
    for (const notebook of notebooks) {
      const role = roleOf(notebook, args.resources);
      if (role === undefined) continue; // a role the stack does not declare: nothing here to judge
      for (const { where, document } of documentsOf(role, args.resources)) {
        let statements;
        try {
          statements = undecided.read(() => statementsOf(document()));
        } catch (err) {
          if (err instanceof PolicyDocumentError) continue; // not a document: the IAM policies report it
          throw err;
        }
        if (statements === UNKNOWN) continue;
        statements.forEach((s, i) => {
          if (s.effect !== "Allow" || s.notAction || !s.actions.includes("*")) return;
          report(
            `Notebook instance ${JSON.stringify(notebook.name)} runs as role ${JSON.stringify(role.name)}, whose ${where} ${describeStatement(s, i)} allows every action ("*"): grant only the actions the notebook needs`,
            notebook.urn,
          );
        });
      }
    }
    undecided.settle();
  },
});

/** The stack's role a notebook runs as: the one its roleArn came from, or the one its ARN names. */
function roleOf(notebook: PolicyResource, resources: readonly PolicyResource[]): PolicyResource | undefined {
  const [viaDependency] = (notebook.propertyDependencies.roleArn ?? []).filter((d) => d.type === ROLE);
  if (viaDependency) return viaDependency;
  const arn = peek(() => notebook.props.roleArn as unknown);
  const name = typeof arn === "string" ? /:role\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1] : undefined;
  if (name === undefined) return undefined;
  return resources.find((r) => r.type === ROLE && peek(() => r.props.name as unknown) === name);
}

/** True when `resource` names the role in `property`: by dependency, or by the role's name. */
function names(resource: PolicyResource, property: string, role: PolicyResource): boolean {
  if ((resource.propertyDependencies[property] ?? []).some((d) => d.urn === role.urn)) return true;
  const roleName = peek(() => role.props.name as unknown);
  if (typeof roleName !== "string") return false;
  const value = peek(() => resource.props[property] as unknown);
  return Array.isArray(value) ? value.includes(roleName) : value === roleName;
}

/** Every policy document the role holds: inline, role policies on it, and the managed policies attached to it. */
function documentsOf(role: PolicyResource, resources: readonly PolicyResource[]): HeldDocument[] {
  const held: HeldDocument[] = [];
  const inline = peek(() => POLICY_DOCUMENTS[ROLE]?.(role.props) ?? []);
  if (inline === UNKNOWN) {
    // Reading them again throws CrossGuard's unknown-value error: the policy cannot decide this role.
    held.push({ where: "inlinePolicies", document: () => POLICY_DOCUMENTS[ROLE]?.(role.props) });
  } else held.push(...inline.map(({ where, document }) => ({ where, document: () => document })));
  const attached = (property: string, from: PolicyResource, what: string): void => {
    const managed = (from.propertyDependencies[property] ?? []).filter((d) => d.type === MANAGED_POLICY);
    for (const policy of managed) {
      held.push({
        where: `policy ${JSON.stringify(policy.name)}`,
        document: (): unknown => policy.props.policy,
      });
    }
    const value = peek(() => from.props[property] as unknown);
    for (const arn of Array.isArray(value) ? value : [value]) {
      if (typeof arn === "string" && ADMINISTRATOR_ACCESS.test(arn)) {
        held.push({
          where: `${what} AdministratorAccess`,
          document: () => ({ Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }),
        });
      }
    }
  };
  attached("managedPolicyArns", role, "managed policy");
  for (const r of resources) {
    if (r.type === ROLE_POLICY && names(r, "role", role)) {
      held.push({ where: `role policy ${JSON.stringify(r.name)}`, document: (): unknown => r.props.policy });
    } else if (r.type === ROLE_POLICY_ATTACHMENT && names(r, "role", role)) {
      attached("policyArn", r, "attached policy");
    } else if (r.type === POLICY_ATTACHMENT && names(r, "roles", role)) {
      attached("policyArn", r, "attached policy");
    }
  }
  return held;
}
