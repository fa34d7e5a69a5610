import type { ResourceValidationArgs } from "@pulumi/policy";

import { listed } from "../lib/iam-actions";
import { describeStatement, statementsOf, type Statement } from "../lib/policy-document";
import { conditionValues } from "./identity-policies";

export const ROLE = "aws:iam/role:Role";

/** A statement of a role's trust policy that is not a Deny, with its principals by kind, located for messages. */
export interface TrustStatement {
  readonly statement: Statement;
  /** `assumeRolePolicy statement "Sid"`. */
  readonly where: string;
  /** Principal identifiers by kind (`AWS`, `Service`, `Federated`); `Principal: "*"` is `AWS: ["*"]`. */
  readonly principals: Readonly<Record<string, string[]>>;
}

/** The non-Deny statements of the role's `assumeRolePolicy` (a JSON string or an object); none when unset. */
export function trustStatements(args: ResourceValidationArgs): TrustStatement[] {
  const document = args.props.assumeRolePolicy as unknown;
  if (document === undefined || document === null || document === "") return [];
  return statementsOf(document).flatMap((statement, i) =>
    statement.effect === "Deny"
      ? []
      : [
          {
            statement,
            where: `assumeRolePolicy ${describeStatement(statement, i)}`,
            principals: principalsOf(statement.principal),
          },
        ],
  );
}

function principalsOf(principal: unknown): Record<string, string[]> {
  if (principal === "*") return { AWS: ["*"] };
  if (principal === null || typeof principal !== "object") return {};
  return Object.fromEntries(
    Object.entries(principal as Record<string, unknown>).map(([kind, ids]) => [
      kind,
      (Array.isArray(ids) ? ids : [ids]).map(String),
    ]),
  );
}

/** True when the statement has a condition on one of the keys (entries of a policies/lib/iam-actions.ts list). */
export function conditionedOn(s: Statement, keys: readonly string[]): boolean {
  return conditionValues(s).some(([key]) => listed(keys, key));
}
