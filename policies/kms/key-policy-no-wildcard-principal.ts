import { resourcePolicy } from "../lib/define";
import { describeStatement, PolicyDocumentError, statementsOf } from "../lib/policy-document";
import { KMS_KEY } from "../lib/types";

export const KMS_KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy";

/** True for `"*"`, `{ AWS: "*" }` and `{ AWS: ["...", "*"] }`: every principal of every account. */
function isWildcard(principal: unknown): boolean {
  if (principal === "*") return true;
  if (principal === null || typeof principal !== "object") return false;
  const aws = (principal as { AWS?: unknown }).AWS;
  return aws === "*" || (Array.isArray(aws) && aws.includes("*"));
}

/**
 * A key's policy never allows every principal (`*`) without a condition: that lets any AWS account use or
 * administer the key, and so read everything encrypted with it. The policy is checked on the key (policy) and
 * on a separate aws.kms.KeyPolicy. A condition (e.g. kms:CallerAccount, aws:PrincipalOrgID) limits the
 * statement and passes, as in Checkov.
 */
export const kmsKeyPolicyNoWildcardPrincipal = resourcePolicy({
  name: "kms-key-policy-no-wildcard-principal",
  description: "KMS key policies allow no wildcard (*) principal without a condition.",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Name the principals in the key policy's Allow statements (the account root, roles, a service principal with " +
    "aws:SourceArn), or add a Condition that limits a * principal (kms:CallerAccount, aws:PrincipalOrgID).",
  types: [KMS_KEY, KMS_KEY_POLICY],
  checkov: ["CKV_AWS_33"],
  validate: (args, report) => {
    // Read plainly: during preview an unknown policy cannot be judged, and CrossGuard says so.
    const document = args.props.policy as unknown;
    if (document === undefined || document === "") {
      args.notApplicable("The key has the default key policy (the account administers it)");
    }
    const what = `${args.type === KMS_KEY ? "KMS key" : "KMS key policy"} ${JSON.stringify(args.name)}`;
    let statements;
    try {
      statements = statementsOf(document);
    } catch (err) {
      if (!(err instanceof PolicyDocumentError)) throw err;
      report(`${what} has a policy that cannot be read (${err.message}): it cannot be checked`);
      return;
    }
    statements.forEach((s, i) => {
      if (s.effect !== "Allow" || !isWildcard(s.principal) || Object.keys(s.condition).length > 0) return;
      report(
        `${what} policy ${describeStatement(s, i)} allows principal "*" without a condition: any AWS account can use the key; name the principals or add a condition`,
      );
    });
  },
});
