import type { ResourceValidationArgs } from "@pulumi/policy";

import { resourcePolicy } from "../lib/define";

const TOPIC = "aws:sns/topic:Topic";
const QUEUE = "aws:sqs/queue:Queue";
const STREAM = "aws:kinesis/stream:Stream";
const FIREHOSE = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream";

function describe(args: ResourceValidationArgs): string {
  return `${args.type.slice(args.type.lastIndexOf(":") + 1)} ${JSON.stringify(args.name)}`;
}

/**
 * Messages and records are encrypted at rest: SNS topics and Kinesis streams with a KMS key (neither is
 * encrypted unless told), SQS queues with KMS or SQS-managed keys (AWS turns the latter on when neither is set,
 * so only an explicit `sqsManagedSseEnabled: false` without a key leaves a queue in clear), Firehose streams that
 * take records directly with server-side encryption (a stream fed by Kinesis keeps its source's encryption).
 */
export const messagingEncrypted = resourcePolicy({
  name: "messaging-encrypted",
  description: "SNS topics, SQS queues, Kinesis streams and Firehose delivery streams are encrypted at rest.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Set kmsMasterKeyId on topics and queues, encryptionType: "KMS" with a kmsKeyId on Kinesis streams, and ' +
    'serverSideEncryption: { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn } on Firehose streams.',
  types: [TOPIC, QUEUE, STREAM, FIREHOSE],
  validate: (args, report) => {
    const props = args.props as Record<string, unknown>;
    switch (args.type) {
      case TOPIC:
        if (!props.kmsMasterKeyId) {
          report(`${describe(args)} is not encrypted at rest (no kmsMasterKeyId): set a KMS key`);
        }
        return;
      case QUEUE:
        if (!props.kmsMasterKeyId && props.sqsManagedSseEnabled === false) {
          report(
            `${describe(args)} turns SQS-managed encryption off (sqsManagedSseEnabled: false) and sets no ` +
              "kmsMasterKeyId: its messages are stored in clear; set a KMS key or leave SQS-managed encryption on",
          );
        }
        return;
      case STREAM:
        if (props.encryptionType !== "KMS") {
          report(
            `${describe(args)} is not encrypted at rest (encryptionType ${JSON.stringify(props.encryptionType ?? "NONE")}): ` +
              'set encryptionType: "KMS" and a kmsKeyId',
          );
        }
        return;
      default: {
        if (props.kinesisSourceConfiguration !== undefined) {
          args.notApplicable(
            "A delivery stream fed by a Kinesis stream keeps the source stream's encryption",
          );
        }
        const sse = props.serverSideEncryption as { enabled?: unknown } | undefined;
        if (sse?.enabled !== true) {
          report(
            `${describe(args)} does not encrypt the records it buffers (serverSideEncryption.enabled is not true): ` +
              "turn on server-side encryption with a customer-managed key",
          );
        }
      }
    }
  },
});
