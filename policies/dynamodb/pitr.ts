import { resourcePolicy } from "../lib/define";
import { requireKnown } from "../lib/unknown";
import { block, describeReplica, describeTable, DYNAMODB_TABLE, replicasOf } from "./types";

/**
 * DynamoDB tables keep continuous backups (point-in-time recovery), so that a bad write, a buggy pipeline or a
 * deleted item can be undone by restoring the table to any second of the recovery period; so do the replicas of
 * a global table, each in its region. A setting that is unknown during preview makes the policy "not run".
 */
export const dynamodbPitr = resourcePolicy({
  name: "dynamodb-pitr",
  description: "DynamoDB tables, and the replicas of global tables, have point-in-time recovery enabled.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set pointInTimeRecovery: { enabled: true } on the aws.dynamodb.Table (and pointInTimeRecovery: true on " +
    "each replica); the FeatureStore component does unless mlplat:featureStore.pointInTimeRecovery is false.",
  types: [DYNAMODB_TABLE],
  validate: (args, report) => {
    const table = describeTable(args.name);
    const pitr = block(requireKnown((): unknown => args.props.pointInTimeRecovery));
    if (requireKnown(() => pitr?.enabled) !== true) {
      report(
        `${table} has no point-in-time recovery: set pointInTimeRecovery.enabled to true, so that it can be restored to any second of its recovery period`,
      );
    }
    replicasOf(args.props).forEach((replica, i) => {
      if (requireKnown(() => replica.pointInTimeRecovery) !== true) {
        report(
          `${table} has a ${describeReplica(replica, i)} without point-in-time recovery: set pointInTimeRecovery to true on the replica`,
        );
      }
    });
  },
});
