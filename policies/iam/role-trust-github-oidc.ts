import { resourcePolicy } from "../lib/define";
import { conditionValues, describeResource } from "./identity-policies";
import { ROLE, trustStatements } from "./trust-policies";

/** The GitHub Actions OIDC provider, as it appears in a Federated principal's ARN. */
const GITHUB_PROVIDER = "oidc-provider/token.actions.githubusercontent.com";
/** The subject claim's condition key (with an enterprise's issuer path, if any). */
const SUB_KEY = /^token\.actions\.githubusercontent\.com(\/[a-zA-Z0-9_-]+)?:sub$/;
/** Claims a workflow of any repository can present, so a subject that starts with one admits anyone. */
const ABUSABLE_CLAIMS = ["workflow", "environment", "ref", "context", "head_ref", "base_ref"];
/** `org/repo` (an organisation with dots, an immutable `@id`) after `repo:`. */
const REPO = /^[a-zA-Z0-9_-]+(\.[a-zA-Z0-9_-]+)*(@[0-9]+)?\/[^/]+/;

/** Why a subject pattern admits workflows it should not, or undefined when it names a repository. */
function unsafeSubject(value: string): string | undefined {
  if (value === "*") return "any subject";
  const [claim = "", first] = value.split(":");
  if (first === undefined) return "a claim without a value";
  if (first === "*") return `any ${claim}`;
  if (ABUSABLE_CLAIMS.some((c) => claim.startsWith(c))) return `a subject led by the ${claim} claim`;
  if (claim === "repo" && !REPO.test(first)) return "a repository that is not org/repo";
  return undefined;
}

/**
 * A role trusted by GitHub Actions' OIDC provider names the repositories whose workflows may assume it: a
 * condition on `token.actions.githubusercontent.com:sub` that is not `*`, not `<claim>:*`, not led by a claim
 * any repository can present (`workflow:`, `environment:`, `ref:`, ...), and whose `repo:` is `org/repo`.
 *
 * Checkov: CKV_AWS_393 (on `aws_iam_role.assume_role_policy`) and CKV_AWS_358 (on policy documents). As in
 * Checkov, the first subject value decides.
 */
export const iamRoleTrustGithubOidc = resourcePolicy({
  name: "iam-role-trust-github-oidc",
  description:
    "IAM roles trusted by GitHub Actions OIDC name the repositories that may assume them in a sub condition.",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Add a condition StringLike { "token.actions.githubusercontent.com:sub": "repo:<org>/<repo>:ref:refs/heads/main" } ' +
    "(or :environment:<name>) to the statement that trusts the GitHub OIDC provider.",
  types: [ROLE],
  checkov: ["CKV_AWS_358", "CKV_AWS_393"],
  validate: (args, report) => {
    for (const { statement, where, principals } of trustStatements(args)) {
      if (!(principals.Federated ?? []).some((p) => p.includes(GITHUB_PROVIDER))) continue;
      const subjects = conditionValues(statement)
        .filter(([key]) => SUB_KEY.test(key))
        .flatMap(([, values]) => values);
      const first = subjects[0];
      if (first === undefined) {
        report(
          `${describeResource(args)} ${where} trusts GitHub Actions OIDC without a token.actions.githubusercontent.com:sub condition`,
        );
        continue;
      }
      const why = unsafeSubject(first);
      if (why !== undefined) {
        report(
          `${describeResource(args)} ${where} trusts GitHub Actions OIDC for the subject ${JSON.stringify(first)}, which admits ${why}`,
        );
      }
    }
  },
});
