import * as path from "node:path";

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import type { DataLake } from "../data-lake";
import {
  EC2_DESCRIBE_NETWORK,
  KMS_ENCRYPT,
  LAMBDA_VPC_INTERFACES,
  LOGS_DELIVER,
  SQS_SEND,
  XRAY_WRITE,
} from "../iam/actions";
import { serviceRole } from "../iam/roles";
import { ValidationError } from "../validation";
import {
  resolveInferenceFunctionSettings,
  validateInferenceFunctionSettings,
  type InferenceFunctionSettings,
  type ResolvedInferenceFunctionSettings,
} from "./args";

export * from "./args";

/** The folder zipped as the function's code: the handler and nothing else (its tests live beside it). */
export const HANDLER_DIR = path.join(__dirname, "handler");
/** The handler's entry point, `<module>.<function>`. */
export const HANDLER = "lambda_function.handler";

export interface InferenceFunctionArgs extends InferenceFunctionSettings {
  /** The lake the model is read from; the function may read `models/` and nothing else of it. */
  lake: DataLake;
  /** Private subnets and security groups to run in. @default - outside any VPC (Lambda's own network) */
  vpc?: { subnetIds: pulumi.Input<string>[]; securityGroupIds: pulumi.Input<string>[] };
  /** A key CloudWatch Logs may use to encrypt the function's log group. @default - CloudWatch Logs' own encryption */
  logsKmsKeyArn?: pulumi.Input<string>;
  /** Tags for every taggable resource. @default {} */
  tags?: Record<string, string>;
}

/**
 * A Python inference function (seed §4): the handler in ./handler, zipped from its folder, loads a JSON model
 * from the lake once per container and answers predictions as JSON. Within Lambda's limits (§4.3), with
 * reserved concurrency, a KMS-encrypted dead-letter queue for failed asynchronous invocations, environment
 * variables encrypted with the lake's key, active X-Ray tracing, and an optional function URL that only accepts
 * IAM-signed requests. Its role reads `models/` only.
 */
export class InferenceFunction extends pulumi.ComponentResource {
  readonly function: aws.lambda.Function;
  readonly functionName: pulumi.Output<string>;
  readonly functionArn: pulumi.Output<string>;
  readonly role: aws.iam.Role;
  readonly deadLetterQueueUrl: pulumi.Output<string>;
  /** The function URL, when `functionUrl` is on. */
  readonly url?: pulumi.Output<string>;
  readonly settings: ResolvedInferenceFunctionSettings;

  constructor(name: string, args: InferenceFunctionArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const settings = resolveInferenceFunctionSettings(args);
    const issues = validateInferenceFunctionSettings(settings);
    if (issues.length > 0) throw new ValidationError(`InferenceFunction ${name}`, issues);
    super("mlplat:lambda-inference:InferenceFunction", name, {}, opts);
    this.settings = settings;
    const tags = { ...(args.tags ?? {}) };
    const parent = { parent: this };
    const region = aws.getRegionOutput({}, parent).region;
    const account = aws.getCallerIdentityOutput({}, parent).accountId;
    const partition = aws.getPartitionOutput({}, parent).partition;

    this.role = serviceRole(
      `${name}-role`,
      {
        service: "lambda.amazonaws.com",
        description: "Runs the inference function: reads models/ of the lake, writes its logs and traces",
        tags,
      },
      this,
    );
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      {
        name: `/mlplat/lambda/${name}`,
        retentionInDays: settings.logRetentionDays,
        ...(args.logsKmsKeyArn !== undefined ? { kmsKeyId: args.logsKmsKeyArn } : {}),
        tags,
      },
      parent,
    );
    const deadLetters = new aws.sqs.Queue(
      `${name}-dlq`,
      {
        kmsMasterKeyId: args.lake.kmsKeyArn,
        kmsDataKeyReusePeriodSeconds: 300,
        messageRetentionSeconds: 14 * 24 * 3600,
        tags,
      },
      parent,
    );

    const statements: pulumi.Input<Record<string, unknown>>[] = [
      {
        Sid: "WriteLogs",
        Effect: "Allow",
        Action: LOGS_DELIVER,
        Resource: pulumi.interpolate`${logGroup.arn}:log-stream:*`,
      },
      { Sid: "WriteTraces", Effect: "Allow", Action: XRAY_WRITE, Resource: "*" },
      { Sid: "SendFailedEvents", Effect: "Allow", Action: SQS_SEND, Resource: deadLetters.arn },
      // The queue and the environment variables are encrypted with the lake's key; sending needs a data key
      // from it, and reading the variables at start-up needs kms:Decrypt.
      { Sid: "EncryptDeadLetters", Effect: "Allow", Action: KMS_ENCRYPT, Resource: args.lake.kmsKeyArn },
    ];
    if (args.vpc !== undefined) {
      const ec2Arn = (kind: string, id: pulumi.Input<string>) =>
        pulumi.interpolate`arn:${partition}:ec2:${region}:${account}:${kind}/${id}`;
      statements.push(
        { Sid: "DescribeNetwork", Effect: "Allow", Action: EC2_DESCRIBE_NETWORK, Resource: "*" },
        {
          Sid: "AttachToPlatformSubnets",
          Effect: "Allow",
          Action: LAMBDA_VPC_INTERFACES,
          Resource: [
            ec2Arn("network-interface", "*"),
            ...args.vpc.subnetIds.map((id) => ec2Arn("subnet", id)),
            ...args.vpc.securityGroupIds.map((id) => ec2Arn("security-group", id)),
          ],
        },
      );
    }
    const grants = [
      args.lake.grantRead(`${name}-models`, this.role, "models"),
      new aws.iam.RolePolicy(
        `${name}-runtime`,
        {
          role: this.role.name,
          policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements }),
        },
        parent,
      ),
    ];

    this.function = new aws.lambda.Function(
      name,
      {
        description: `Predicts with the model at ${settings.modelKey} of the lake`,
        role: this.role.arn,
        runtime: settings.runtime,
        handler: HANDLER,
        code: new pulumi.asset.FileArchive(HANDLER_DIR),
        memorySize: settings.memoryMb,
        timeout: settings.timeoutSeconds,
        ephemeralStorage: { size: settings.ephemeralStorageMb },
        reservedConcurrentExecutions: settings.reservedConcurrency,
        tracingConfig: { mode: "Active" },
        deadLetterConfig: { targetArn: deadLetters.arn },
        environment: {
          variables: { MODEL_BUCKET: args.lake.bucketName, MODEL_KEY: settings.modelKey },
        },
        kmsKeyArn: args.lake.kmsKeyArn,
        loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
        ...(args.vpc !== undefined
          ? { vpcConfig: { subnetIds: args.vpc.subnetIds, securityGroupIds: args.vpc.securityGroupIds } }
          : {}),
        tags,
      },
      { ...parent, dependsOn: grants },
    );
    if (settings.functionUrl) {
      const url = new aws.lambda.FunctionUrl(
        `${name}-url`,
        { functionName: this.function.name, authorizationType: "AWS_IAM" },
        parent,
      );
      this.url = url.functionUrl;
    }
    this.functionName = this.function.name;
    this.functionArn = this.function.arn;
    this.deadLetterQueueUrl = deadLetters.url;
    this.registerOutputs({
      functionName: this.functionName,
      functionArn: this.functionArn,
      deadLetterQueueUrl: this.deadLetterQueueUrl,
      ...(this.url ? { url: this.url } : {}),
    });
  }
}
