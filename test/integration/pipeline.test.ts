/**
 * The ML pipeline's definition executing in the emulator: the state machine is made with the SDK from the
 * builder's output (`integration: "poll"`, the mode moto can run), with what it calls made beforehand (a Glue
 * job, the lake bucket and key, the failure topic). Happy path to the endpoint, a failure retried then
 * passing, a failure caught, recorded in the lake and notified.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { CreateJobCommand, GlueClient } from "@aws-sdk/client-glue";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import {
  DescribeEndpointCommand,
  DescribeTrainingJobCommand,
  SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { CreateStateMachineCommand, SFNClient } from "@aws-sdk/client-sfn";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import {
  describePipelineExecution,
  startPipeline,
  waitForPipeline,
  type ExecutionResult,
} from "../../components/pipeline/client";
import {
  FAILURE_PREFIX,
  pipelineDefinition,
  resolvePipelineSettings,
  STATES,
  type PipelineSettings,
} from "../../components/pipeline";
import type { EndpointTemplate } from "../../components/sagemaker/serving";
import type { TrainingJobTemplate } from "../../components/sagemaker/training-job";
import { registerPipelineCommands } from "../../scripts/cli/commands/pipeline";
import { emulatorEnvironment, postJson } from "../../scripts/cli/emulator";
import {
  clientConfig,
  createLakeBucket,
  emulator,
  gap,
  resetBetweenSuites,
  s3Client,
  skipNote,
  unique,
} from "./support";

const ACCOUNT = "123456789012";
const IMAGE = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/churn-training:1.0`;
const MODEL_IMAGE = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/churn-inference:1.0`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/mlplat-local-pipeline-role`;
/** Small waits, so an execution takes seconds: 1 s polls, retries after 1 s then 2 s, no jitter. */
const FAST: PipelineSettings = {
  integration: "poll",
  pollSeconds: 1,
  retry: { maxAttempts: 2, intervalSeconds: 1, backoffRate: 2, maxDelaySeconds: 4, jitter: false },
};
/** The emulator runs Glue job runs STARTING -> RUNNING -> SUCCEEDED, one step per GetJobRun. */
const GLUE_RUN_TRANSITION = { model_name: "glue::job_run", transition: { progression: "manual", times: 1 } };

const sfn = () => new SFNClient(clientConfig());
const glue = () => new GlueClient(clientConfig());
const sagemaker = () => new SageMakerClient(clientConfig());

let bucket: string;
let topicArn: string;
let training: TrainingJobTemplate;
let serving: EndpointTemplate;

/**
 * The failure topic, made through SNS's Query API: the template has no SNS client among its dependencies
 * (@aws-sdk/client-sns would replace this).
 */
async function createTopic(name: string): Promise<string> {
  const response = await fetch(emulator().endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      // The emulator routes a request by the service in its credential scope; it does not check signatures.
      authorization: `AWS4-HMAC-SHA256 Credential=test/20240101/${emulator().region}/sns/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: new URLSearchParams({ Action: "CreateTopic", Name: name, Version: "2010-03-31" }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  const arn = /<TopicArn>([^<]+)<\/TopicArn>/.exec(text)?.[1];
  if (!response.ok || arn === undefined)
    throw new Error(`CreateTopic ${name}: HTTP ${response.status}: ${text}`);
  return arn;
}

/** The messages the emulator has published to a topic (moto keeps them in its model data). */
async function publishedTo(arn: string): Promise<{ subject: string; message: string }[]> {
  const response = await fetch(`${emulator().endpoint}/moto-api/data.json`, {
    signal: AbortSignal.timeout(10_000),
  });
  const data = (await response.json()) as {
    sns?: { Topic?: { arn: string; sent_notifications: unknown[][] }[] };
  };
  const topic = data.sns?.Topic?.find((t) => t.arn === arn);
  return (topic?.sent_notifications ?? []).map((n) => ({ message: String(n[1]), subject: String(n[2]) }));
}

async function createGlueJob(name: string): Promise<void> {
  await glue().send(
    new CreateJobCommand({
      Name: name,
      Role: ROLE,
      Command: { Name: "glueetl", ScriptLocation: `s3://${bucket}/artifacts/glue/etl.py` },
    }),
  );
}

/** A state machine of the builder's definition for one Glue job name and endpoint. */
async function createPipeline(
  glueJobName: string,
  endpointName: string,
): Promise<{ arn: string; name: string }> {
  const name = `pipeline-${unique()}`;
  const definition = pipelineDefinition({
    namePrefix: "pipe",
    glueJobName,
    training,
    serving,
    endpointName,
    lakeBucket: bucket,
    topicArn,
    tags: { Project: "mlplat" },
    settings: resolvePipelineSettings(FAST),
  });
  const created = await sfn().send(
    new CreateStateMachineCommand({
      name,
      type: "STANDARD",
      roleArn: ROLE,
      definition: JSON.stringify(definition),
    }),
  );
  if (!created.stateMachineArn) throw new Error("CreateStateMachine returned no ARN");
  return { arn: created.stateMachineArn, name };
}

function stepOf(result: ExecutionResult, name: string) {
  return result.steps.find((s) => s.name === name);
}

const skip = gap("sagemaker") ?? gap("glue");

beforeAll(async () => {
  if (skip) return;
  await resetBetweenSuites();
  await postJson(`${emulator().endpoint}/moto-api/state-manager/set-transition`, GLUE_RUN_TRANSITION);
  const lake = await createLakeBucket(`pipeline-${unique()}`);
  bucket = lake.bucket;
  topicArn = await createTopic(`pipeline-failures-${unique()}`);
  // The templates a stack with SageMaker on exports (infra/program.ts), for the lake made above.
  training = {
    roleArn: `arn:aws:iam::${ACCOUNT}:role/mlplat-local-training-role`,
    image: IMAGE,
    instanceType: "ml.m5.xlarge",
    instanceCount: 1,
    volumeSizeGb: 30,
    volumeKmsKeyArn: lake.kmsKeyArn,
    outputKmsKeyArn: lake.kmsKeyArn,
    maxRuntimeSeconds: 3600,
    spot: { enabled: true, maxWaitSeconds: 7200 },
    checkpointUriPrefix: `s3://${bucket}/artifacts/checkpoints/`,
    outputPath: `s3://${bucket}/models/`,
    channels: {
      train: `s3://${bucket}/processed/train/`,
      validation: `s3://${bucket}/processed/validation/`,
    },
    vpc: { subnetIds: ["subnet-0a1b2c3d"], securityGroupIds: ["sg-0a1b2c3d"] },
    enableNetworkIsolation: true,
    defaultHyperparameters: { epochs: "10", batch_size: "32", learning_rate: "0.001" },
  };
  serving = {
    roleArn: `arn:aws:iam::${ACCOUNT}:role/mlplat-local-serving-role`,
    kmsKeyArn: lake.kmsKeyArn,
    image: MODEL_IMAGE,
    instanceType: "ml.m5.xlarge",
    initialInstanceCount: 1,
    subnetIds: ["subnet-0a1b2c3d"],
    securityGroupIds: ["sg-0a1b2c3e"],
    networkIsolation: true,
    autoscaling: {
      minCapacity: 1,
      maxCapacity: 10,
      targetInvocationsPerInstance: 1000,
      scaleInCooldownSeconds: 300,
      scaleOutCooldownSeconds: 60,
    },
  };
});

afterAll(async () => {
  if (skip) return;
  await postJson(`${emulator().endpoint}/moto-api/state-manager/unset-transition`, {
    model_name: GLUE_RUN_TRANSITION.model_name,
  });
});

describe(`the ML pipeline's definition on ${emulator().kind}`, () => {
  it.skipIf(skip)(
    `runs ETL, spot training with checkpoints, model and config, and creates the endpoint ${skipNote("sagemaker")}`,
    async () => {
      const etlJob = `etl-${unique()}`;
      await createGlueJob(etlJob);
      const endpointName = `churn-${unique()}`;
      const machine = await createPipeline(etlJob, endpointName);
      const client = sfn();

      const started = await startPipeline(
        client,
        machine.arn,
        { hyperparameters: { epochs: "3" }, etlArguments: { "--source_prefix": "raw/2024/01/01/" } },
        { name: `happy-${unique()}` },
      );
      const result = await waitForPipeline(client, started.executionArn, { pollMs: 250 });

      expect({ status: result.status, error: result.error, cause: result.cause }).toEqual({
        status: "SUCCEEDED",
        error: undefined,
        cause: undefined,
      });
      const run = `pipe-${started.name}`;
      expect(result.output).toMatchObject({
        etl: { state: "SUCCEEDED" },
        training: { status: "Completed" },
        endpoint: { status: "InService", config: run },
      });
      // The poll loop followed the Glue run through STARTING -> RUNNING -> SUCCEEDED.
      expect(stepOf(result, STATES.checkEtl)?.visits).toBe(2);
      expect(result.steps.map((s) => s.name)).toContain(STATES.createEndpoint);
      expect(result.steps.flatMap((s) => s.failures)).toEqual([]);

      const job = await sagemaker().send(new DescribeTrainingJobCommand({ TrainingJobName: run }));
      expect(job.EnableManagedSpotTraining).toBe(true);
      expect(job.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 7200 });
      expect(job.CheckpointConfig?.S3Uri).toBe(`s3://${bucket}/artifacts/checkpoints/${run}`);
      expect(job.HyperParameters).toEqual({ epochs: "3", batch_size: "32", learning_rate: "0.001" });
      const endpoint = await sagemaker().send(new DescribeEndpointCommand({ EndpointName: endpointName }));
      expect(endpoint).toMatchObject({ EndpointStatus: "InService", EndpointConfigName: run });
    },
    120_000,
  );

  it.skipIf(skip)(
    `retries a step that failed and passes: the ETL job appears while the first retry waits ${skipNote("glue")}`,
    async () => {
      const etlJob = `late-etl-${unique()}`;
      const machine = await createPipeline(etlJob, `churn-${unique()}`);
      const client = sfn();
      const started = await startPipeline(client, machine.arn, {}, { name: `retried-${unique()}` });

      // The job does not exist yet: wait for the first attempt to fail, then make the job.
      const deadline = Date.now() + 20_000;
      for (;;) {
        const now = await describePipelineExecution(client, started.executionArn);
        if ((stepOf(now, STATES.runEtl)?.failures.length ?? 0) > 0) break;
        if (now.status !== "RUNNING" || Date.now() > deadline) {
          throw new Error(`the first ETL attempt did not fail as expected: ${JSON.stringify(now)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await createGlueJob(etlJob);
      const result = await waitForPipeline(client, started.executionArn, { pollMs: 250 });

      expect(result.status).toBe("SUCCEEDED");
      const failures = stepOf(result, STATES.runEtl)?.failures ?? [];
      expect(failures.length).toBeGreaterThanOrEqual(1);
      expect(failures.length).toBeLessThanOrEqual(2);
      for (const failure of failures) expect(failure.error).toBe("Glue.EntityNotFoundException");
      expect(stepOf(result, STATES.describeFailure)).toBeUndefined();
    },
    120_000,
  );

  it.skipIf(skip)(
    `catches a step that keeps failing: records it in the lake, notifies the topic, and fails ${skipNote("glue")}`,
    async () => {
      const missingJob = `missing-etl-${unique()}`;
      const machine = await createPipeline(missingJob, `churn-${unique()}`);
      const client = sfn();
      const started = await startPipeline(
        client,
        machine.arn,
        { hyperparameters: { epochs: "5" } },
        {
          name: `caught-${unique()}`,
        },
      );
      const result = await waitForPipeline(client, started.executionArn, { pollMs: 250 });

      expect(result.status).toBe("FAILED");
      expect(result.error).toBe("MlPipeline.Failed");
      const summary = JSON.parse(result.cause ?? "{}") as Record<string, { Error: string; Cause: string }>;
      expect(Object.keys(summary)).toEqual([STATES.runEtl]);
      expect(summary.RunEtl?.Error).toBe("Glue.EntityNotFoundException");
      // The first attempt and both retries failed, then the catch took over.
      expect(stepOf(result, STATES.runEtl)?.failures.length).toBe(3);
      expect(result.steps.map((s) => s.name)).toEqual([
        STATES.configure,
        STATES.nameRun,
        STATES.runEtl,
        STATES.describeFailure,
        STATES.recordFailure,
        STATES.notify,
        STATES.failed,
      ]);

      const key = `${FAILURE_PREFIX}${machine.name}/${started.name}.json`;
      const object = await s3Client().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const record = JSON.parse(await (object.Body?.transformToString() ?? "{}")) as Record<string, unknown>;
      expect(record).toMatchObject({
        execution: started.executionArn,
        stateMachine: machine.arn,
        input: { hyperparameters: { epochs: "5" } },
        failures: { RunEtl: { Error: "Glue.EntityNotFoundException" } },
        record: `s3://${bucket}/${key}`,
      });
      expect(record.recordError).toBeUndefined();

      const notifications = (await publishedTo(topicArn)).filter((n) =>
        n.message.includes(started.executionArn),
      );
      expect(notifications).toHaveLength(1);
      expect(notifications[0]?.subject).toBe("ML pipeline execution failed");
      expect(JSON.parse(notifications[0]?.message ?? "{}")).toMatchObject({
        execution: started.executionArn,
        record: `s3://${bucket}/${key}`,
        failures: { RunEtl: { Error: "Glue.EntityNotFoundException" } },
      });
    },
    120_000,
  );

  it.skipIf(skip)(
    `mlplat pipeline run and status find the state machine in the stack's outputs ${skipNote("sagemaker")}`,
    async () => {
      const etlJob = `etl-${unique()}`;
      await createGlueJob(etlJob);
      const machine = await createPipeline(etlJob, `churn-${unique()}`);
      const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "mlplat-pipeline-"));
      const outputs = path.join(scratch, "outputs.json");
      fs.writeFileSync(
        outputs,
        JSON.stringify({ region: emulator().region, pipeline: { stateMachineArn: machine.arn } }),
      );
      const input = path.join(scratch, "input.json");
      fs.writeFileSync(input, JSON.stringify({ hyperparameters: { epochs: "2" } }));
      const name = `cli-${unique()}`;

      const mlplat = async (args: string[]): Promise<string> => {
        const program = new Command("mlplat").exitOverride();
        registerPipelineCommands(program);
        const written: string[] = [];
        const stdout = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
          written.push(String(chunk));
          return true;
        });
        const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
        try {
          await program.parseAsync(args, { from: "user" });
        } finally {
          stdout.mockRestore();
          stderr.mockRestore();
        }
        return written.join("");
      };
      const saved = { ...process.env };
      Object.assign(process.env, emulatorEnvironment(emulator().endpoint, emulator().region));
      try {
        const run = JSON.parse(
          await mlplat([
            "pipeline",
            "run",
            "--outputs",
            outputs,
            "--input",
            input,
            "--name",
            name,
            "--poll",
            "0.25",
          ]),
        ) as ExecutionResult;
        expect(run).toMatchObject({ name, status: "SUCCEEDED" });
        const status = JSON.parse(
          await mlplat(["pipeline", "status", "--outputs", outputs, name]),
        ) as ExecutionResult;
        expect(status).toMatchObject({ name, status: "SUCCEEDED", executionArn: run.executionArn });
        expect(status.steps.at(-1)?.name).toBe(STATES.deployed);
      } finally {
        process.env = saved;
      }
      const job = await sagemaker().send(new DescribeTrainingJobCommand({ TrainingJobName: `pipe-${name}` }));
      expect(job.HyperParameters?.epochs).toBe("2");
    },
    120_000,
  );
});
