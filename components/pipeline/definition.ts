/**
 * The ML pipeline's Amazon States Language definition, built as typed data (no Pulumi, no SDK): Glue ETL ->
 * SageMaker training (spot and checkpoints from the training template) -> model -> endpoint config -> the
 * endpoint created or updated and waited for. Every task retries with exponential backoff and catches into
 * one failure path: a JSON record in the lake, an SNS notification, then a Fail state.
 *
 * The same builder serves real AWS (`integration: "sync"`) and the emulator (`"poll"`); see
 * {@link IntegrationMode}.
 */
import { VARIANT_NAME } from "../sagemaker/endpoint-constants";
import type { EndpointTemplate } from "../sagemaker/serving";
import { createTrainingJobRequest, type TrainingJobTemplate } from "../sagemaker/training-job";
import { ValidationError, type ValidationIssue } from "../validation";
import { validateNamePrefix, type ResolvedPipelineSettings } from "./args";

// ------------------------------------------------------------------------------------------------- types

/** A JSON value, as state machine definitions hold them. */
export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };

/** A payload template: a key ending in `.$` takes a JSONPath (`$.names.run`) or an intrinsic function. */
export type Payload = { readonly [key: string]: Json };

export interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds: number;
  readonly MaxAttempts: number;
  readonly BackoffRate: number;
  readonly MaxDelaySeconds: number;
  readonly JitterStrategy: "FULL" | "NONE";
}

export interface Catcher {
  readonly ErrorEquals: readonly string[];
  /** Where the error (`{Error, Cause}`) goes in the state's input, kept for the failure record. */
  readonly ResultPath: string;
  readonly Next: string;
}

export interface TaskState {
  readonly Type: "Task";
  readonly Comment?: string;
  readonly Resource: string;
  readonly Parameters: Payload;
  readonly ResultSelector?: Payload;
  /** `null` discards the task's result. */
  readonly ResultPath: string | null;
  readonly TimeoutSeconds?: number;
  readonly Retry?: readonly Retrier[];
  readonly Catch?: readonly Catcher[];
  readonly Next: string;
}

export interface PassState {
  readonly Type: "Pass";
  readonly Comment?: string;
  readonly Parameters: Payload;
  readonly ResultPath?: string;
  readonly Next: string;
}

export interface WaitState {
  readonly Type: "Wait";
  readonly Seconds: number;
  readonly Next: string;
}

/** A Choice condition: a comparison of one variable, or And/Or of conditions. */
export type Condition =
  | { readonly Variable: string; readonly StringEquals: string }
  | { readonly Variable: string; readonly StringEqualsPath: string }
  | { readonly Variable: string; readonly BooleanEquals: boolean }
  | { readonly And: readonly Condition[] }
  | { readonly Or: readonly Condition[] };

export interface ChoiceState {
  readonly Type: "Choice";
  readonly Comment?: string;
  readonly Choices: readonly (Condition & { readonly Next: string })[];
  readonly Default: string;
}

export interface SucceedState {
  readonly Type: "Succeed";
}

export interface FailState {
  readonly Type: "Fail";
  readonly Error: string;
  readonly CausePath: string;
}

export type State = TaskState | PassState | WaitState | ChoiceState | SucceedState | FailState;

export interface StateMachineDefinition {
  readonly Comment: string;
  readonly StartAt: string;
  readonly States: Readonly<Record<string, State>>;
}

// ------------------------------------------------------------------------------------------------ inputs

/** What one execution may set; everything else comes from the stack. */
export interface PipelineInput {
  /** Over the training template's defaults, e.g. `{"epochs": "20"}`. @default {} */
  readonly hyperparameters?: Readonly<Record<string, string>>;
  /** Arguments of the Glue job run, e.g. `{"--source_prefix": "raw/2024/01/01/"}`. @default {} */
  readonly etlArguments?: Readonly<Record<string, string>>;
}

export interface PipelineDefinitionArgs {
  /** Prefix of the runs' training jobs, models and endpoint configs: `<namePrefix>-<execution name>`. */
  readonly namePrefix: string;
  /** The AWS partition of the service-integration ARNs. @default "aws" */
  readonly partition?: string;
  /** The Glue ETL job the pipeline starts with. */
  readonly glueJobName: string;
  /** The stack's training template: image, instances, spot, checkpoints, channels, keys, VPC. */
  readonly training: TrainingJobTemplate;
  /** The stack's endpoint template: serving role, image, instances, key, VPC. */
  readonly serving: EndpointTemplate;
  /** The endpoint the pipeline creates, or updates when it exists. */
  readonly endpointName: string;
  /** The lake's bucket, which receives the failure records under {@link FAILURE_PREFIX}. */
  readonly lakeBucket: string;
  /** The SNS topic failures are published to. */
  readonly topicArn: string;
  /** Tags of every training job, model, endpoint config and endpoint the pipeline creates. @default {} */
  readonly tags?: Readonly<Record<string, string>>;
  readonly settings: ResolvedPipelineSettings;
}

/** Where failure records go in the lake: the logs zone, one folder per service (as `artifacts/logs/bedrock/`). */
export const FAILURE_PREFIX = "artifacts/logs/pipeline/";

/** The states, by role; tests and the execution summary refer to them by these names. */
export const STATES = {
  configure: "Configure",
  nameRun: "NameRun",
  runEtl: "RunEtl",
  waitForEtl: "WaitForEtl",
  checkEtl: "CheckEtl",
  etlFinished: "EtlFinished",
  etlFailed: "EtlFailed",
  train: "Train",
  waitForTraining: "WaitForTraining",
  checkTraining: "CheckTraining",
  trainingFinished: "TrainingFinished",
  trainingFailed: "TrainingFailed",
  createModel: "CreateModel",
  createEndpointConfig: "CreateEndpointConfig",
  findEndpoint: "FindEndpoint",
  endpointExists: "EndpointExists",
  updateEndpoint: "UpdateEndpoint",
  createEndpoint: "CreateEndpoint",
  waitForEndpoint: "WaitForEndpoint",
  checkEndpoint: "CheckEndpoint",
  endpointReady: "EndpointReady",
  endpointFailed: "EndpointFailed",
  deployed: "Deployed",
  describeFailure: "DescribeFailure",
  recordFailure: "RecordFailure",
  notify: "Notify",
  failed: "PipelineFailed",
} as const;

/** The error the Fail state ends a failed execution with; its cause lists each failed step's error. */
export const PIPELINE_ERROR = "MlPipeline.Failed";

/** Glue job run states that end a run without success. */
const GLUE_FAILED = ["FAILED", "ERROR", "TIMEOUT", "STOPPED", "EXPIRED"];
/** Endpoint states that end an update or creation without success (InService on another config: rolled back). */
const ENDPOINT_FAILED = ["Failed", "OutOfService", "UpdateRollbackFailed"];
/** Time for a Glue run to get workers on top of its own timeout, and for a training job to start and upload. */
const ETL_START_MARGIN_SECONDS = 1800;
const TRAINING_MARGIN_SECONDS = 3600;

/** SageMaker's rule for endpoint names: what `endpointName` (and a stack config key for it) must match. */
export const ENDPOINT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

// ------------------------------------------------------------------------------------------------ builder

/** Every problem with the builder's inputs, by path. */
export function validateDefinitionArgs(args: PipelineDefinitionArgs): ValidationIssue[] {
  const issues = validateNamePrefix("namePrefix", args.namePrefix);
  if (!ENDPOINT_NAME.test(args.endpointName)) {
    issues.push({
      path: "endpointName",
      value: args.endpointName,
      expected: "1 to 63 letters, digits and hyphens, not starting or ending with a hyphen",
    });
  }
  if (!/^[\w .:/-]{1,255}$/.test(args.glueJobName)) {
    issues.push({ path: "glueJobName", value: args.glueJobName, expected: "a Glue job name" });
  }
  return issues;
}

/** The pipeline's state machine definition. Pure: the same arguments give the same definition. */
export function pipelineDefinition(args: PipelineDefinitionArgs): StateMachineDefinition {
  const issues = validateDefinitionArgs(args);
  if (issues.length > 0) throw new ValidationError("pipeline definition", issues);

  const s = args.settings;
  const resource = integrations(args.partition ?? "aws");
  const sync = s.integration === "sync";
  const tags = sageMakerTags(args.tags ?? {});
  const retry = (maxAttempts: number): Retrier[] =>
    maxAttempts === 0
      ? []
      : [
          {
            ErrorEquals: ["States.ALL"],
            IntervalSeconds: s.retry.intervalSeconds,
            MaxAttempts: maxAttempts,
            BackoffRate: s.retry.backoffRate,
            MaxDelaySeconds: s.retry.maxDelaySeconds,
            JitterStrategy: s.retry.jitter ? "FULL" : "NONE",
          },
        ];
  /** A task that retries, and records its failure under `$.failures.<state>` on the way to the report. */
  const task = (name: string, fields: Omit<TaskState, "Type" | "Retry" | "Catch">, attempts?: number) => ({
    [name]: {
      Type: "Task",
      ...fields,
      Retry: retry(attempts ?? s.retry.maxAttempts),
      Catch: [
        { ErrorEquals: ["States.ALL"], ResultPath: `$.failures.${name}`, Next: STATES.describeFailure },
      ],
    } satisfies TaskState,
  });
  const poll = (name: string, next: string): Record<string, WaitState> => ({
    [name]: { Type: "Wait", Seconds: s.pollSeconds, Next: next },
  });
  const failedStep = (
    name: string,
    step: string,
    error: string,
    cause: string,
  ): Record<string, PassState> => ({
    [name]: {
      Type: "Pass",
      Parameters: { Error: error, "Cause.$": cause },
      ResultPath: `$.failures.${step}`,
      Next: STATES.describeFailure,
    },
  });

  // Training: the template's own request, with the run's name, checkpoint folder and hyperparameters.
  const {
    TrainingJobName: _name,
    CheckpointConfig: _checkpoints,
    HyperParameters: _hyperparameters,
    ...request
  } = createTrainingJobRequest(args.training, `${args.namePrefix}-x`);
  const trainingRequest: Payload = {
    "TrainingJobName.$": "$.names.run",
    ...request,
    "HyperParameters.$": "States.JsonMerge($.defaults.hyperparameters, $.run.hyperparameters, false)",
    CheckpointConfig: { "S3Uri.$": "$.names.checkpointUri" },
    ...tags,
  };
  const trainingBudget =
    (args.training.spot.enabled ? args.training.spot.maxWaitSeconds : args.training.maxRuntimeSeconds) +
    TRAINING_MARGIN_SECONDS;

  const etl: Record<string, State> = sync
    ? task(STATES.runEtl, {
        Comment: "Run the ETL job and wait for it (.sync)",
        Resource: resource.glueSync,
        Parameters: {
          JobName: args.glueJobName,
          "Arguments.$": "$.run.etlArguments",
          Timeout: s.etlTimeoutMinutes,
        },
        ResultSelector: { "runId.$": "$.Id", "state.$": "$.JobRunState" },
        ResultPath: "$.etl",
        TimeoutSeconds: s.etlTimeoutMinutes * 60 + ETL_START_MARGIN_SECONDS,
        Next: STATES.train,
      })
    : {
        ...task(STATES.runEtl, {
          Comment: "Start the ETL job run; the loop below follows it",
          Resource: resource.glue,
          Parameters: {
            JobName: args.glueJobName,
            "Arguments.$": "$.run.etlArguments",
            Timeout: s.etlTimeoutMinutes,
          },
          ResultSelector: { "runId.$": "$.JobRunId" },
          ResultPath: "$.etl",
          Next: STATES.waitForEtl,
        }),
        ...poll(STATES.waitForEtl, STATES.checkEtl),
        ...task(STATES.checkEtl, {
          Resource: resource.sdk("glue", "getJobRun"),
          Parameters: { JobName: args.glueJobName, "RunId.$": "$.etl.runId" },
          ResultSelector: { "runId.$": "$.JobRun.Id", "state.$": "$.JobRun.JobRunState" },
          ResultPath: "$.etl",
          Next: STATES.etlFinished,
        }),
        [STATES.etlFinished]: {
          Type: "Choice",
          Choices: [
            { Variable: "$.etl.state", StringEquals: "SUCCEEDED", Next: STATES.train },
            { Or: GLUE_FAILED.map((state) => equals("$.etl.state", state)), Next: STATES.etlFailed },
          ],
          Default: STATES.waitForEtl,
        },
        ...failedStep(
          STATES.etlFailed,
          STATES.runEtl,
          "Glue.JobRunFailed",
          "States.Format('The ETL job run {} ended {}', $.etl.runId, $.etl.state)",
        ),
      };

  const training: Record<string, State> = sync
    ? task(
        STATES.train,
        {
          Comment: "Train on spot capacity with checkpoints, and wait for the job (.sync)",
          Resource: resource.trainingSync,
          Parameters: trainingRequest,
          ResultSelector: { "status.$": "$.TrainingJobStatus" },
          ResultPath: "$.training",
          TimeoutSeconds: trainingBudget,
          Next: STATES.createModel,
        },
        s.retry.trainingMaxAttempts,
      )
    : {
        ...task(
          STATES.train,
          {
            Comment: "Start training on spot capacity with checkpoints; the loop below follows the job",
            Resource: resource.training,
            Parameters: trainingRequest,
            ResultSelector: { "arn.$": "$.TrainingJobArn" },
            ResultPath: "$.training",
            Next: STATES.waitForTraining,
          },
          s.retry.trainingMaxAttempts,
        ),
        ...poll(STATES.waitForTraining, STATES.checkTraining),
        ...task(STATES.checkTraining, {
          Resource: resource.sdk("sagemaker", "describeTrainingJob"),
          Parameters: { "TrainingJobName.$": "$.names.run" },
          ResultSelector: { "status.$": "$.TrainingJobStatus" },
          ResultPath: "$.training",
          Next: STATES.trainingFinished,
        }),
        [STATES.trainingFinished]: {
          Type: "Choice",
          Choices: [
            { Variable: "$.training.status", StringEquals: "Completed", Next: STATES.createModel },
            {
              Or: [equals("$.training.status", "Failed"), equals("$.training.status", "Stopped")],
              Next: STATES.trainingFailed,
            },
          ],
          Default: STATES.waitForTraining,
        },
        ...failedStep(
          STATES.trainingFailed,
          STATES.train,
          "SageMaker.TrainingJobFailed",
          "States.Format('Training job {} ended {}', $.names.run, $.training.status)",
        ),
      };

  const v = args.serving;
  const deployment: Record<string, State> = {
    ...task(STATES.createModel, {
      Comment: "A model of the run's artifact, served with the serving role in the platform's VPC",
      Resource: resource.sagemaker("createModel"),
      Parameters: {
        "ModelName.$": "$.names.run",
        ExecutionRoleArn: v.roleArn,
        PrimaryContainer: { Image: v.image, "ModelDataUrl.$": "$.names.modelDataUrl" },
        VpcConfig: { Subnets: [...v.subnetIds], SecurityGroupIds: [...v.securityGroupIds] },
        EnableNetworkIsolation: v.networkIsolation,
        ...tags,
      },
      ResultSelector: { "arn.$": "$.ModelArn" },
      ResultPath: "$.model",
      Next: STATES.createEndpointConfig,
    }),
    ...task(STATES.createEndpointConfig, {
      Comment: "An endpoint config of the model, its volumes encrypted with the lake's key",
      Resource: resource.sagemaker("createEndpointConfig"),
      Parameters: {
        "EndpointConfigName.$": "$.names.run",
        KmsKeyId: v.kmsKeyArn,
        ProductionVariants: [
          {
            VariantName: VARIANT_NAME,
            "ModelName.$": "$.names.run",
            InstanceType: v.instanceType,
            InitialInstanceCount: v.initialInstanceCount,
          },
        ],
        ...tags,
      },
      ResultSelector: { "arn.$": "$.EndpointConfigArn" },
      ResultPath: "$.endpointConfig",
      Next: STATES.findEndpoint,
    }),
    ...task(STATES.findEndpoint, {
      Comment: "Does the endpoint exist? (an exact match among the names that contain it)",
      Resource: resource.sdk("sagemaker", "listEndpoints"),
      Parameters: { NameContains: args.endpointName, MaxResults: 100 },
      ResultSelector: {
        // The name is checked against ENDPOINT_NAME: it holds no character an intrinsic string must escape.
        "exists.$": `States.ArrayContains($.Endpoints[*].EndpointName, '${args.endpointName}')`,
      },
      ResultPath: "$.endpoint",
      Next: STATES.endpointExists,
    }),
    [STATES.endpointExists]: {
      Type: "Choice",
      Choices: [{ Variable: "$.endpoint.exists", BooleanEquals: true, Next: STATES.updateEndpoint }],
      Default: STATES.createEndpoint,
    },
    ...task(STATES.updateEndpoint, {
      Comment: "Move the endpoint to the new config (SageMaker swaps instances without downtime)",
      Resource: resource.sagemaker("updateEndpoint"),
      Parameters: { EndpointName: args.endpointName, "EndpointConfigName.$": "$.names.run" },
      ResultPath: null,
      Next: STATES.waitForEndpoint,
    }),
    ...task(STATES.createEndpoint, {
      Comment: "The first run creates the endpoint",
      Resource: resource.sagemaker("createEndpoint"),
      Parameters: { EndpointName: args.endpointName, "EndpointConfigName.$": "$.names.run", ...tags },
      ResultPath: null,
      Next: STATES.waitForEndpoint,
    }),
    ...poll(STATES.waitForEndpoint, STATES.checkEndpoint),
    ...task(STATES.checkEndpoint, {
      Resource: resource.sdk("sagemaker", "describeEndpoint"),
      Parameters: { EndpointName: args.endpointName },
      ResultSelector: { "status.$": "$.EndpointStatus", "config.$": "$.EndpointConfigName" },
      ResultPath: "$.endpoint",
      Next: STATES.endpointReady,
    }),
    [STATES.endpointReady]: {
      Type: "Choice",
      Comment:
        "In service on the new config: done. Failed, or in service on another one (rolled back): failed",
      Choices: [
        {
          And: [
            equals("$.endpoint.status", "InService"),
            { Variable: "$.endpoint.config", StringEqualsPath: "$.names.run" },
          ],
          Next: STATES.deployed,
        },
        {
          Or: [...ENDPOINT_FAILED, "InService"].map((status) => equals("$.endpoint.status", status)),
          Next: STATES.endpointFailed,
        },
      ],
      Default: STATES.waitForEndpoint,
    },
    ...failedStep(
      STATES.endpointFailed,
      STATES.checkEndpoint,
      "SageMaker.EndpointNotUpdated",
      "States.Format('The endpoint is {} with endpoint config {}, expected {}', $.endpoint.status, $.endpoint.config, $.names.run)",
    ),
    [STATES.deployed]: { Type: "Succeed" },
  };

  const failure: Record<string, State> = {
    [STATES.describeFailure]: {
      Type: "Pass",
      Comment: "The failure record: which steps failed and why, for which execution and input",
      Parameters: {
        "stateMachine.$": "$$.StateMachine.Id",
        // No timestamps: the execution's ARN leads to them, and moto's context object holds datetimes where
        // AWS holds ISO strings, which no intrinsic function of moto's can turn into text.
        "execution.$": "$$.Execution.Id",
        "input.$": "$$.Execution.Input",
        "names.$": "$.names",
        "failures.$": "$.failures",
        "summary.$": "States.JsonToString($.failures)",
        "record.$": "$.names.failureUri",
      },
      ResultPath: "$.report",
      Next: STATES.recordFailure,
    },
    [STATES.recordFailure]: {
      Type: "Task",
      Comment: "Write the record to the lake's logs zone (SSE-KMS by the bucket's default)",
      Resource: resource.sdk("s3", "putObject"),
      Parameters: {
        Bucket: args.lakeBucket,
        "Key.$": "$.names.failureKey",
        "Body.$": "States.JsonToString($.report)",
        ContentType: "application/json",
      },
      ResultPath: null,
      Retry: retry(s.retry.maxAttempts),
      // Notify whether or not the record could be written, and say so in the notification.
      Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.report.recordError", Next: STATES.notify }],
      Next: STATES.notify,
    },
    [STATES.notify]: {
      Type: "Task",
      Comment: "Publish the record to the failure topic",
      Resource: resource.snsPublish,
      Parameters: {
        TopicArn: args.topicArn,
        Subject: "ML pipeline execution failed",
        "Message.$": "$.report",
      },
      ResultPath: null,
      Retry: retry(s.retry.maxAttempts),
      Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.notifyError", Next: STATES.failed }],
      Next: STATES.failed,
    },
    [STATES.failed]: { Type: "Fail", Error: PIPELINE_ERROR, CausePath: "$.report.summary" },
  };

  return {
    Comment:
      "mlplat ML pipeline: Glue ETL -> SageMaker training (spot, checkpoints) -> model -> endpoint config -> " +
      "endpoint created or updated; failures recorded in the lake and notified",
    StartAt: STATES.configure,
    States: {
      [STATES.configure]: {
        Type: "Pass",
        Comment: "The stack's constants, and the defaults an execution's input is merged over",
        Parameters: {
          config: {
            namePrefix: args.namePrefix,
            checkpointUriPrefix: args.training.checkpointUriPrefix,
            outputPath: args.training.outputPath,
            bucket: args.lakeBucket,
            failurePrefix: FAILURE_PREFIX,
          },
          defaults: { hyperparameters: { ...args.training.defaultHyperparameters } },
          given: { hyperparameters: {}, etlArguments: {} },
          "input.$": "$",
        },
        Next: STATES.nameRun,
      },
      [STATES.nameRun]: {
        Type: "Pass",
        Comment:
          "Name the run's job, model and config after the execution, and place its checkpoints and record",
        Parameters: {
          "run.$": "States.JsonMerge($.given, $.input, false)",
          "defaults.$": "$.defaults",
          names: {
            "run.$": "States.Format('{}-{}', $.config.namePrefix, $$.Execution.Name)",
            "checkpointUri.$":
              "States.Format('{}{}-{}', $.config.checkpointUriPrefix, $.config.namePrefix, $$.Execution.Name)",
            // SageMaker writes `<S3OutputPath><job>/output/model.tar.gz`.
            "modelDataUrl.$":
              "States.Format('{}{}-{}/output/model.tar.gz', $.config.outputPath, $.config.namePrefix, $$.Execution.Name)",
            "failureKey.$":
              "States.Format('{}{}/{}.json', $.config.failurePrefix, $$.StateMachine.Name, $$.Execution.Name)",
            "failureUri.$":
              "States.Format('s3://{}/{}{}/{}.json', $.config.bucket, $.config.failurePrefix, $$.StateMachine.Name, $$.Execution.Name)",
          },
        },
        Next: STATES.runEtl,
      },
      ...etl,
      ...training,
      ...deployment,
      ...failure,
    },
  };
}

/** The Task resources: optimized integrations (`arn:aws:states:::glue:startJobRun`) and AWS SDK ones. */
function integrations(partition: string) {
  const states = `arn:${partition}:states:::`;
  return {
    glue: `${states}glue:startJobRun`,
    glueSync: `${states}glue:startJobRun.sync`,
    training: `${states}sagemaker:createTrainingJob`,
    trainingSync: `${states}sagemaker:createTrainingJob.sync`,
    sagemaker: (api: string) => `${states}sagemaker:${api}`,
    snsPublish: `${states}sns:publish`,
    sdk: (service: string, api: string) => `${states}aws-sdk:${service}:${api}`,
  };
}

function equals(variable: string, value: string): Condition {
  return { Variable: variable, StringEquals: value };
}

/** SageMaker's `Tags` parameter, left out when there are none. */
function sageMakerTags(tags: Readonly<Record<string, string>>): Payload {
  const list = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  return list.length > 0 ? { Tags: list } : {};
}

/** Every Task state's `Resource`, in the definition's order: what the state machine's role must allow. */
export function taskResources(definition: StateMachineDefinition): string[] {
  return Object.values(definition.States).flatMap((state) => (state.Type === "Task" ? [state.Resource] : []));
}
