import { bucketsOf, describeBucket, inlineBlocks, isLogTarget } from "../lib/buckets";
import { stackPolicy } from "../lib/define";

interface ReplicationRules {
  readonly rules?: readonly { readonly status?: string }[];
}

/**
 * Data buckets replicate to another region: a BucketReplicationConfig for the bucket with an enabled rule (or
 * the legacy inline `replicationConfiguration`). A strict check for disaster recovery that templates commonly
 * waive for cost, hence advisory; buckets that only receive server access logs are not applicable unless
 * `includeLogTargets` is set.
 */
export const s3BucketReplication = stackPolicy({
  name: "s3-bucket-replication",
  description: "S3 data buckets replicate their objects to a bucket in another region.",
  severity: "low",
  enforcementLevel: "advisory",
  remediationSteps:
    'Add an aws.s3.BucketReplicationConfig for the bucket with a rule { status: "Enabled", destination: ' +
    "{ bucket: <ARN of a versioned bucket in another region> } } and a role S3 can assume to replicate.",
  checkov: ["CKV_AWS_144"],
  config: {
    includeLogTargets: {
      type: "boolean",
      default: false,
      description: "Also require replication of buckets that only receive server access logs",
    },
  },
  validate: (args, report) => {
    const { includeLogTargets } = args.getConfig<{ includeLogTargets: boolean }>();
    const buckets = bucketsOf(args.resources).filter((b) => includeLogTargets || !isLogTarget(b));
    if (buckets.length === 0) args.notApplicable("The stack declares no S3 data buckets");
    for (const bucket of buckets) {
      const configurations = [
        ...inlineBlocks<ReplicationRules>(bucket.resource, "replicationConfiguration"),
        ...bucket.settings.replication.map((r) => r.props as ReplicationRules),
      ];
      const statuses = configurations.flatMap((c) => (c.rules ?? []).map((rule) => rule.status));
      if (statuses.includes("Enabled")) continue;
      report(
        statuses.length === 0
          ? `${describeBucket(bucket)} has no replication configuration: add a BucketReplicationConfig to another region`
          : `${describeBucket(bucket)} has replication rules ${statuses.map(String).join(", ")}, none Enabled`,
        bucket.resource.urn,
      );
    }
  },
});
