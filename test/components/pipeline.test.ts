import type { ResourceValidationPolicy } from "@pulumi/policy";
import { beforeAll, describe, expect, it } from "vitest";

import { DataLake } from "../../components/data-lake";
import {
  MlPipeline,
  pipelineDefinition,
  resolvePipelineSettings,
  STATES,
  taskResources,
  validatePipelineSettings,
  type PipelineDefinitionArgs,
  type PipelineSettings,
  type State,
  type StateMachineDefinition,
  type TaskState,
} from "../../components/pipeline";
import {
  defaultExecutionName,
  executionArnOf,
  summarizeHistory,
  validateExecution,
} from "../../components/pipeline/client";
import {
  createTrainingJobRequest,
  ServingPlatform,
  TrainingPlatform,
  type EndpointTemplate,
  type TrainingJobTemplate,
} from "../../components/sagemaker";
import { formatIssue, isValidationError } from "../../components/validation";
import { stepFunctionsLoggingAll } from "../../policies/stepfunctions/logging-all";
import { stepFunctionsTracing } from "../../policies/stepfunctions/tracing";
import { templatePolicyPack } from "../../scripts/cli/offline/policy-check";
import { evaluatePolicies, resolvePolicies } from "../../scripts/cli/offline/policy-engine";
import type { DeclaredResource, ProgramRun } from "../../scripts/cli/offline/runner";
import { policyOf, resource, resourcesOfType, runInline } from "../harness";

const ACCOUNT = "123456789012";
const REGION = "ap-northeast-2";
const IMAGE = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/my-ml-image:latest`;
const MODEL_IMAGE = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/my-model:1.0`;
const KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/lake-key-key-id`;
const T = {
  key: "aws:kms/key:Key",
  topic: "aws:sns/topic:Topic",
  subscription: "aws:sns/topicSubscription:TopicSubscription",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  stateMachine: "aws:sfn/stateMachine:StateMachine",
} as const;

const TRAINING: TrainingJobTemplate = {
  roleArn: `arn:aws:iam::${ACCOUNT}:role/train-role`,
  image: IMAGE,
  instanceType: "ml.p3.2xlarge",
  instanceCount: 1,
  volumeSizeGb: 100,
  volumeKmsKeyArn: KEY,
  outputKmsKeyArn: KEY,
  maxRuntimeSeconds: 3600,
  spot: { enabled: true, maxWaitSeconds: 7200 },
  checkpointUriPrefix: "s3://lake-data/artifacts/checkpoints/",
  outputPath: "s3://lake-data/models/",
  channels: { train: "s3://lake-data/processed/train/", validation: "s3://lake-data/processed/validation/" },
  vpc: { subnetIds: ["subnet-a"], securityGroupIds: ["sg-t"] },
  enableNetworkIsolation: true,
  defaultHyperparameters: { epochs: "10", batch_size: "32", learning_rate: "0.001" },
};

const SERVING: EndpointTemplate = {
  roleArn: `arn:aws:iam::${ACCOUNT}:role/serve-role`,
  kmsKeyArn: KEY,
  image: MODEL_IMAGE,
  instanceType: "ml.m5.xlarge",
  initialInstanceCount: 2,
  subnetIds: ["subnet-a"],
  securityGroupIds: ["sg-e"],
  networkIsolation: true,
  autoscaling: {
    minCapacity: 1,
    maxCapacity: 10,
    targetInvocationsPerInstance: 1000,
    scaleInCooldownSeconds: 300,
    scaleOutCooldownSeconds: 60,
  },
};

function definitionOf(settings: PipelineSettings = {}, extra: Partial<PipelineDefinitionArgs> = {}) {
  return pipelineDefinition({
    namePrefix: "pipe",
    glueJobName: "lake-etl",
    training: TRAINING,
    serving: SERVING,
    endpointName: "churn",
    lakeBucket: "lake-data",
    topicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:pipe-failures`,
    tags: { Project: "mlplat" },
    settings: resolvePipelineSettings(settings),
    ...extra,
  });
}

function stateOf(definition: StateMachineDefinition, name: string): State {
  const state = definition.States[name];
  if (state === undefined) throw new Error(`no state ${name}`);
  return state;
}

function taskOf(definition: StateMachineDefinition, name: string): TaskState {
  const state = stateOf(definition, name);
  if (state.Type !== "Task") throw new Error(`${name} is a ${state.Type} state`);
  return state;
}

/** The happy path: from StartAt along Next, each Choice taking the rule named in `choose` (else its first). */
function happyPath(definition: StateMachineDefinition, choose: Record<string, string> = {}): string[] {
  const path: string[] = [];
  let name: string | undefined = definition.StartAt;
  while (name !== undefined && path.length < 50) {
    path.push(name);
    const state = stateOf(definition, name);
    if (state.Type === "Choice") {
      name = choose[name] ?? state.Choices[0]?.Next;
    } else if (state.Type === "Succeed" || state.Type === "Fail") {
      name = undefined;
    } else {
      name = state.Next;
    }
  }
  return path;
}

describe("pipeline settings", () => {
  it("defaults to .sync, 3 retries from 30 s doubling to at most 600 s with jitter, 1 training retry", () => {
    expect(resolvePipelineSettings()).toEqual({
      integration: "sync",
      retry: {
        maxAttempts: 3,
        trainingMaxAttempts: 1,
        intervalSeconds: 30,
        backoffRate: 2,
        maxDelaySeconds: 600,
        jitter: true,
      },
      pollSeconds: 60,
      etlTimeoutMinutes: 120,
      logRetentionDays: 90,
      notificationEmails: [],
    });
    expect(validatePipelineSettings(resolvePipelineSettings())).toEqual([]);
    expect(resolvePipelineSettings({ retry: { intervalSeconds: 1 } }).retry).toMatchObject({
      intervalSeconds: 1,
      maxAttempts: 3,
    });
  });

  it("names each bad setting with its path, value and what is expected", () => {
    const issues = validatePipelineSettings(
      resolvePipelineSettings({
        integration: "wait" as never,
        retry: { maxAttempts: 11, backoffRate: 0.5, intervalSeconds: 60, maxDelaySeconds: 30 },
        pollSeconds: 0,
        etlTimeoutMinutes: 3000,
        logRetentionDays: 10,
        notificationEmails: ["ops@example.com", "not-an-address", "OPS@example.com"],
      }),
    ).map(formatIssue);
    expect(issues).toEqual([
      'integration: got "wait", expected one of sync, poll',
      "retry.maxAttempts: got 11, expected a whole number of retries from 0 to 10",
      "retry.backoffRate: got 0.5, expected a number from 1 to 10 (1 waits the same interval every time)",
      "retry.maxDelaySeconds: got 30, expected at least retry.intervalSeconds (60)",
      "pollSeconds: got 0, expected a whole number of seconds from 1 to 3600",
      "etlTimeoutMinutes: got 3000, expected a whole number of minutes from 1 to 2880",
      expect.stringMatching(/^logRetentionDays: got 10, expected one of CloudWatch Logs' retention periods/),
      'notificationEmails[1]: got "not-an-address", expected an email address',
      'notificationEmails[2]: got "OPS@example.com", expected each address once',
    ]);
  });
});

describe("pipeline definition (sync, for AWS)", () => {
  const definition = definitionOf();

  it("runs ETL, training, model, endpoint config, then updates the endpoint or creates it", () => {
    const common = [
      STATES.configure,
      STATES.nameRun,
      STATES.runEtl,
      STATES.train,
      STATES.createModel,
      STATES.createEndpointConfig,
      STATES.findEndpoint,
      STATES.endpointExists,
    ];
    const tail = [STATES.waitForEndpoint, STATES.checkEndpoint, STATES.endpointReady, STATES.deployed];
    expect(happyPath(definition)).toEqual([...common, STATES.updateEndpoint, ...tail]);
    expect(stateOf(definition, STATES.endpointExists)).toEqual({
      Type: "Choice",
      Choices: [{ Variable: "$.endpoint.exists", BooleanEquals: true, Next: STATES.updateEndpoint }],
      Default: STATES.createEndpoint,
    });
    expect(taskOf(definition, STATES.createEndpoint).Next).toBe(STATES.waitForEndpoint);
  });

  it("waits for Glue and SageMaker with the .sync integrations, and follows the endpoint by polling", () => {
    expect(taskResources(definition)).toEqual([
      "arn:aws:states:::glue:startJobRun.sync",
      "arn:aws:states:::sagemaker:createTrainingJob.sync",
      "arn:aws:states:::sagemaker:createModel",
      "arn:aws:states:::sagemaker:createEndpointConfig",
      "arn:aws:states:::aws-sdk:sagemaker:listEndpoints",
      "arn:aws:states:::sagemaker:updateEndpoint",
      "arn:aws:states:::sagemaker:createEndpoint",
      "arn:aws:states:::aws-sdk:sagemaker:describeEndpoint",
      "arn:aws:states:::aws-sdk:s3:putObject",
      "arn:aws:states:::sns:publish",
    ]);
    expect(taskOf(definition, STATES.runEtl)).toMatchObject({
      Parameters: { JobName: "lake-etl", "Arguments.$": "$.run.etlArguments", Timeout: 120 },
      TimeoutSeconds: 120 * 60 + 1800,
    });
    expect(stateOf(definition, STATES.waitForEndpoint)).toEqual({
      Type: "Wait",
      Seconds: 60,
      Next: STATES.checkEndpoint,
    });
  });

  it("carries the template's spot and checkpoint settings into CreateTrainingJob, named after the execution", () => {
    const train = taskOf(definition, STATES.train);
    const request = createTrainingJobRequest(TRAINING, "pipe-x");
    expect(train.Parameters).toEqual({
      "TrainingJobName.$": "$.names.run",
      RoleArn: TRAINING.roleArn,
      AlgorithmSpecification: request.AlgorithmSpecification,
      "HyperParameters.$": "States.JsonMerge($.defaults.hyperparameters, $.run.hyperparameters, false)",
      InputDataConfig: request.InputDataConfig,
      OutputDataConfig: { S3OutputPath: "s3://lake-data/models/", KmsKeyId: KEY },
      ResourceConfig: request.ResourceConfig,
      StoppingCondition: { MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 7200 },
      EnableManagedSpotTraining: true,
      CheckpointConfig: { "S3Uri.$": "$.names.checkpointUri" },
      VpcConfig: { Subnets: ["subnet-a"], SecurityGroupIds: ["sg-t"] },
      EnableNetworkIsolation: true,
      EnableInterContainerTrafficEncryption: false,
      Tags: [{ Key: "Project", Value: "mlplat" }],
    });
    // The spot wait plus an hour to start and upload bounds the task.
    expect(train.TimeoutSeconds).toBe(7200 + 3600);
    const configure = stateOf(definition, STATES.configure);
    const nameRun = stateOf(definition, STATES.nameRun);
    expect(configure).toMatchObject({
      Parameters: {
        config: {
          namePrefix: "pipe",
          checkpointUriPrefix: "s3://lake-data/artifacts/checkpoints/",
          outputPath: "s3://lake-data/models/",
        },
        defaults: { hyperparameters: TRAINING.defaultHyperparameters },
      },
    });
    expect(nameRun).toMatchObject({
      Parameters: {
        names: {
          "run.$": "States.Format('{}-{}', $.config.namePrefix, $$.Execution.Name)",
          "checkpointUri.$":
            "States.Format('{}{}-{}', $.config.checkpointUriPrefix, $.config.namePrefix, $$.Execution.Name)",
          "modelDataUrl.$":
            "States.Format('{}{}-{}/output/model.tar.gz', $.config.outputPath, $.config.namePrefix, $$.Execution.Name)",
        },
      },
    });
  });

  it("serves the run's model with the serving role, in the VPC, isolated, on an encrypted config", () => {
    expect(taskOf(definition, STATES.createModel).Parameters).toEqual({
      "ModelName.$": "$.names.run",
      ExecutionRoleArn: SERVING.roleArn,
      PrimaryContainer: { Image: MODEL_IMAGE, "ModelDataUrl.$": "$.names.modelDataUrl" },
      VpcConfig: { Subnets: ["subnet-a"], SecurityGroupIds: ["sg-e"] },
      EnableNetworkIsolation: true,
      Tags: [{ Key: "Project", Value: "mlplat" }],
    });
    expect(taskOf(definition, STATES.createEndpointConfig).Parameters).toMatchObject({
      KmsKeyId: KEY,
      ProductionVariants: [
        {
          VariantName: "AllTraffic",
          "ModelName.$": "$.names.run",
          InstanceType: "ml.m5.xlarge",
          InitialInstanceCount: 2,
        },
      ],
    });
    expect(taskOf(definition, STATES.findEndpoint).ResultSelector).toEqual({
      "exists.$": "States.ArrayContains($.Endpoints[*].EndpointName, 'churn')",
    });
  });

  it("retries every task with exponential backoff and jitter, training fewer times", () => {
    const tasks = Object.entries(definition.States).filter(([, s]) => s.Type === "Task");
    expect(tasks.length).toBe(10);
    for (const [name, state] of tasks) {
      expect({ name, retry: (state as TaskState).Retry }).toEqual({
        name,
        retry: [
          {
            ErrorEquals: ["States.ALL"],
            IntervalSeconds: 30,
            MaxAttempts: name === STATES.train ? 1 : 3,
            BackoffRate: 2,
            MaxDelaySeconds: 600,
            JitterStrategy: "FULL",
          },
        ],
      });
    }
    const noRetries = definitionOf({ retry: { maxAttempts: 0, trainingMaxAttempts: 0, jitter: false } });
    expect(taskOf(noRetries, STATES.runEtl).Retry).toEqual([]);
  });

  it("catches every step into the failure record, then the notification, then a Fail state", () => {
    const steps = Object.entries(definition.States).filter(
      ([name, s]) => s.Type === "Task" && name !== STATES.recordFailure && name !== STATES.notify,
    );
    for (const [name, state] of steps) {
      expect((state as TaskState).Catch).toEqual([
        { ErrorEquals: ["States.ALL"], ResultPath: `$.failures.${name}`, Next: STATES.describeFailure },
      ]);
    }
    expect(stateOf(definition, STATES.describeFailure)).toMatchObject({
      Type: "Pass",
      Parameters: { "failures.$": "$.failures", "summary.$": "States.JsonToString($.failures)" },
      Next: STATES.recordFailure,
    });
    expect(taskOf(definition, STATES.recordFailure)).toMatchObject({
      Resource: "arn:aws:states:::aws-sdk:s3:putObject",
      Parameters: {
        Bucket: "lake-data",
        "Key.$": "$.names.failureKey",
        "Body.$": "States.JsonToString($.report)",
      },
      Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.report.recordError", Next: STATES.notify }],
      Next: STATES.notify,
    });
    expect(stateOf(definition, STATES.nameRun)).toMatchObject({
      Parameters: {
        names: {
          "failureKey.$":
            "States.Format('{}{}/{}.json', $.config.failurePrefix, $$.StateMachine.Name, $$.Execution.Name)",
        },
      },
    });
    expect(stateOf(definition, STATES.configure)).toMatchObject({
      Parameters: { config: { failurePrefix: "artifacts/logs/pipeline/", bucket: "lake-data" } },
    });
    expect(taskOf(definition, STATES.notify)).toMatchObject({
      Resource: "arn:aws:states:::sns:publish",
      Parameters: { TopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:pipe-failures`, "Message.$": "$.report" },
      Next: STATES.failed,
    });
    expect(stateOf(definition, STATES.failed)).toEqual({
      Type: "Fail",
      Error: "MlPipeline.Failed",
      CausePath: "$.report.summary",
    });
  });

  it("fails an endpoint that ends Failed or back in service on another config (a rolled-back update)", () => {
    const ready = stateOf(definition, STATES.endpointReady);
    expect(ready).toMatchObject({
      Choices: [
        {
          And: [
            { Variable: "$.endpoint.status", StringEquals: "InService" },
            { Variable: "$.endpoint.config", StringEqualsPath: "$.names.run" },
          ],
          Next: STATES.deployed,
        },
        {
          Or: ["Failed", "OutOfService", "UpdateRollbackFailed", "InService"].map((s) => ({
            Variable: "$.endpoint.status",
            StringEquals: s,
          })),
          Next: STATES.endpointFailed,
        },
      ],
      Default: STATES.waitForEndpoint,
    });
  });

  it("uses the partition it is given, and refuses names SageMaker or IAM would trip on", () => {
    expect(taskResources(definitionOf({}, { partition: "aws-cn" }))[0]).toBe(
      "arn:aws-cn:states:::glue:startJobRun.sync",
    );
    let problems: string[] = [];
    try {
      definitionOf({}, { namePrefix: "Pipe_1", endpointName: "churn'x" });
    } catch (err) {
      if (isValidationError(err)) problems = err.issues.map(formatIssue);
    }
    expect(problems).toEqual([
      'namePrefix: got "Pipe_1", expected 1 to 26 lowercase letters, digits and hyphens, not starting or ending with a hyphen (it prefixes SageMaker names of at most 63 characters)',
      `endpointName: got "churn'x", expected 1 to 63 letters, digits and hyphens, not starting or ending with a hyphen`,
    ]);
  });
});

describe("pipeline definition (poll, for the emulator)", () => {
  const definition = definitionOf({ integration: "poll", pollSeconds: 5 });

  it("starts each job request-response and loops Wait -> describe -> Choice until it ends", () => {
    expect(happyPath(definition, { [STATES.endpointExists]: STATES.createEndpoint })).toEqual([
      STATES.configure,
      STATES.nameRun,
      STATES.runEtl,
      STATES.waitForEtl,
      STATES.checkEtl,
      STATES.etlFinished,
      STATES.train,
      STATES.waitForTraining,
      STATES.checkTraining,
      STATES.trainingFinished,
      STATES.createModel,
      STATES.createEndpointConfig,
      STATES.findEndpoint,
      STATES.endpointExists,
      STATES.createEndpoint,
      STATES.waitForEndpoint,
      STATES.checkEndpoint,
      STATES.endpointReady,
      STATES.deployed,
    ]);
    expect(taskOf(definition, STATES.runEtl).Resource).toBe("arn:aws:states:::glue:startJobRun");
    expect(taskOf(definition, STATES.checkEtl).Resource).toBe("arn:aws:states:::aws-sdk:glue:getJobRun");
    expect(taskOf(definition, STATES.train).Resource).toBe("arn:aws:states:::sagemaker:createTrainingJob");
    expect(taskOf(definition, STATES.checkTraining).Resource).toBe(
      "arn:aws:states:::aws-sdk:sagemaker:describeTrainingJob",
    );
    expect(stateOf(definition, STATES.etlFinished)).toMatchObject({
      Choices: [
        { Variable: "$.etl.state", StringEquals: "SUCCEEDED", Next: STATES.train },
        { Next: STATES.etlFailed },
      ],
      Default: STATES.waitForEtl,
    });
    expect(stateOf(definition, STATES.waitForTraining)).toEqual({
      Type: "Wait",
      Seconds: 5,
      Next: STATES.checkTraining,
    });
  });

  it("records a job that ended failed as the step's failure", () => {
    expect(stateOf(definition, STATES.trainingFailed)).toEqual({
      Type: "Pass",
      Parameters: {
        Error: "SageMaker.TrainingJobFailed",
        "Cause.$": "States.Format('Training job {} ended {}', $.names.run, $.training.status)",
      },
      ResultPath: "$.failures.Train",
      Next: STATES.describeFailure,
    });
  });

  it("sends the same training request as sync mode", () => {
    expect(taskOf(definition, STATES.train).Parameters).toEqual(
      taskOf(definitionOf(), STATES.train).Parameters,
    );
  });
});

/** Evaluates one policy object with the pack's engine. */
async function violations(policy: ResourceValidationPolicy | string, resources: readonly DeclaredResource[]) {
  const base = templatePolicyPack();
  const own = typeof policy === "string" ? base.policies.find((p) => p.name === policy) : policy;
  if (own === undefined) throw new Error(`no policy ${typeof policy === "string" ? policy : policy.name}`);
  const pack = { ...base, policies: [own] };
  const result = await evaluatePolicies(
    { project: "fx", stack: "dev", resources: [...resources] },
    pack,
    resolvePolicies(pack, {}, "test"),
  );
  return result.violations.map((v) => v.message);
}

async function runPipeline(settings: PipelineSettings = {}, spot = true): Promise<ProgramRun> {
  return runInline("dev", () => {
    const lake = new DataLake("lake", { deletionPolicy: "destroy" });
    const network = { subnetIds: ["subnet-a", "subnet-b"], securityGroupIds: ["sg-t"] };
    const training = new TrainingPlatform("train", { lake, image: IMAGE, spot, ...network });
    const serving = new ServingPlatform("serve", { lake, image: MODEL_IMAGE, ...network });
    const pipeline = new MlPipeline("pipe", {
      ...settings,
      lake,
      glueJobName: "lake-etl",
      training,
      serving,
      endpointName: "Churn-Pipeline",
      tags: { Project: "mlplat" },
    });
    return {
      stateMachineArn: pipeline.stateMachineArn,
      stateMachineName: pipeline.stateMachineName,
      topicArn: pipeline.topicArn,
      logGroupName: pipeline.logGroupName,
      roleArn: pipeline.roleArn,
    };
  });
}

describe("MlPipeline", () => {
  let run: ProgramRun;
  let statements: Record<string, Record<string, unknown>>;
  beforeAll(async () => {
    run = await runPipeline({ notificationEmails: ["ops@example.com"], logRetentionDays: 30 });
    statements = Object.fromEntries(
      policyOf(resource(run, T.rolePolicy, "pipe-permissions")).Statement.map((s) => [String(s.Sid), s]),
    );
  });

  it("declares a STANDARD state machine logging ALL with execution data to its group, traced", () => {
    const machine = resource(run, T.stateMachine, "pipe-state-machine");
    const logGroup = resource(run, T.logGroup, "pipe-logs");
    expect(machine.inputs).toMatchObject({
      type: "STANDARD",
      roleArn: `arn:aws:iam::${ACCOUNT}:role/pipe-role`,
      loggingConfiguration: { level: "ALL", includeExecutionData: true },
      tracingConfiguration: { enabled: true },
      tags: { Project: "mlplat" },
    });
    expect((machine.inputs.loggingConfiguration as { logDestination: string }).logDestination).toMatch(
      /:\*$/,
    );
    expect(machine.propertyDependencies.loggingConfiguration).toContain(logGroup.urn);
    expect(machine.dependencies).toEqual(
      expect.arrayContaining([
        resource(run, T.rolePolicy, "pipe-permissions").urn,
        resource(run, T.rolePolicy, "pipe-log-delivery").urn,
      ]),
    );
    expect(run.outputs).toMatchObject({
      stateMachineName: "pipe-state-machine",
      logGroupName: "/aws/vendedlogs/states/pipe",
      roleArn: `arn:aws:iam::${ACCOUNT}:role/pipe-role`,
    });
  });

  it("builds the definition from the stack's templates, endpoint and topic", () => {
    const definition = JSON.parse(
      String(resource(run, T.stateMachine, "pipe-state-machine").inputs.definition),
    ) as StateMachineDefinition;
    expect(taskOf(definition, STATES.runEtl).Resource).toBe("arn:aws:states:::glue:startJobRun.sync");
    expect(taskOf(definition, STATES.train).Parameters).toMatchObject({
      RoleArn: `arn:aws:iam::${ACCOUNT}:role/train-role`,
      EnableManagedSpotTraining: true,
      StoppingCondition: { MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 7200 },
    });
    expect(stateOf(definition, STATES.configure)).toMatchObject({
      Parameters: { config: { checkpointUriPrefix: "s3://lake-data/artifacts/checkpoints/" } },
    });
    expect(taskOf(definition, STATES.createModel).Parameters.ExecutionRoleArn).toBe(
      `arn:aws:iam::${ACCOUNT}:role/serve-role`,
    );
    expect(taskOf(definition, STATES.updateEndpoint).Parameters.EndpointName).toBe("Churn-Pipeline");
    expect(taskOf(definition, STATES.notify).Parameters.TopicArn).toBe(run.outputs.topicArn);
  });

  it("encrypts logs and notifications with a rotating key that CloudWatch Logs may use for this account's groups", () => {
    const key = resource(run, T.key, "pipe-key");
    expect(key.inputs.enableKeyRotation).toBe(true);
    const logs = policyOf(key).Statement.find((s) => s.Sid === "CloudWatchLogsEncryptsThisAccountsGroups");
    expect(logs).toMatchObject({
      Principal: { Service: `logs.${REGION}.amazonaws.com` },
      Condition: {
        ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:*` },
      },
    });
    const keyArn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/pipe-key-key-id`;
    expect(resource(run, T.logGroup, "pipe-logs").inputs).toMatchObject({
      name: "/aws/vendedlogs/states/pipe",
      kmsKeyId: keyArn,
      retentionInDays: 30,
    });
    expect(resource(run, T.topic, "pipe-failures").inputs.kmsMasterKeyId).toBe(keyArn);
    expect(resource(run, T.subscription, "pipe-failures-ops-example-com").inputs).toMatchObject({
      protocol: "email",
      endpoint: "ops@example.com",
    });
  });

  it("lets only Step Functions, for this account, assume the role", () => {
    expect(JSON.parse(String(resource(run, T.role, "pipe-role").inputs.assumeRolePolicy))).toMatchObject({
      Statement: [
        {
          Principal: { Service: "states.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
        },
      ],
    });
  });

  it("grants the role what the definition calls, on the pipeline's own resources", () => {
    const arn = (kind: string) => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:${kind}`;
    expect(statements.RunEtlJob).toMatchObject({
      Action: ["glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"],
      Resource: `arn:aws:glue:${REGION}:${ACCOUNT}:job/lake-etl`,
    });
    expect(statements.TrainRunJobs).toMatchObject({
      Action: [
        "sagemaker:CreateTrainingJob",
        "sagemaker:DescribeTrainingJob",
        "sagemaker:AddTags",
        "sagemaker:StopTrainingJob",
      ],
      Resource: arn("training-job/pipe-*"),
    });
    expect(statements.CreateRunModelVersions?.Resource).toEqual([
      arn("model/pipe-*"),
      arn("endpoint-config/pipe-*"),
    ]);
    expect(statements.ReadSageMakerTags).toMatchObject({
      Action: ["sagemaker:ListTags"],
      Resource: [
        arn("training-job/pipe-*"),
        arn("model/pipe-*"),
        arn("endpoint-config/pipe-*"),
        expect.stringMatching(/^arn:aws:sagemaker:.*:endpoint\//),
      ],
    });
    // SageMaker lowercases names in ARNs.
    expect(statements.CreateOrUpdateEndpoint).toMatchObject({
      Action: [
        "sagemaker:CreateEndpoint",
        "sagemaker:UpdateEndpoint",
        "sagemaker:DescribeEndpoint",
        "sagemaker:AddTags",
      ],
      Resource: [arn("endpoint/churn-pipeline"), arn("endpoint-config/pipe-*")],
    });
    expect(statements.PassPlatformRolesToSageMaker).toEqual({
      Sid: "PassPlatformRolesToSageMaker",
      Effect: "Allow",
      Action: ["iam:PassRole"],
      Resource: [`arn:aws:iam::${ACCOUNT}:role/train-role`, `arn:aws:iam::${ACCOUNT}:role/serve-role`],
      Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } },
    });
    expect(statements.FollowTrainingJobs).toMatchObject({
      Action: ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
      Resource: `arn:aws:events:${REGION}:${ACCOUNT}:rule/StepFunctionsGetEventsForSageMakerTrainingJobsRule`,
    });
    expect(statements.RecordFailures).toMatchObject({
      Action: ["s3:PutObject"],
      Resource: "arn:aws:s3:::lake-data/artifacts/logs/pipeline/*",
    });
    expect(statements.EncryptFailureRecords).toMatchObject({
      Action: ["kms:GenerateDataKey"],
      Resource: KEY,
    });
    expect(statements.NotifyFailures).toMatchObject({
      Action: ["sns:Publish"],
      Resource: run.outputs.topicArn,
    });
  });

  it("grants `*` only to what has no resource-level permissions, and keeps log delivery in a policy of its own", () => {
    const onAll = Object.values(statements)
      .filter((s) => s.Resource === "*")
      .flatMap((s) => s.Action as string[]);
    expect(onAll).toEqual([
      "sagemaker:ListEndpoints",
      "xray:PutTraceSegments",
      "xray:PutTelemetryRecords",
      "xray:GetSamplingRules",
      "xray:GetSamplingTargets",
    ]);
    expect(policyOf(resource(run, T.rolePolicy, "pipe-log-delivery")).Statement).toEqual([
      {
        Sid: "DeliverExecutionLogs",
        Effect: "Allow",
        Action: [
          "logs:CreateLogDelivery",
          "logs:GetLogDelivery",
          "logs:UpdateLogDelivery",
          "logs:DeleteLogDelivery",
          "logs:ListLogDeliveries",
          "logs:PutResourcePolicy",
          "logs:DescribeResourcePolicies",
          "logs:DescribeLogGroups",
        ],
        Resource: "*",
      },
    ]);
  });

  it("passes the pack's state machine and IAM policies, except log delivery, which needs its exception", async () => {
    expect(await violations(stepFunctionsLoggingAll, run.resources)).toEqual([]);
    expect(await violations(stepFunctionsTracing, run.resources)).toEqual([]);
    expect(await violations("sagemaker-training-spot-checkpoints", run.resources)).toEqual([]);
    expect(await violations("iam-no-wildcard-action", run.resources)).toEqual([]);
    expect(await violations("iam-no-service-wildcard-on-all-resources", run.resources)).toEqual([]);
    expect(await violations("kms-key-rotation", run.resources)).toEqual([]);
    expect(await violations("iam-no-write-on-all-resources", run.resources)).toEqual([
      'RolePolicy "pipe-log-delivery" policy statement "DeliverExecutionLogs" allows the write actions logs:CreateLogDelivery, logs:UpdateLogDelivery, logs:DeleteLogDelivery, logs:PutResourcePolicy on every resource ("*")',
    ]);
  });

  it("reaches the training-spot policy: a template without spot fails it through the definition", async () => {
    const onDemand = await runPipeline({}, false);
    expect(await violations("sagemaker-training-spot-checkpoints", onDemand.resources)).toEqual([
      `Training job of "pipe-state-machine" state "Train" does not use managed spot training: set EnableManagedSpotTraining to true`,
    ]);
  });

  it("in poll mode grants no .sync extras: no EventBridge rule, no stopping jobs or runs", async () => {
    const poll = await runPipeline({ integration: "poll" });
    const sids = Object.fromEntries(
      policyOf(resource(poll, T.rolePolicy, "pipe-permissions")).Statement.map((s) => [String(s.Sid), s]),
    );
    expect(sids.FollowTrainingJobs).toBeUndefined();
    expect(sids.RunEtlJob?.Action).toEqual(["glue:StartJobRun", "glue:GetJobRun"]);
    expect(sids.TrainRunJobs?.Action).toEqual([
      "sagemaker:CreateTrainingJob",
      "sagemaker:DescribeTrainingJob",
      "sagemaker:AddTags",
    ]);
    expect(resourcesOfType(poll, T.subscription)).toEqual([]);
  });

  it("refuses a name that cannot prefix SageMaker names: validation runs before the component exists", () => {
    const never = undefined as never; // not reached
    expect(
      () =>
        new MlPipeline("ML_Pipeline", {
          lake: never,
          glueJobName: "etl",
          training: never,
          serving: never,
          endpointName: "churn",
          pollSeconds: 0,
        }),
    ).toThrow(
      "MlPipeline ML_Pipeline: 2 problems\n  - pollSeconds: got 0, expected a whole number of seconds from 1 to 3600\n" +
        '  - name: got "ML_Pipeline", expected 1 to 26 lowercase letters',
    );
  });
});

describe("pipeline client", () => {
  it("names executions run-<UTC timestamp>, and finds an execution's ARN from its name", () => {
    expect(defaultExecutionName(new Date("2025-03-04T05:06:07.890Z"))).toBe("run-20250304-050607");
    const machine = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:pipe-state-machine-1a2b3c`;
    expect(executionArnOf(machine, "run-1")).toBe(
      `arn:aws:states:${REGION}:${ACCOUNT}:execution:pipe-state-machine-1a2b3c:run-1`,
    );
    expect(executionArnOf(machine, "arn:aws:states:x")).toBe("arn:aws:states:x");
    expect(() => executionArnOf("pipe", "run-1")).toThrow(
      'state machine ARN: got "pipe", expected arn:<partition>:states:<region>:<account>:stateMachine:<name>',
    );
  });

  it("checks an execution's input and name before starting it", () => {
    expect(
      validateExecution({ hyperparameters: { epochs: "3" }, etlArguments: { "--day": "1" } }, "run-1"),
    ).toEqual([]);
    expect(
      validateExecution(
        { hyperparameters: { epochs: 3 }, etlArguments: { day: "1" }, extra: true },
        "run_1",
      ).map(formatIssue),
    ).toEqual([
      'name: got "run_1", expected 1 to 36 letters, digits and hyphens, not starting or ending with a hyphen (it names the run\'s SageMaker job)',
      "input.extra: got true, expected no such key: the pipeline takes hyperparameters and etlArguments",
      "input.hyperparameters.epochs: got 3, expected a string (SageMaker and Glue take strings)",
      'input.etlArguments.day: got "day", expected a Glue job argument name such as --source_prefix',
    ]);
  });

  it("summarizes the history per state: visits, and each error its task met, retried or caught", () => {
    const steps = summarizeHistory([
      { id: 1, type: "ExecutionStarted", timestamp: new Date() },
      {
        id: 2,
        type: "PassStateEntered",
        timestamp: new Date(),
        stateEnteredEventDetails: { name: "Configure" },
      },
      {
        id: 3,
        type: "TaskStateEntered",
        timestamp: new Date(),
        stateEnteredEventDetails: { name: "RunEtl" },
      },
      {
        id: 4,
        type: "TaskFailed",
        timestamp: new Date(),
        taskFailedEventDetails: {
          resource: "startJobRun",
          resourceType: "glue",
          error: "Glue.X",
          cause: "no",
        },
      },
      {
        id: 5,
        type: "TaskTimedOut",
        timestamp: new Date(),
        taskTimedOutEventDetails: { resource: "startJobRun", resourceType: "glue" },
      },
      { id: 6, type: "WaitStateEntered", timestamp: new Date(), stateEnteredEventDetails: { name: "Wait" } },
      { id: 7, type: "WaitStateEntered", timestamp: new Date(), stateEnteredEventDetails: { name: "Wait" } },
    ]);
    expect(steps).toEqual([
      { name: "Configure", visits: 1, failures: [] },
      {
        name: "RunEtl",
        visits: 1,
        failures: [
          { error: "Glue.X", cause: "no" },
          { error: "States.Timeout", cause: "" },
        ],
      },
      { name: "Wait", visits: 2, failures: [] },
    ]);
  });
});
