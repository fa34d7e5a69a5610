/**
 * The SageMaker flow against the emulator, through the CLI as people run it: `mlplat train` from the stack's
 * training template, `mlplat deploy --from-job` with autoscaling, `mlplat invoke` answered by a queued result.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
} from "@aws-sdk/client-application-auto-scaling";
import {
  DescribeEndpointCommand,
  DescribeTrainingJobCommand,
  SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { beforeAll, describe, expect, it } from "vitest";

import type { EndpointTemplate } from "../../components/sagemaker/serving";
import type { TrainingJobTemplate } from "../../components/sagemaker/training-job";
import { emulatorEnvironment, postJson } from "../../scripts/cli/emulator";
import { REPO_ROOT } from "../harness";
import {
  clientConfig,
  createLakeBucket,
  emulator,
  gap,
  resetBetweenSuites,
  skipNote,
  unique,
} from "./support";

const BIN = path.join(REPO_ROOT, "scripts", "bin", "mlplat.cjs");
const ACCOUNT = "123456789012";
const IMAGE = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/churn-training:1.0`;
const MODEL_IMAGE = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/churn-inference:1.0`;

let scratch: string;
let trainingTemplate: TrainingJobTemplate;
let endpointTemplate: EndpointTemplate;

function mlplat(
  args: string[],
  env: Record<string, string> = emulatorEnvironment(emulator().endpoint, emulator().region),
) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function writeJson(name: string, value: unknown): string {
  const file = path.join(scratch, name);
  fs.writeFileSync(file, JSON.stringify(value));
  return file;
}

beforeAll(async () => {
  await resetBetweenSuites();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "mlplat-sagemaker-"));
  const { bucket, kmsKeyArn } = await createLakeBucket(`sagemaker-${unique()}`);
  // The templates a stack with SageMaker on exports (infra/program.ts), for the lake made above.
  trainingTemplate = {
    roleArn: `arn:aws:iam::${ACCOUNT}:role/mlplat-local-training-role`,
    image: IMAGE,
    instanceType: "ml.p3.2xlarge",
    instanceCount: 1,
    volumeSizeGb: 100,
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
    defaultHyperparameters: { epochs: "10", batch_size: "32", learning_rate: "0.001" },
  };
  endpointTemplate = {
    roleArn: `arn:aws:iam::${ACCOUNT}:role/mlplat-local-serving-role`,
    kmsKeyArn,
    image: MODEL_IMAGE,
    instanceType: "ml.m5.xlarge",
    initialInstanceCount: 2,
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

describe("train -> deploy -> invoke", () => {
  it.skipIf(gap("sagemaker"))(
    `trains from the template, serves the job's model with autoscaling and answers an invocation ${skipNote("sagemaker")}`,
    async () => {
      const outputs = writeJson("outputs.json", {
        region: emulator().region,
        sagemaker: { trainingTemplate, endpointTemplate },
      });
      const jobName = `churn-${unique()}`;

      const train = mlplat([
        "train",
        "--outputs",
        outputs,
        "--job-name",
        jobName,
        "-p",
        "epochs=20",
        "--poll",
        "0.2",
      ]);
      expect(train.stderr).toContain(`submitted ${jobName} (ml.p3.2xlarge, spot on)`);
      expect(train.code).toBe(0);
      expect(train.stdout.trim()).toMatch(new RegExp(`^s3://.+/models/${jobName}/output/model\\.tar\\.gz$`));

      const sagemaker = new SageMakerClient(clientConfig());
      const job = await sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: jobName }));
      expect(job.HyperParameters).toEqual({ epochs: "20", batch_size: "32", learning_rate: "0.001" });
      expect(job.CheckpointConfig?.S3Uri).toBe(`${trainingTemplate.checkpointUriPrefix}${jobName}`);
      expect(job.EnableManagedSpotTraining).toBe(true);
      expect(job.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 7200 });

      const endpointName = `churn-${unique()}`;
      const deploy = mlplat([
        "deploy",
        "--outputs",
        outputs,
        "--endpoint-name",
        endpointName,
        "--from-job",
        jobName,
        "--poll",
        "0.2",
      ]);
      expect(deploy.code, deploy.stderr).toBe(0);
      const deployed = JSON.parse(deploy.stdout) as {
        action: string;
        status: string;
        scalableResourceId: string;
      };
      expect(deployed).toMatchObject({
        action: "created",
        status: "InService",
        scalableResourceId: `endpoint/${endpointName}/variant/AllTraffic`,
      });
      const endpoint = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName }));
      expect(endpoint.EndpointStatus).toBe("InService");

      const autoscaling = new ApplicationAutoScalingClient(clientConfig());
      const targets = await autoscaling.send(
        new DescribeScalableTargetsCommand({
          ServiceNamespace: "sagemaker",
          ResourceIds: [deployed.scalableResourceId],
        }),
      );
      expect(
        targets.ScalableTargets?.map((t) => [t.MinCapacity, t.MaxCapacity, t.ScalableDimension]),
      ).toEqual([[1, 10, "sagemaker:variant:DesiredInstanceCount"]]);
      const policies = await autoscaling.send(
        new DescribeScalingPoliciesCommand({
          ServiceNamespace: "sagemaker",
          ResourceId: deployed.scalableResourceId,
        }),
      );
      expect(policies.ScalingPolicies?.[0]?.TargetTrackingScalingPolicyConfiguration).toMatchObject({
        TargetValue: 1000,
        PredefinedMetricSpecification: { PredefinedMetricType: "SageMakerVariantInvocationsPerInstance" },
        ScaleInCooldown: 300,
        ScaleOutCooldown: 60,
      });

      // The emulator runs no model: queue the answer the endpoint gives, as a stand-in for the container.
      await postJson(`${emulator().endpoint}/moto-api/static/sagemaker/endpoint-results`, {
        account_id: ACCOUNT,
        region: emulator().region,
        results: [{ Body: JSON.stringify({ prediction: 0.87 }), ContentType: "application/json" }],
      });
      const invoke = mlplat([
        "invoke",
        "--endpoint-name",
        endpointName,
        "--payload",
        '{"features": [0.1, 0.2, 0.3]}',
      ]);
      expect(invoke.code, invoke.stderr).toBe(0);
      expect(JSON.parse(invoke.stdout)).toEqual({ prediction: 0.87 });
    },
  );

  it("refuses a bad instance type before any API call", () => {
    const template = writeJson("bad.json", { ...trainingTemplate, instanceType: "ml.p3.3xlarge" });
    // Nothing listens on port 9: any API call would fail with a connection error (exit 1), not a usage error.
    const result = mlplat(["train", "--template", template, "--job-name", "never"], {
      AWS_ENDPOINT_URL: "http://127.0.0.1:9",
      AWS_REGION: "us-east-1",
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'template.instanceType: got "ml.p3.3xlarge", expected a SageMaker training instance type from the catalog (components/catalog/instances.ts); did you mean ml.p3.2xlarge?',
    );
  });

  it("names a job that cannot be served", () => {
    const outputs = writeJson("outputs2.json", { sagemaker: { trainingTemplate, endpointTemplate } });
    const result = mlplat([
      "deploy",
      "--outputs",
      outputs,
      "--endpoint-name",
      "x",
      "--model-data",
      "s3://b/models/m.tar.gz",
      "--from-job",
      "j",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "pass exactly one of --model-data <s3-uri> and --from-job <training job name>",
    );
  });
});
