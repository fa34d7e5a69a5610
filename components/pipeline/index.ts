import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import { keepOptions, type DataLake } from "../data-lake";
import {
  KMS_GRANT_FOR_AWS_RESOURCE,
  KMS_PUBLISH_TO_ENCRYPTED_TOPIC,
  LOGS_VENDED_DELIVERY,
  PIPELINE_ENDPOINT,
  PIPELINE_GLUE_RUN,
  PIPELINE_GLUE_RUN_SYNC,
  PIPELINE_LIST_ENDPOINTS,
  PIPELINE_LIST_TAGS,
  PIPELINE_MODEL_VERSION,
  PIPELINE_PASS_ROLE,
  PIPELINE_RECORD_FAILURE,
  PIPELINE_RECORD_FAILURE_KEY,
  PIPELINE_SYNC_TRAINING_RULE,
  PIPELINE_TRAINING,
  PIPELINE_TRAINING_SYNC,
  SNS_PUBLISH,
  XRAY_SAMPLING,
  XRAY_WRITE,
} from "../iam/actions";
import { serviceRole } from "../iam/roles";
import { logsKeyPolicy } from "../kms/logs-key";
import type { ServingPlatform, TrainingPlatform } from "../sagemaker";
import { ValidationError } from "../validation";
import {
  resolvePipelineSettings,
  validateNamePrefix,
  validatePipelineSettings,
  type PipelineSettings,
  type ResolvedPipelineSettings,
} from "./args";
import { FAILURE_PREFIX, pipelineDefinition } from "./definition";

export * from "./args";
export * from "./definition";

export interface MlPipelineArgs extends PipelineSettings {
  /** The lake: the training template's data and models live there, and failure records go to its logs zone. */
  lake: DataLake;
  /** The Glue ETL job the pipeline starts with (its ARN, built from the name, scopes the role). */
  glueJobName: pulumi.Input<string>;
  /** The training template (spot, checkpoints, keys, VPC) and the role passed to training jobs. */
  training: TrainingPlatform;
  /** The endpoint template (image, instances, key, VPC) and the role passed to models. */
  serving: ServingPlatform;
  /**
   * The endpoint the pipeline creates on its first run and updates afterwards. Not one the stack declares (a
   * ModelEndpoint): Pulumi would put that one back on its own config.
   */
  endpointName: pulumi.Input<string>;
  /** Tags for every taggable resource, and for the jobs, models and endpoints the pipeline creates. @default {} */
  tags?: Record<string, string>;
}

/**
 * The ML pipeline on Step Functions (issue 8): a STANDARD state machine built from the typed definition in
 * ./definition (Glue ETL -> spot training with checkpoints -> model -> endpoint config -> endpoint), logging
 * ALL events with execution data to a KMS-encrypted log group, traced with X-Ray, and a role that may do
 * exactly what the definition calls, on the resources it calls them on. Failures are recorded under
 * `artifacts/logs/pipeline/` in the lake and published to a KMS-encrypted SNS topic.
 */
export class MlPipeline extends pulumi.ComponentResource {
  readonly stateMachineArn: pulumi.Output<string>;
  readonly stateMachineName: pulumi.Output<string>;
  /** The topic failures are published to; subscribe more endpoints to it as needed. */
  readonly topicArn: pulumi.Output<string>;
  readonly logGroupName: pulumi.Output<string>;
  readonly roleArn: pulumi.Output<string>;
  readonly settings: ResolvedPipelineSettings;

  constructor(name: string, args: MlPipelineArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const settings = resolvePipelineSettings(args);
    const issues = [...validatePipelineSettings(settings), ...validateNamePrefix("name", name)];
    if (issues.length > 0) throw new ValidationError(`MlPipeline ${name}`, issues);
    super("mlplat:pipeline:MlPipeline", name, {}, opts);
    this.settings = settings;

    const tags = { ...(args.tags ?? {}) };
    const parent = { parent: this };
    const region = aws.getRegionOutput({}, parent).region;
    const account = aws.getCallerIdentityOutput({}, parent).accountId;
    const partition = aws.getPartitionOutput({}, parent).partition;
    const lake = args.lake;

    // One key for the execution logs and the notifications; CloudWatch Logs may use it for this account's
    // log groups only, and the role for publishing.
    const key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `Encrypts the ${name} pipeline's execution logs and failure notifications`,
        enableKeyRotation: true,
        policy: logsKeyPolicy({
          region,
          account,
          partition,
          logGroupPattern: "*",
          sid: "CloudWatchLogsEncryptsThisAccountsGroups",
        }),
        tags,
      },
      { ...parent, ...keepOptions(lake.settings.deletionPolicy) },
    );

    const topic = new aws.sns.Topic(`${name}-failures`, { kmsMasterKeyId: key.arn, tags }, parent);
    for (const email of settings.notificationEmails) {
      new aws.sns.TopicSubscription(
        `${name}-failures-${email.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`,
        { topic: topic.arn, protocol: "email", endpoint: email },
        parent,
      );
    }

    // Vended-logs groups go under /aws/vendedlogs/, which keeps CloudWatch Logs' resource policy short.
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      {
        name: `/aws/vendedlogs/states/${name}`,
        kmsKeyId: key.arn,
        retentionInDays: settings.logRetentionDays,
        tags,
      },
      parent,
    );

    const role = serviceRole(
      `${name}-role`,
      { service: "states.amazonaws.com", description: `Runs the ${name} ML pipeline`, tags },
      this,
    );

    const arn = (service: string, resource: pulumi.Input<string>) =>
      pulumi.interpolate`arn:${partition}:${service}:${region}:${account}:${resource}`;
    // SageMaker lowercases names in its ARNs, and IAM compares ARNs case-sensitively.
    const sageMakerArn = (kind: string, resourceName: pulumi.Input<string>) =>
      arn(
        "sagemaker",
        pulumi.output(resourceName).apply((n) => `${kind}/${n.toLowerCase()}`),
      );
    const sync = settings.integration === "sync";
    const endpointName = pulumi.output(args.endpointName);
    const statements: pulumi.Input<Record<string, unknown>>[] = [
      {
        Sid: "RunEtlJob",
        Effect: "Allow",
        Action: [...PIPELINE_GLUE_RUN, ...(sync ? PIPELINE_GLUE_RUN_SYNC : [])],
        Resource: arn("glue", pulumi.interpolate`job/${args.glueJobName}`),
      },
      {
        Sid: "TrainRunJobs",
        Effect: "Allow",
        Action: [...PIPELINE_TRAINING, ...(sync ? PIPELINE_TRAINING_SYNC : [])],
        Resource: sageMakerArn("training-job", `${name}-*`),
      },
      {
        // The SageMaker integration reads the tags of what the pipeline creates: its jobs, models and endpoint.
        Sid: "ReadSageMakerTags",
        Effect: "Allow",
        Action: PIPELINE_LIST_TAGS,
        Resource: [
          sageMakerArn("training-job", `${name}-*`),
          sageMakerArn("model", `${name}-*`),
          sageMakerArn("endpoint-config", `${name}-*`),
          sageMakerArn("endpoint", endpointName),
        ],
      },
      {
        Sid: "CreateRunModelVersions",
        Effect: "Allow",
        Action: PIPELINE_MODEL_VERSION,
        Resource: [sageMakerArn("model", `${name}-*`), sageMakerArn("endpoint-config", `${name}-*`)],
      },
      {
        Sid: "CreateOrUpdateEndpoint",
        Effect: "Allow",
        Action: PIPELINE_ENDPOINT,
        Resource: [sageMakerArn("endpoint", endpointName), sageMakerArn("endpoint-config", `${name}-*`)],
      },
      {
        // ListEndpoints has no resource-level permissions; it tells a first run from an update.
        Sid: "FindEndpoint",
        Effect: "Allow",
        Action: PIPELINE_LIST_ENDPOINTS,
        Resource: "*",
      },
      {
        Sid: "PassPlatformRolesToSageMaker",
        Effect: "Allow",
        Action: PIPELINE_PASS_ROLE,
        Resource: [args.training.roleArn, args.serving.role.arn],
        Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } },
      },
      {
        Sid: "EncryptVolumesWithLakeKey",
        Effect: "Allow",
        Action: KMS_GRANT_FOR_AWS_RESOURCE,
        Resource: lake.kmsKeyArn,
        Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
      },
      {
        Sid: "RecordFailures",
        Effect: "Allow",
        Action: PIPELINE_RECORD_FAILURE,
        Resource: pulumi.interpolate`${lake.bucketArn}/${FAILURE_PREFIX}*`,
      },
      {
        Sid: "EncryptFailureRecords",
        Effect: "Allow",
        Action: PIPELINE_RECORD_FAILURE_KEY,
        Resource: lake.kmsKeyArn,
      },
      { Sid: "NotifyFailures", Effect: "Allow", Action: SNS_PUBLISH, Resource: topic.arn },
      {
        Sid: "EncryptNotifications",
        Effect: "Allow",
        Action: KMS_PUBLISH_TO_ENCRYPTED_TOPIC,
        Resource: key.arn,
      },
      // X-Ray has no resource-level permissions.
      { Sid: "Trace", Effect: "Allow", Action: [...XRAY_WRITE, ...XRAY_SAMPLING], Resource: "*" },
    ];
    if (sync) {
      // `.sync` follows training jobs through an EventBridge rule that Step Functions manages.
      statements.push({
        Sid: "FollowTrainingJobs",
        Effect: "Allow",
        Action: PIPELINE_SYNC_TRAINING_RULE,
        Resource: arn("events", "rule/StepFunctionsGetEventsForSageMakerTrainingJobsRule"),
      });
    }
    const permissions = new aws.iam.RolePolicy(
      `${name}-permissions`,
      { role: role.name, policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements }) },
      parent,
    );
    // CloudWatch Logs' log-delivery API has no resource-level permissions: this policy holds only that, so a
    // policy exception can name it alone.
    const logDelivery = new aws.iam.RolePolicy(
      `${name}-log-delivery`,
      {
        role: role.name,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            { Sid: "DeliverExecutionLogs", Effect: "Allow", Action: LOGS_VENDED_DELIVERY, Resource: "*" },
          ],
        }),
      },
      parent,
    );

    const definition = pulumi
      .all([
        args.training.template,
        args.serving.template,
        endpointName,
        pulumi.output(args.glueJobName),
        lake.bucketName,
        topic.arn,
        partition,
      ])
      .apply(([training, serving, endpoint, glueJobName, bucket, topicArn, p]) =>
        JSON.stringify(
          pipelineDefinition({
            namePrefix: name,
            partition: p,
            glueJobName,
            training,
            serving,
            endpointName: endpoint,
            lakeBucket: bucket,
            topicArn,
            tags,
            settings,
          }),
        ),
      );

    const machine = new aws.sfn.StateMachine(
      `${name}-state-machine`,
      {
        type: "STANDARD",
        roleArn: role.arn,
        definition,
        loggingConfiguration: {
          level: "ALL",
          includeExecutionData: true,
          logDestination: pulumi.interpolate`${logGroup.arn}:*`,
        },
        tracingConfiguration: { enabled: true },
        tags,
      },
      // Creating the machine checks that its role may deliver logs; executions need the rest.
      { ...parent, dependsOn: [permissions, logDelivery] },
    );

    this.stateMachineArn = machine.arn;
    this.stateMachineName = machine.name;
    this.topicArn = topic.arn;
    this.logGroupName = logGroup.name;
    this.roleArn = role.arn;
    this.registerOutputs({
      stateMachineArn: this.stateMachineArn,
      stateMachineName: this.stateMachineName,
      topicArn: this.topicArn,
      logGroupName: this.logGroupName,
      roleArn: this.roleArn,
    });
  }
}
