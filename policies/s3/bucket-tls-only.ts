import type { PolicyResource } from "@pulumi/policy";

import { bucketsOf, describeBucket } from "../lib/buckets";
import { stackPolicy } from "../lib/define";
import { statementsOf, type Statement } from "../lib/policy-document";

/**
 * Every bucket's policy denies requests made without TLS: a Deny statement for every principal, on all S3
 * actions, on the bucket and its objects, under `Bool aws:SecureTransport false`. The policy lives in a
 * separate BucketPolicy (or legacy inline `policy`); a bucket without one fails.
 */
export const s3BucketTlsOnly = stackPolicy({
  name: "s3-bucket-tls-only",
  description: "S3 bucket policies deny every request that is not made over TLS.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Add an aws.s3.BucketPolicy with a statement { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: ' +
    '[bucketArn, `${bucketArn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } }.',
  // CKV_AWS_379 asks for this policy only on buckets whose ACL is public and unblocked; this asks it of all.
  checkov: ["CKV_AWS_379"],
  validate: (args, report) => {
    const buckets = bucketsOf(args.resources);
    if (buckets.length === 0) args.notApplicable("The stack declares no S3 buckets");
    for (const bucket of buckets) {
      const documents = [
        ...(bucket.resource.props.policy === undefined ? [] : [bucket.resource.props.policy as unknown]),
        ...bucket.settings.policy.map((p: PolicyResource) => p.props.policy as unknown),
      ];
      if (documents.length === 0) {
        report(
          `${describeBucket(bucket)} has no bucket policy: add one that denies requests without TLS`,
          bucket.resource.urn,
        );
        continue;
      }
      if (!documents.some((d) => statementsOf(d).some(deniesInsecureTransport))) {
        report(
          `${describeBucket(bucket)} has a bucket policy without a statement denying s3:* on the bucket and its objects when aws:SecureTransport is false`,
          bucket.resource.urn,
        );
      }
    }
  },
});

function deniesInsecureTransport(s: Statement): boolean {
  if (s.effect !== "Deny" || s.notAction || s.notResource) return false;
  if (!isEveryone(s.principal)) return false;
  if (!s.actions.some((a) => a === "*" || a === "s3:*")) return false;
  const coversObjects = s.resources.some((r) => r === "*" || r.endsWith("/*"));
  const coversBucket = s.resources.some((r) => r === "*" || (r.startsWith("arn:") && !r.includes("/")));
  if (!coversObjects || !coversBucket) return false;
  const secure = s.condition.Bool?.["aws:SecureTransport"];
  return (
    secure === false || secure === "false" || (Array.isArray(secure) && secure.map(String).includes("false"))
  );
}

function isEveryone(principal: unknown): boolean {
  if (principal === "*") return true;
  const aws = (principal as { AWS?: unknown } | undefined)?.AWS;
  return aws === "*" || (Array.isArray(aws) && aws.includes("*"));
}
