/**
 * The ETL trigger's event pattern and input transformer in the emulator, as far as moto 5.2 serves them:
 *
 * - Served: S3 sends a bucket's events to EventBridge once its notification configuration holds
 *   `EventBridgeConfiguration`; rules match them with the trigger's exact pattern (prefix and wildcard
 *   filters); input transformers are applied to events sent with PutEvents; Step Functions runs the pipeline's
 *   definition with the transformed input, and the Glue run gets its `--source_path`.
 * - Not served, so not covered here: moto delivers S3-originated events to targets WITHOUT their input
 *   transformer, and it has no Step Functions target (it drops the event; PutEvents to such a rule fails), so
 *   the rule's own target cannot start the execution; it has no target retry policy or dead-letter queue, and
 *   it enforces neither the target role nor the queue policy. The tests observe the rule through an SQS target
 *   instead, apply the transformer through PutEvents with the event S3 sent, and start the execution with the
 *   result themselves. The unit tests pin the declared target, role, retry policy and queue.
 */
import { CreateJobCommand, GetJobRunsCommand, GlueClient } from "@aws-sdk/client-glue";
import { PutBucketNotificationConfigurationCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { CreateStateMachineCommand, SFNClient } from "@aws-sdk/client-sfn";
import { beforeAll, describe, expect, it } from "vitest";

import {
  etlEventPattern,
  etlInputTransformer,
  resolveEtlTriggerSettings,
  type EtlTriggerSettings,
  type ResolvedEtlTriggerSettings,
} from "../../components/etl-trigger";
import { startPipeline, waitForPipeline } from "../../components/pipeline/client";
import { pipelineDefinition, resolvePipelineSettings, type PipelineInput } from "../../components/pipeline";
import type { EndpointTemplate } from "../../components/sagemaker/serving";
import type { TrainingJobTemplate } from "../../components/sagemaker/training-job";
import { postJson } from "../../scripts/cli/emulator";
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
const ROLE = `arn:aws:iam::${ACCOUNT}:role/mlplat-local-pipeline-role`;
/** The emulator runs Glue job runs STARTING -> RUNNING -> SUCCEEDED, one step per GetJobRun. */
const GLUE_RUN_TRANSITION = { model_name: "glue::job_run", transition: { progression: "manual", times: 1 } };

/**
 * A call to an AWS JSON-protocol API (EventBridge, SQS): the template has no EventBridge or SQS client among its
 * dependencies (@aws-sdk/client-eventbridge and -sqs would replace this). The emulator routes a request by the
 * service in its credential scope and does not check signatures.
 */
async function awsJson<T = Record<string, unknown>>(
  service: "events" | "sqs",
  action: string,
  body: Record<string, unknown>,
): Promise<T> {
  const [prefix, version] = service === "events" ? ["AWSEvents", "1.1"] : ["AmazonSQS", "1.0"];
  const response = await fetch(emulator().endpoint, {
    method: "POST",
    headers: {
      "content-type": `application/x-amz-json-${version}`,
      "x-amz-target": `${prefix}.${action}`,
      authorization: `AWS4-HMAC-SHA256 Credential=test/20240101/${emulator().region}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${service} ${action}: HTTP ${response.status}: ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : {}) as T;
}

/** A queue that a rule's target delivers to, so a test can see what the rule matched. */
async function observerQueue(): Promise<{ url: string; arn: string }> {
  const { QueueUrl: url } = await awsJson<{ QueueUrl: string }>("sqs", "CreateQueue", {
    QueueName: `etl-observer-${unique()}`,
  });
  const { Attributes } = await awsJson<{ Attributes: { QueueArn: string } }>("sqs", "GetQueueAttributes", {
    QueueUrl: url,
    AttributeNames: ["QueueArn"],
  });
  return { url, arn: Attributes.QueueArn };
}

async function receiveAll(url: string): Promise<unknown[]> {
  const { Messages } = await awsJson<{ Messages?: { Body: string }[] }>("sqs", "ReceiveMessage", {
    QueueUrl: url,
    MaxNumberOfMessages: 10,
    WaitTimeSeconds: 0,
  });
  return (Messages ?? []).map((m) => JSON.parse(m.Body) as unknown);
}

/** The EventBridge input transformer as the API spells it. */
function apiTransformer(s: ResolvedEtlTriggerSettings) {
  const t = etlInputTransformer(s);
  return { InputPathsMap: t.inputPaths, InputTemplate: t.inputTemplate };
}

/** A lake bucket (SSE-KMS, versioned, private) that sends its events to EventBridge, as `eventBridge: true` does. */
async function eventLake(): Promise<string> {
  const { bucket } = await createLakeBucket(`etl-${unique()}`);
  await s3Client().send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: bucket,
      NotificationConfiguration: { EventBridgeConfiguration: {} },
    }),
  );
  return bucket;
}

/** The trigger's rule for `bucket`, with an SQS target in place of the state machine (see the file's comment). */
async function triggerRule(bucket: string, settings: EtlTriggerSettings) {
  const s = resolveEtlTriggerSettings(settings);
  const queue = await observerQueue();
  const rule = `etl-rule-${unique()}`;
  await awsJson("events", "PutRule", {
    Name: rule,
    EventPattern: JSON.stringify(etlEventPattern(bucket, s)),
    State: "ENABLED",
  });
  await awsJson("events", "PutTargets", { Rule: rule, Targets: [{ Id: "observer", Arn: queue.arn }] });
  return { settings: s, queue };
}

/** Applies the trigger's input transformer to an event's detail, through a rule on a test source and PutEvents. */
async function transform(s: ResolvedEtlTriggerSettings, detail: unknown): Promise<unknown> {
  const queue = await observerQueue();
  const source = `mlplat.test.${unique()}`;
  const rule = `etl-transform-${unique()}`;
  await awsJson("events", "PutRule", { Name: rule, EventPattern: JSON.stringify({ source: [source] }) });
  await awsJson("events", "PutTargets", {
    Rule: rule,
    Targets: [{ Id: "observer", Arn: queue.arn, InputTransformer: apiTransformer(s) }],
  });
  const put = await awsJson<{ FailedEntryCount: number }>("events", "PutEvents", {
    Entries: [{ Source: source, DetailType: "Object Created", Detail: JSON.stringify(detail) }],
  });
  expect(put.FailedEntryCount).toBe(0);
  const [input, ...more] = await receiveAll(queue.url);
  expect(more).toEqual([]);
  return input;
}

async function put(bucket: string, key: string): Promise<void> {
  await s3Client().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: "{}" }));
}

interface S3Event {
  id: string;
  source: string;
  "detail-type": string;
  detail: { bucket: { name: string }; object: { key: string } };
}

const skip = gap("glue") ?? gap("sagemaker");

beforeAll(async () => {
  await resetBetweenSuites();
});

describe(`the ETL trigger's rule on ${emulator().kind}`, () => {
  it("matches only the _SUCCESS marker of a drop under raw/ in the lake bucket (the default)", async () => {
    const bucket = await eventLake();
    const other = await eventLake();
    const { queue } = await triggerRule(bucket, {});

    await put(bucket, "raw/clicks/2024-01-01/part-0000.json");
    await put(bucket, "raw/clicks/2024-01-01/part-0001.json");
    await put(bucket, "processed/clicks/_SUCCESS");
    await put(other, "raw/clicks/2024-01-01/_SUCCESS");
    await put(bucket, "raw/clicks/2024-01-01/_SUCCESS");

    const events = (await receiveAll(queue.url)) as S3Event[];
    expect(
      events.map((e) => [e.source, e["detail-type"], e.detail.bucket.name, e.detail.object.key]),
    ).toEqual([["aws.s3", "Object Created", bucket, "raw/clicks/2024-01-01/_SUCCESS"]]);
  });

  it("matches every object under the watched prefix, and nothing outside it, when no suffix is set", async () => {
    const bucket = await eventLake();
    const { queue } = await triggerRule(bucket, {
      prefixes: ["raw/clicks/"],
      suffixes: [],
      sourcePath: "object",
    });

    await put(bucket, "raw/orders/a.json");
    await put(bucket, "raw/clicks.json");
    await put(bucket, "processed/clicks/a.json");
    await put(bucket, "raw/clicks/a.json");
    await put(bucket, "raw/clicks/2024/b.json");

    const events = (await receiveAll(queue.url)) as S3Event[];
    expect(events.map((e) => e.detail.object.key).sort()).toEqual([
      "raw/clicks/2024/b.json",
      "raw/clicks/a.json",
    ]);
  });

  it("turns the event S3 sent into the pipeline's input: the watched prefix, or the object, as --source_path", async () => {
    const bucket = await eventLake();
    const { settings, queue } = await triggerRule(bucket, { prefixes: ["raw/clicks/"] });
    await put(bucket, "raw/clicks/2024-01-01/_SUCCESS");
    const [event] = (await receiveAll(queue.url)) as S3Event[];
    if (event === undefined) throw new Error("the rule matched no event");

    const marker = `s3://${bucket}/raw/clicks/2024-01-01/_SUCCESS`;
    expect(await transform(settings, event.detail)).toEqual({
      etlArguments: { "--source_path": `s3://${bucket}/raw/clicks/`, "--trigger_object": marker },
    });

    const perObject = resolveEtlTriggerSettings({ suffixes: [], sourcePath: "object" });
    expect(await transform(perObject, event.detail)).toEqual({
      etlArguments: { "--source_path": marker, "--trigger_object": marker },
    });
  });

  it.skipIf(skip)(
    `runs the pipeline's definition on the transformed input, whose Glue run reads the watched prefix ${skipNote("glue")}`,
    async () => {
      await postJson(`${emulator().endpoint}/moto-api/state-manager/set-transition`, GLUE_RUN_TRANSITION);
      try {
        const { bucket, kmsKeyArn } = await createLakeBucket(`etl-pipe-${unique()}`);
        const settings = resolveEtlTriggerSettings({ prefixes: ["raw/clicks/"] });
        const input = await transform(settings, {
          bucket: { name: bucket },
          object: { key: "raw/clicks/2024-01-01/_SUCCESS" },
        });

        const glue = new GlueClient(clientConfig());
        const job = `etl-${unique()}`;
        await glue.send(
          new CreateJobCommand({
            Name: job,
            Role: ROLE,
            Command: { Name: "glueetl", ScriptLocation: `s3://${bucket}/artifacts/glue/etl.py` },
          }),
        );
        const sfn = new SFNClient(clientConfig());
        const created = await sfn.send(
          new CreateStateMachineCommand({
            name: `etl-pipeline-${unique()}`,
            type: "STANDARD",
            roleArn: ROLE,
            definition: JSON.stringify(
              pipelineDefinition({
                namePrefix: "etl",
                glueJobName: job,
                training: trainingTemplate(bucket, kmsKeyArn),
                serving: servingTemplate(kmsKeyArn),
                endpointName: `churn-${unique()}`,
                lakeBucket: bucket,
                topicArn: `arn:aws:sns:${emulator().region}:${ACCOUNT}:unused`,
                settings: resolvePipelineSettings({
                  integration: "poll",
                  pollSeconds: 1,
                  retry: { maxAttempts: 0 },
                }),
              }),
            ),
          }),
        );
        if (!created.stateMachineArn) throw new Error("CreateStateMachine returned no ARN");

        // The pipeline's own client validates the input against its contract before starting the execution.
        const started = await startPipeline(sfn, created.stateMachineArn, input as PipelineInput, {
          name: `trigger-${unique()}`,
        });
        const result = await waitForPipeline(sfn, started.executionArn, { pollMs: 250 });
        expect({ status: result.status, cause: result.cause }).toEqual({
          status: "SUCCEEDED",
          cause: undefined,
        });

        const runs = await glue.send(new GetJobRunsCommand({ JobName: job }));
        expect(runs.JobRuns?.map((r) => r.Arguments)).toEqual([
          {
            "--source_path": `s3://${bucket}/raw/clicks/`,
            "--trigger_object": `s3://${bucket}/raw/clicks/2024-01-01/_SUCCESS`,
          },
        ]);
      } finally {
        await postJson(`${emulator().endpoint}/moto-api/state-manager/unset-transition`, {
          model_name: GLUE_RUN_TRANSITION.model_name,
        });
      }
    },
  );
});

/** The training template a stack with SageMaker on exports (infra/program.ts), for a lake made with the SDK. */
function trainingTemplate(bucket: string, kmsKeyArn: string): TrainingJobTemplate {
  return {
    roleArn: `arn:aws:iam::${ACCOUNT}:role/mlplat-local-training-role`,
    image: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/churn-training:1.0`,
    instanceType: "ml.m5.xlarge",
    instanceCount: 1,
    volumeSizeGb: 30,
    volumeKmsKeyArn: kmsKeyArn,
    outputKmsKeyArn: kmsKeyArn,
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
    defaultHyperparameters: { epochs: "10" },
  };
}

function servingTemplate(kmsKeyArn: string): EndpointTemplate {
  return {
    roleArn: `arn:aws:iam::${ACCOUNT}:role/mlplat-local-serving-role`,
    kmsKeyArn,
    image: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/churn-inference:1.0`,
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
}
