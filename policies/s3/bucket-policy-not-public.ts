import { describeResource } from "../lib/buckets";
import { resourcePolicy } from "../lib/define";
import { describeStatement, statementsOf, type Statement } from "../lib/policy-document";
import { BUCKET_SETTING_TYPES, BUCKET_TYPES } from "../lib/types";

/** Condition keys that confine a request to an account, an organization, a network or a named caller. */
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
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:userid",
  ].map((k) => k.toLowerCase()),
);

/**
 * Operators under which such a key narrows. The negated ones (ArnNotEquals, StringNotLike ...) and the
 * `...IfExists` ones admit every request that lacks the key or matches something else, so they do not narrow
 * (Checkov's CKV_AWS_70 counts ArnNotEquals and ArnNotLike as narrowing; a deny-list of callers still lets
 * everyone else in).
 */
const NARROWING_OPERATOR =
  /^(ForAnyValue:)?(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike)$/;

/**
 * Bucket policies allow nothing to every principal (`Principal: "*"` or `{ AWS: "*" }`) unless a condition
 * confines the request to an account, organization, VPC, VPC endpoint or named principal. The document may be
 * on a BucketPolicy (@pulumi/aws 7) or inline on the bucket (`policy`), as JSON text or an object.
 */
export const s3BucketPolicyNotPublic = resourcePolicy({
  name: "s3-bucket-policy-not-public",
  description:
    "S3 bucket policies allow nothing to any principal without a condition that confines who can call.",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Name the principals (account, role or service ARNs) in the Allow statement, or add a condition that " +
    "confines it, e.g. StringEquals aws:PrincipalOrgID, aws:PrincipalAccount or aws:SourceVpce.",
  types: [...BUCKET_TYPES, ...BUCKET_SETTING_TYPES.policy],
  checkov: ["CKV_AWS_70"],
  validate: (args, report) => {
    const document = args.props.policy as unknown;
    if (document === undefined) args.notApplicable("The resource carries no bucket policy");
    statementsOf(document).forEach((s, i) => {
      if (s.effect !== "Allow" || !isEveryone(s.principal) || isNarrowed(s)) return;
      const actions = `${s.notAction ? "every action but " : ""}${s.actions.join(", ")}`;
      report(
        `${describeResource(args.type, args.name)} policy ${describeStatement(s, i)} allows ${actions} to any principal ("*") without a condition that confines it to an account, organization, VPC or endpoint: name the principals or add such a condition`,
      );
    });
  },
});

/** True for `"*"` and `{ AWS: "*" }` (or a list holding `"*"`): every principal, anonymous ones included. */
export function isEveryone(principal: unknown): boolean {
  if (principal === "*") return true;
  const aws = (principal as { AWS?: unknown } | undefined)?.AWS;
  return aws === "*" || (Array.isArray(aws) && aws.includes("*"));
}

function isNarrowed(s: Statement): boolean {
  return Object.entries(s.condition).some(
    ([operator, entries]) =>
      NARROWING_OPERATOR.test(operator) &&
      Object.entries(entries).some(
        ([key, value]) => NARROWING_KEYS.has(key.toLowerCase()) && isSpecific(value),
      ),
  );
}

/** A condition value that names something: not empty and not the bare wildcard. */
function isSpecific(value: unknown): boolean {
  const values = Array.isArray(value) ? (value as unknown[]) : [value];
  return values.length > 0 && values.every((v) => typeof v === "string" && v !== "" && v !== "*");
}
