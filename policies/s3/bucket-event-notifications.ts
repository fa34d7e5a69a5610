import type { PolicyResource } from "@pulumi/policy";

import { bucketsOf, describeBucket, isLogTarget } from "../lib/buckets";
import { stackPolicy } from "../lib/define";

const DESTINATIONS = ["lambdaFunctions", "queues", "topics"] as const;

/**
 * Data buckets send event notifications (to EventBridge, Lambda, SQS or SNS), so that pipelines and audits
 * can react to new objects: a BucketNotification for the bucket with at least one destination. Checkov's
 * CKV2_AWS_62 accepts any BucketNotification; one with no destination sends nothing and fails here. Commonly
 * waived by templates whose buckets nothing listens to, hence advisory; log target buckets are not applicable
 * unless `includeLogTargets` is set.
 */
export const s3BucketEventNotifications = stackPolicy({
  name: "s3-bucket-event-notifications",
  description: "S3 data buckets send event notifications to EventBridge, Lambda, SQS or SNS.",
  severity: "low",
  enforcementLevel: "advisory",
  remediationSteps:
    "Add an aws.s3.BucketNotification for the bucket with eventbridge: true (or lambdaFunctions, queues or " +
    "topics).",
  checkov: ["CKV2_AWS_62"],
  config: {
    includeLogTargets: {
      type: "boolean",
      default: false,
      description: "Also require event notifications on buckets that only receive server access logs",
    },
  },
  validate: (args, report) => {
    const { includeLogTargets } = args.getConfig<{ includeLogTargets: boolean }>();
    const buckets = bucketsOf(args.resources).filter((b) => includeLogTargets || !isLogTarget(b));
    if (buckets.length === 0) args.notApplicable("The stack declares no S3 data buckets");
    for (const bucket of buckets) {
      const notifications = bucket.settings.notification;
      if (notifications.some(hasDestination)) continue;
      report(
        notifications.length === 0
          ? `${describeBucket(bucket)} has no BucketNotification: send its events to EventBridge (eventbridge: true) or a Lambda function, queue or topic`
          : `${describeBucket(bucket)} has a BucketNotification without destinations: set eventbridge: true or add lambdaFunctions, queues or topics`,
        bucket.resource.urn,
      );
    }
  },
});

function hasDestination(notification: PolicyResource): boolean {
  if (notification.props.eventbridge === true) return true;
  return DESTINATIONS.some((d) => ((notification.props[d] ?? []) as unknown[]).length > 0);
}
