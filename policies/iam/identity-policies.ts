import type { ResourceValidationArgs } from "@pulumi/policy";

import {
  iamGlobMatches,
  listed,
  NON_LIMITING_CONDITION_KEYS,
  UNRESTRICTABLE_ACTIONS,
} from "../lib/iam-actions";
import { describeStatement, statementsOf, type Statement } from "../lib/policy-document";

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
  "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive": "policyArns",
  "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive": "policyArns",
  "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive": "policyArns",
  "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment": "managedPolicyArn",
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

/** One identity policy document of a resource and its Allow statements. */
export interface IdentityDocument {
  /** `policy`, `inlinePolicies[s3]`. */
  readonly where: string;
  readonly allows: AllowStatement[];
}

export function identityDocuments(args: ResourceValidationArgs): IdentityDocument[] {
  const documentsOf = POLICY_DOCUMENTS[args.type];
  if (!documentsOf) return [];
  return documentsOf(args.props).map(({ where, document }) => ({
    where,
    allows: statementsOf(document).flatMap((statement, i) =>
      statement.effect === "Allow"
        ? [{ statement, where: `${where} ${describeStatement(statement, i)}` }]
        : [],
    ),
  }));
}

export function allowStatements(args: ResourceValidationArgs): AllowStatement[] {
  return identityDocuments(args).flatMap((d) => d.allows);
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

/** True when a condition of the statement narrows what it reaches or for whom (a key that is not only transport, MFA, time or network origin). */
export function limitedByCondition(s: Statement): boolean {
  return conditionValues(s).some(([key]) => !listed(NON_LIMITING_CONDITION_KEYS, key));
}

/** The condition keys of a statement with the values they test, across operators. */
export function conditionValues(s: Statement): [key: string, values: string[]][] {
  const operators: unknown[] = Object.values(s.condition);
  return operators.flatMap((keys) =>
    keys !== null && typeof keys === "object"
      ? Object.entries(keys).map(([key, values]): [string, string[]] => [
          key,
          (Array.isArray(values) ? (values as unknown[]) : [values]).map(String),
        ])
      : [],
  );
}

/** The action patterns of a statement that AWS lets be scoped to resources (all but the `*`-only actions). */
export function restrictableActions(s: Statement): string[] {
  return s.actions.filter((a) => !listed(UNRESTRICTABLE_ACTIONS, a));
}

/**
 * True for an Allow statement "without resource constraints", as cloudsplaining (and so Checkov) reads it: on
 * every resource, with at least one action that could have been scoped, and no condition that limits it.
 * Checkov takes any condition as a limit; here transport, MFA, time and network conditions do not count.
 */
export function unconstrained(s: Statement): boolean {
  return onEveryResource(s) && (s.notAction || restrictableActions(s).length > 0) && !limitedByCondition(s);
}

/** True when the statement's actions (or, with NotAction, every action but them) include `action`. */
export function allowsAction(s: Statement, action: string): boolean {
  const named = s.actions.some((pattern) => iamGlobMatches(pattern, action));
  return s.notAction ? !named : named;
}

/** `a, b, c`, or the first five and how many more, for messages about wildcards that match long lists. */
export function listOf(items: readonly string[]): string {
  const shown = items.slice(0, 5).join(", ");
  return items.length > 5 ? `${shown} and ${items.length - 5} more` : shown;
}

/**
 * For each Allow statement on every resource that no condition limits, the listed actions it allows (wildcards
 * included), located for messages: what the policies about dangerous actions on `*` report.
 */
export function unconstrainedGrantsOf(
  args: ResourceValidationArgs,
  actions: readonly string[],
): { where: string; found: string[] }[] {
  return allowStatements(args).flatMap(({ statement, where }) => {
    if (!unconstrained(statement)) return [];
    const found = actions.filter((a) => allowsAction(statement, a));
    return found.length > 0 ? [{ where, found }] : [];
  });
}
