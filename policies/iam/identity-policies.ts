import type { ResourceValidationArgs } from "@pulumi/policy";

import { statementsOf, type Statement } from "../lib/policy-document";

/** How to find the identity policy documents a resource type carries. */
type DocumentsOf = (props: Record<string, unknown>) => { where: string; document: unknown }[];

const ownPolicy =
  (property: string): DocumentsOf =>
  (props) =>
    props[property] === undefined ? [] : [{ where: property, document: props[property] }];

/**
 * Every @pulumi/aws resource that carries an identity policy document, and where. Resource-based policies
 * (bucket, key, queue policies) are not identity policies: their `Resource: "*"` means the resource itself.
 */
export const POLICY_DOCUMENTS: Readonly<Record<string, DocumentsOf>> = {
  "aws:iam/policy:Policy": ownPolicy("policy"),
  "aws:iam/rolePolicy:RolePolicy": ownPolicy("policy"),
  "aws:iam/userPolicy:UserPolicy": ownPolicy("policy"),
  "aws:iam/groupPolicy:GroupPolicy": ownPolicy("policy"),
  "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy": ownPolicy("inlinePolicy"),
  "aws:iam/role:Role": (props) =>
    ((props.inlinePolicies ?? []) as { name?: string; policy?: unknown }[])
      .filter((p) => p.policy !== undefined)
      .map((p, i) => ({ where: `inlinePolicies[${p.name ?? i}]`, document: p.policy })),
};

/** Resources that attach managed policies by ARN, and the property that holds the ARN(s). */
export const POLICY_ATTACHMENTS: Readonly<Record<string, string>> = {
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "policyArn",
  "aws:iam/userPolicyAttachment:UserPolicyAttachment": "policyArn",
  "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": "policyArn",
  "aws:iam/policyAttachment:PolicyAttachment": "policyArn",
  "aws:iam/role:Role": "managedPolicyArns",
};

export const IAM_POLICY_TYPES = [
  ...new Set([...Object.keys(POLICY_DOCUMENTS), ...Object.keys(POLICY_ATTACHMENTS)]),
];

/** An Allow statement of one of the resource's documents, located for messages. */
export interface AllowStatement {
  readonly statement: Statement;
  /** `policy statement "Sid"`, `inlinePolicies[s3] statement 2`. */
  readonly where: string;
}

export function allowStatements(args: ResourceValidationArgs): AllowStatement[] {
  const documentsOf = POLICY_DOCUMENTS[args.type];
  if (!documentsOf) return [];
  return documentsOf(args.props).flatMap(({ where, document }) =>
    statementsOf(document).flatMap((statement, i) =>
      statement.effect === "Allow"
        ? [
            {
              statement,
              where: `${where} ${statement.sid === undefined ? `statement ${i + 1}` : `statement ${JSON.stringify(statement.sid)}`}`,
            },
          ]
        : [],
    ),
  );
}

/** ARNs of AWS-managed policies the resource attaches (`arn:aws:iam::aws:policy/...`), by policy name. */
export function attachedAwsManagedPolicies(args: ResourceValidationArgs): string[] {
  const property = POLICY_ATTACHMENTS[args.type];
  if (property === undefined) return [];
  const value = args.props[property] as unknown;
  const arns = (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(String);
  return arns.flatMap((arn) => {
    const match = /^arn:aws[a-z-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn);
    return match?.[1] === undefined ? [] : [match[1]];
  });
}

/** `aws:iam/rolePolicy:RolePolicy "name"` → `RolePolicy "name"`, for messages. */
export function describeResource(args: ResourceValidationArgs): string {
  return `${args.type.slice(args.type.lastIndexOf(":") + 1)} ${JSON.stringify(args.name)}`;
}

/** True for a resource list that covers every resource. */
export function onEveryResource(s: Statement): boolean {
  return s.notResource || s.resources.includes("*");
}
