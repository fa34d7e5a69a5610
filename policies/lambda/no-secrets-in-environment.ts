import { resourcePolicy } from "../lib/define";
import { peek, UNKNOWN } from "../lib/unknown";
import { LAMBDA } from "./types";

/** Values that are credentials whatever the variable is called. */
const SECRET_VALUES: readonly { readonly what: string; readonly pattern: RegExp }[] = [
  { what: "an AWS access key id", pattern: /\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}\b/ },
  { what: "a private key", pattern: /-----BEGIN (?:[A-Z]+ )*PRIVATE KEY(?: BLOCK)?-----/ },
  { what: "a GitHub token", pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})\b/ },
  { what: "a Slack token", pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  { what: "a Stripe secret key", pattern: /\b[rs]k_live_[A-Za-z0-9]{20,}\b/ },
  { what: "a JSON web token", pattern: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/ },
];

/** A variable whose name says it holds a secret (AWS_SECRET_ACCESS_KEY, DB_PASSWORD, API_TOKEN, ...). */
const SECRET_NAME =
  /(?:PASSWORD|PASSWD|PWD|SECRET|SECRET_KEY|SECRET_ACCESS_KEY|TOKEN|API_?KEY|PRIVATE_?KEY)$/i;

/**
 * A value that names a secret rather than holding it: an ARN (Secrets Manager, SSM), a path, a placeholder,
 * or a value the runner masks because it comes from a Pulumi secret.
 */
function isReference(value: string): boolean {
  return /^arn:/.test(value) || value.startsWith("/") || value === "[secret]" || /^\$\{.*\}$/.test(value);
}

/**
 * No credentials are written into a function's environment variables: they are readable by anyone who may
 * read the function's configuration (lambda:GetFunction), and kept in the program's source and state. Read them
 * at run time from Secrets Manager or SSM Parameter Store instead.
 */
export const lambdaNoSecretsInEnvironment = resourcePolicy({
  name: "lambda-no-secrets-in-environment",
  description: "Lambda functions hold no hard-coded credentials in their environment variables.",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Remove the credential from environment.variables, rotate it, and read it at run time from Secrets Manager or " +
    "SSM Parameter Store (pass the secret's ARN or name in the variable instead, and grant the role to read it).",
  types: [LAMBDA.function],
  checkov: ["CKV_AWS_45"],
  validate: (args, report) => {
    const variables = peek(() => (args.props.environment as { variables?: unknown } | undefined)?.variables);
    if (variables === UNKNOWN || variables === null || typeof variables !== "object") return;
    for (const name of Object.keys(variables)) {
      const value = peek(() => (variables as Record<string, unknown>)[name]);
      if (typeof value !== "string" || value === "" || isReference(value)) continue;
      const found = SECRET_VALUES.find((s) => s.pattern.test(value));
      const what =
        found?.what ??
        (SECRET_NAME.test(name) && value.length >= 8 ? "a credential (by its name)" : undefined);
      if (what === undefined) continue;
      // The message names the variable and never its value.
      report(
        `Function ${JSON.stringify(args.name)} has ${what} in environment.variables.${name}: anyone who can read the function's configuration can read it; read it from Secrets Manager or SSM Parameter Store at run time`,
      );
    }
  },
});
