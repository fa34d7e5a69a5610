import { resourcePolicy } from "../lib/define";
import { peek, requireKnown, UNKNOWN } from "../lib/unknown";
import { block, describeReplica, describeTable, DYNAMODB_TABLE, replicasOf } from "./types";

/** AWS's own keys, named by alias (`alias/aws/dynamodb`), in an ARN or on their own. */
const AWS_KEY = /(^|:)alias\/aws\//;

/**
 * DynamoDB tables are encrypted at rest with a customer-managed KMS key (seed §8.3), replicas of global tables
 * too. DynamoDB always encrypts, but by default with an AWS-owned key (no `serverSideEncryption`, or `enabled:
 * false`), or with the AWS-managed `aws/dynamodb` key (`enabled: true` without `kmsKeyArn`): with either,
 * nobody in the account decides who may decrypt (no key policy of ours), disabling the key cannot lock the data
 * away, and the key's use by principals is not auditable per key. A key ARN that is unknown during preview comes
 * from a resource of the stack, so it is a customer-managed key; an unknown `enabled` makes the policy "not run".
 */
export const dynamodbKms = resourcePolicy({
  name: "dynamodb-kms",
  description: "DynamoDB tables encrypt their data at rest with a customer-managed KMS key.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set serverSideEncryption: { enabled: true, kmsKeyArn } on the aws.dynamodb.Table with a customer-managed " +
    "aws.kms.Key (and kmsKeyArn on each replica, a key in the replica's region); the FeatureStore component " +
    "creates a rotating key of its own.",
  types: [DYNAMODB_TABLE],
  validate: (args, report) => {
    const table = describeTable(args.name);
    const sse = block(requireKnown((): unknown => args.props.serverSideEncryption));
    if (requireKnown(() => sse?.enabled) !== true) {
      report(
        `${table} is encrypted with an AWS-owned key (serverSideEncryption not enabled): set serverSideEncryption.enabled to true and kmsKeyArn to a customer-managed KMS key`,
      );
      return;
    }
    const problem = keyProblem(peek(() => sse?.kmsKeyArn));
    if (problem !== undefined) {
      report(
        `${table} is encrypted with ${problem}: set serverSideEncryption.kmsKeyArn to a customer-managed KMS key`,
      );
    }
    replicasOf(args.props).forEach((replica, i) => {
      const replicaProblem = keyProblem(peek(() => replica.kmsKeyArn));
      if (replicaProblem !== undefined) {
        report(
          `${table} has a ${describeReplica(replica, i)} encrypted with ${replicaProblem}: set kmsKeyArn on the replica to a customer-managed KMS key in its region`,
        );
      }
    });
  },
});

/** Why a key reference is not a customer-managed key, or undefined when it is one (or unknown until deploy). */
function keyProblem(key: unknown): string | undefined {
  if (key === UNKNOWN) return undefined;
  if (key === undefined || key === null || key === "")
    return "the AWS-managed key aws/dynamodb (no kmsKeyArn)";
  if (typeof key === "string" && AWS_KEY.test(key)) return `AWS's own key ${JSON.stringify(key)}`;
  return undefined;
}
