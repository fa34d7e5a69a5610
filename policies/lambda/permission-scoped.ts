import { resourcePolicy } from "../lib/define";
import { peek, UNKNOWN } from "../lib/unknown";
import { LAMBDA } from "./types";

const set = (v: unknown) => v === UNKNOWN || (typeof v === "string" && v !== "");

/**
 * A function's resource policy (aws.lambda.Permission) names who may invoke it: never everyone (`*`), and an
 * AWS service only on behalf of one source (sourceArn) or one account (sourceAccount), so that another
 * account's bucket, topic or rule cannot invoke it (the confused deputy). A `*` principal limited to the
 * organization (principalOrgId) is not public, so it passes, although Checkov fails every `*`.
 */
export const lambdaPermissionScoped = resourcePolicy({
  name: "lambda-permission-scoped",
  description:
    "Lambda permissions name their principal (never *) and limit AWS service principals to a source ARN or account.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set principal to the account, role or service that invokes the function; for a service principal set sourceArn " +
    "to the bucket, topic or rule that invokes it (or sourceAccount to the platform's account).",
  types: [LAMBDA.permission],
  checkov: ["CKV_AWS_301", "CKV_AWS_364"],
  validate: (args, report) => {
    // Read plainly: during preview an unknown principal cannot be judged, and CrossGuard says so.
    const principal = args.props.principal as unknown;
    const name = JSON.stringify(args.name);
    if (principal === "*") {
      if (set(peek(() => args.props.principalOrgId as unknown))) return;
      report(
        `Lambda permission ${name} has principal "*": anyone can invoke the function; name the account, role or service that invokes it`,
      );
      return;
    }
    if (typeof principal === "string" && /\.amazonaws\.com(\.cn)?$/.test(principal)) {
      const arn = peek(() => args.props.sourceArn as unknown);
      const account = peek(() => args.props.sourceAccount as unknown);
      if (set(arn) || set(account)) return;
      report(
        `Lambda permission ${name} lets the service ${principal} invoke the function without sourceArn or sourceAccount: any account's resources of that service can invoke it; set sourceArn (or sourceAccount)`,
      );
    }
  },
});
