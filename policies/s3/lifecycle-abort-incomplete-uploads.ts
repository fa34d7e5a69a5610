import { describeResource } from "../lib/buckets";
import { resourcePolicy } from "../lib/define";
import { BUCKET_SETTING_TYPES, BUCKET_TYPES } from "../lib/types";

interface ConfigurationRule {
  readonly id?: string;
  readonly status?: string;
  readonly prefix?: string;
  readonly filter?: Record<string, unknown>;
  readonly abortIncompleteMultipartUpload?: { readonly daysAfterInitiation?: number };
}

interface InlineRule {
  readonly id?: string;
  readonly enabled?: boolean;
  readonly prefix?: string;
  readonly tags?: Record<string, string>;
  readonly abortIncompleteMultipartUploadDays?: number;
}

/**
 * Lifecycle configurations abort incomplete multipart uploads for the whole bucket: an enabled rule with
 * `abortIncompleteMultipartUpload` and no filter (or an empty one). The parts of an upload that never completes
 * are stored and billed until they are aborted, and are invisible in object listings; a rule filtered by prefix,
 * tag or size leaves the rest of the bucket uncovered. Reads BucketLifecycleConfiguration (@pulumi/aws 7) and
 * the legacy inline `lifecycleRules` of a bucket; a bucket without inline rules is not applicable (a bucket
 * without any lifecycle configuration is s3-bucket-lifecycle-rules' concern).
 */
export const s3LifecycleAbortIncompleteUploads = resourcePolicy({
  name: "s3-lifecycle-abort-incomplete-uploads",
  description: "S3 lifecycle configurations abort incomplete multipart uploads across the whole bucket.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Add a rule { id: "AbortIncompleteMultipartUploads", status: "Enabled", filter: {}, ' +
    "abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } } to the aws.s3.BucketLifecycleConfiguration.",
  types: [...BUCKET_TYPES, ...BUCKET_SETTING_TYPES.lifecycle],
  checkov: ["CKV_AWS_300"],
  validate: (args, report) => {
    const what = describeResource(args.type, args.name);
    if (BUCKET_TYPES.has(args.type)) {
      const rules = (args.props.lifecycleRules ?? []) as InlineRule[];
      if (rules.length === 0) args.notApplicable("The bucket has no inline lifecycle rules");
      const covered = rules.some(
        (r) =>
          r.enabled === true &&
          r.abortIncompleteMultipartUploadDays !== undefined &&
          !r.prefix &&
          Object.keys(r.tags ?? {}).length === 0,
      );
      if (!covered) {
        report(
          `${what} has no enabled lifecycle rule without prefix or tags that sets abortIncompleteMultipartUploadDays: add one (e.g. 7 days)`,
        );
      }
      return;
    }
    const rules = (args.props.rules ?? []) as ConfigurationRule[];
    const aborting = rules.filter((r) => r.abortIncompleteMultipartUpload !== undefined);
    if (aborting.some((r) => r.status === "Enabled" && isWholeBucket(r))) return;
    const partial = aborting.map((r, i) =>
      r.status !== "Enabled"
        ? `rule ${JSON.stringify(r.id ?? `rules[${i}]`)} is ${String(r.status)}`
        : `rule ${JSON.stringify(r.id ?? `rules[${i}]`)} only covers its filter`,
    );
    report(
      `${what} has no enabled rule that aborts incomplete multipart uploads for the whole bucket${partial.length > 0 ? ` (${partial.join("; ")})` : ""}: add a rule with status "Enabled", an empty filter and abortIncompleteMultipartUpload { daysAfterInitiation: 7 }`,
    );
  },
});

/** A rule without a filter, with an empty filter, or filtered on the empty prefix, covers every object. */
function isWholeBucket(rule: ConfigurationRule): boolean {
  if (rule.prefix) return false;
  return Object.entries(rule.filter ?? {}).every(
    ([key, value]) => value === undefined || value === null || (key === "prefix" && value === ""),
  );
}
