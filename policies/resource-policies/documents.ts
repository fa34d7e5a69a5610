import type { ResourceValidationArgs } from "@pulumi/policy";

import { statementsOf, type Statement } from "../lib/policy-document";

/**
 * Resource-based policies: who may act on a resource, held by the resource or by a policy resource beside it.
 * S3 bucket policies, KMS key policies and Lambda permissions have policies of their own (s3, kms, lambda); these
 * are the other kinds teams declare.
 */
export const RESOURCE_POLICY_DOCUMENTS: Readonly<Record<string, string>> = {
  "aws:sqs/queue:Queue": "policy",
  "aws:sqs/queuePolicy:QueuePolicy": "policy",
  "aws:sns/topic:Topic": "policy",
  "aws:sns/topicPolicy:TopicPolicy": "policy",
  "aws:ecr/repositoryPolicy:RepositoryPolicy": "policy",
  "aws:ecr/registryPolicy:RegistryPolicy": "policy",
  "aws:secretsmanager/secret:Secret": "policy",
  "aws:secretsmanager/secretPolicy:SecretPolicy": "policy",
  "aws:efs/fileSystemPolicy:FileSystemPolicy": "policy",
  "aws:opensearch/domain:Domain": "accessPolicies",
  "aws:opensearch/domainPolicy:DomainPolicy": "accessPolicies",
  "aws:glue/resourcePolicy:ResourcePolicy": "policy",
  "aws:cloudwatch/eventBusPolicy:EventBusPolicy": "policy",
  "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": "policyDocument",
  "aws:backup/vaultPolicy:VaultPolicy": "policy",
  "aws:kinesis/resourcePolicy:ResourcePolicy": "policy",
};

export const RESOURCE_POLICY_TYPES = Object.keys(RESOURCE_POLICY_DOCUMENTS);

/**
 * Condition keys that limit a statement to known principals or sources (the account, the organisation, a VPC or
 * endpoint, a source resource): a statement to `*` with one of them is not public.
 */
const NARROWING_KEYS = new Set(
  [
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:SourceOwner",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:SourceIp",
    "aws:userid",
    "aws:username",
    "kms:CallerAccount",
    "kms:ViaService",
  ].map((k) => k.toLowerCase()),
);

/** Condition keys that tie a service principal to the resource or account it acts for (confused deputy). */
const SOURCE_KEYS = new Set(
  ["aws:SourceArn", "aws:SourceAccount", "aws:SourceOrgID", "aws:SourceOrgPaths", "aws:SourceOwner"].map(
    (k) => k.toLowerCase(),
  ),
);

/** Operators that allow what they name (not the negated ones, which allow everything else). */
const NEGATED = /^(?:ForAllValues:|ForAnyValue:)?(?:StringNot|ArnNot|NotIpAddress)/i;

function conditionKeys(statement: Statement): string[] {
  return Object.entries(statement.condition).flatMap(([operator, entries]) =>
    NEGATED.test(operator) || operator.toLowerCase() === "null"
      ? []
      : Object.keys((entries as Record<string, unknown> | null) ?? {}),
  );
}

/** Whether a statement's conditions limit it to known principals or sources. */
export function isNarrowed(statement: Statement): boolean {
  return (
    conditionKeys(statement).some((k) => NARROWING_KEYS.has(k.toLowerCase())) || viaMountTarget(statement)
  );
}

/** EFS: clients that reach the file system through its mount targets, i.e. from inside its VPC. */
function viaMountTarget(statement: Statement): boolean {
  const bool = Object.entries(statement.condition).find(
    ([operator]) => operator.toLowerCase() === "bool",
  )?.[1];
  const value = Object.entries(bool ?? {}).find(
    ([key]) => key.toLowerCase() === "elasticfilesystem:accessedviamounttarget",
  )?.[1];
  return value === true || value === "true";
}

/** Whether a statement's conditions tie it to a source resource, account or organisation. */
export function hasSourceCondition(statement: Statement): boolean {
  return conditionKeys(statement).some((k) => SOURCE_KEYS.has(k.toLowerCase()));
}

function values(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** Whether a statement's principal is everyone: `"*"`, `{"AWS": "*"}` (or a list holding it). */
export function grantsToEveryone(statement: Statement): boolean {
  const principal = statement.principal;
  if (principal === "*") return true;
  if (principal === null || typeof principal !== "object") return false;
  return values((principal as Record<string, unknown>).AWS).includes("*");
}

/** The AWS service principals a statement names (`sns.amazonaws.com`, ...). */
export function servicePrincipals(statement: Statement): string[] {
  const principal = statement.principal;
  if (principal === null || typeof principal !== "object") return [];
  return values((principal as Record<string, unknown>).Service);
}

/** The Allow statements of the resource's resource-based policy, with `statement "Sid"` or `statement 2`. */
export function resourcePolicyAllows(
  args: ResourceValidationArgs,
): { statement: Statement; where: string }[] {
  const property = RESOURCE_POLICY_DOCUMENTS[args.type];
  const document = property === undefined ? undefined : (args.props[property] as unknown);
  if (document === undefined || document === null || document === "") return [];
  return statementsOf(document).flatMap((statement, i) =>
    statement.effect === "Allow"
      ? [
          {
            statement,
            where: `${property ?? "policy"} ${statement.sid === undefined ? `statement ${i + 1}` : `statement ${JSON.stringify(statement.sid)}`}`,
          },
        ]
      : [],
  );
}

/** `aws:sqs/queuePolicy:QueuePolicy "name"` -> `QueuePolicy "name"`, for messages. */
export function describe(args: ResourceValidationArgs): string {
  return `${args.type.slice(args.type.lastIndexOf(":") + 1)} ${JSON.stringify(args.name)}`;
}
