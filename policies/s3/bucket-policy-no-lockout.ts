import { describeResource } from "../lib/buckets";
import { resourcePolicy } from "../lib/define";
import { describeStatement, statementsOf, type Statement } from "../lib/policy-document";
import { BUCKET_SETTING_TYPES, BUCKET_TYPES } from "../lib/types";
import { isEveryone } from "./bucket-policy-not-public";

/**
 * Bucket policies do not lock every principal out of managing the bucket policy: no unconditional Deny to
 * every principal of an action that covers s3:PutBucketPolicy (`s3:PutBucketPolicy`, `s3:*BucketPolicy`,
 * `s3:Put*`, `s3:*`, `*`) on the bucket. Such a statement leaves only the account root able to repair the
 * policy. A Deny on the bucket's objects alone (`arn:...:bucket/*`) cannot lock the policy.
 */
export const s3BucketPolicyNoLockout = resourcePolicy({
  name: "s3-bucket-policy-no-lockout",
  description: "S3 bucket policies do not deny every principal the right to change the bucket policy.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Add a condition to the Deny statement that exempts the administrators (e.g. ArnNotEquals aws:PrincipalArn " +
    "<admin role ARN>), or narrow its actions so that they do not cover s3:PutBucketPolicy.",
  types: [...BUCKET_TYPES, ...BUCKET_SETTING_TYPES.policy],
  checkov: ["CKV_AWS_93"],
  validate: (args, report) => {
    const document = args.props.policy as unknown;
    if (document === undefined) args.notApplicable("The resource carries no bucket policy");
    statementsOf(document).forEach((s, i) => {
      if (!locksOut(s)) return;
      report(
        `${describeResource(args.type, args.name)} policy ${describeStatement(s, i)} denies ${s.actions.join(", ")} to every principal without a condition, so only the account root could change the bucket policy again: exempt the administrators with a condition or narrow the actions`,
      );
    });
  },
});

function locksOut(s: Statement): boolean {
  if (s.effect !== "Deny" || s.notAction || Object.keys(s.condition).length > 0) return false;
  if (!isEveryone(s.principal)) return false;
  if (!s.actions.some((a) => matches(a, "s3:PutBucketPolicy"))) return false;
  const bucketLevel = s.resources.filter((r) => r === "*" || !r.includes("/"));
  return s.notResource ? bucketLevel.length === 0 : s.resources.length === 0 || bucketLevel.length > 0;
}

/** IAM's action matching: case-insensitive, `*` any run of characters, `?` one character. */
function matches(pattern: string, action: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${re}$`, "i").test(action);
}
