import * as pulumi from "@pulumi/pulumi";

import { KMS_FOR_CLOUDWATCH_LOGS } from "../iam/actions";

/** Where a key lives and which log groups CloudWatch Logs may encrypt with it. */
export interface LogsKeyPolicyArgs {
  /** The key's region: CloudWatch Logs is a regional service principal, `logs.<region>.amazonaws.com`. */
  readonly region: pulumi.Input<string>;
  /** The account that owns the key and the log groups. */
  readonly account: pulumi.Input<string>;
  /** The AWS partition, e.g. `aws`. */
  readonly partition: pulumi.Input<string>;
  /**
   * The log-group names CloudWatch Logs may encrypt with the key, as an ARN pattern after `log-group:`,
   * e.g. `/aws-glue/*` or `*` for every log group of the account.
   */
  readonly logGroupPattern: pulumi.Input<string>;
  /** The Sid of the CloudWatch Logs statement, e.g. `CloudWatchLogsEncryptsGlueLogGroups`. */
  readonly sid: string;
}

/**
 * The policy of a key that CloudWatch Logs may use: the account administers the key (its principals then use it
 * through IAM policies and grants), and CloudWatch Logs may use it only for this account's log groups matching
 * the pattern. CloudWatch Logs encrypts with a customer-managed key only when the key policy lets it.
 */
export function logsKeyPolicy(args: LogsKeyPolicyArgs): pulumi.Output<string> {
  const { region, account, partition } = args;
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountAdministersKey",
        Effect: "Allow",
        Principal: { AWS: pulumi.interpolate`arn:${partition}:iam::${account}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: args.sid,
        Effect: "Allow",
        Principal: { Service: pulumi.interpolate`logs.${region}.amazonaws.com` },
        Action: KMS_FOR_CLOUDWATCH_LOGS,
        Resource: "*",
        Condition: {
          ArnLike: {
            "kms:EncryptionContext:aws:logs:arn": pulumi.interpolate`arn:${partition}:logs:${region}:${account}:log-group:${args.logGroupPattern}`,
          },
        },
      },
    ],
  });
}
