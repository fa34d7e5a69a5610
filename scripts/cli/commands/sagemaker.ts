import * as readline from "node:readline/promises";

import { type Command } from "commander";

import type { EndpointTemplate } from "../../../components/sagemaker/serving";
import type { TrainingJobTemplate } from "../../../components/sagemaker/training-job";
import { UsageError } from "../errors";
import { outputAt, parseObject, readFile, readStackOutputs, type OutputsSource } from "../stack-outputs";

interface SourceFlags {
  stack?: string;
  outputs?: string;
  template?: string;
  cwd?: string;
  region?: string;
}

/** `mlplat train`, `mlplat deploy` and `mlplat invoke`: SageMaker from the stack's templates. */
export function registerSageMakerCommands(program: Command): void {
  withSource(program.command("train"))
    .description("Submit a training job from the stack's template and follow it until it ends")
    .option("-j, --job-name <name>", "the job's name (default: <image repository>-<UTC timestamp>)")
    .option(
      "-p, --hyperparameter <key=value>",
      "a hyperparameter over the template's defaults (repeatable)",
      collect,
      [],
    )
    .option("--no-follow", "submit and return without waiting for the job")
    .option("--poll <seconds>", "seconds between status checks", "15")
    .action(
      async (
        flags: SourceFlags & { jobName?: string; hyperparameter: string[]; follow: boolean; poll: string },
      ) => {
        const template = loadTemplate(flags, "sagemaker.trainingTemplate") as TrainingJobTemplate;
        const hyperparameters = parseHyperparameters(flags.hyperparameter);
        const jobName = flags.jobName ?? defaultJobName(template.image);
        const pollMs = seconds(flags.poll, "--poll") * 1000;
        const { clients } = await sdk(flags.region);
        const { startTrainingJob, waitForTrainingJob, stopTrainingJob } =
          await import("../../../components/sagemaker/client");

        const started = await startTrainingJob(clients.sagemaker, template, jobName, hyperparameters);
        progress(
          `submitted ${started.jobName} (${template.instanceType}, spot ${template.spot.enabled ? "on" : "off"})`,
        );
        if (!flags.follow) {
          process.stdout.write(`${started.jobName}\n`);
          return;
        }
        const interrupt = new AbortController();
        const onSigint = () => {
          interrupt.abort();
        };
        process.once("SIGINT", onSigint);
        try {
          const result = await waitForTrainingJob(clients.sagemaker, jobName, {
            pollMs,
            signal: interrupt.signal,
            onStatus: (status, message) => {
              progress(`${jobName}: ${status}${message ? ` - ${message}` : ""}`);
            },
          });
          if (interrupt.signal.aborted && !["Completed", "Failed", "Stopped"].includes(result.status)) {
            if (await confirm(`Stop training job ${jobName} too? [y/N] `)) {
              await stopTrainingJob(clients.sagemaker, jobName);
              progress(`stopping ${jobName}`);
            } else {
              progress(
                `${jobName} keeps running; follow it with: mlplat train ... or aws sagemaker describe-training-job --training-job-name ${jobName}`,
              );
            }
            process.exitCode = 1;
            return;
          }
          if (result.status !== "Completed") {
            throw new Error(
              `training job ${jobName} ${result.status.toLowerCase()}${result.failureReason ? `: ${result.failureReason}` : ""}`,
            );
          }
          process.stdout.write(`${result.modelArtifact ?? ""}\n`);
        } finally {
          process.off("SIGINT", onSigint);
        }
      },
    );

  withSource(program.command("deploy"))
    .description(
      "Serve a model version: new model and endpoint config, endpoint created or updated, autoscaling registered",
    )
    .requiredOption("-e, --endpoint-name <name>", "the endpoint to create or update")
    .option("-m, --model-data <s3-uri>", "the model archive (s3://.../model.tar.gz)")
    .option("--from-job <name>", "serve the model archive a completed training job produced")
    .option("--image <uri>", "inference image (default: the template's)")
    .option("--instance-type <type>", "instance type (default: the template's)")
    .option("--instance-count <n>", "initial instance count (default: the template's)")
    .option("--poll <seconds>", "seconds between status checks", "30")
    .action(
      async (
        flags: SourceFlags & {
          endpointName: string;
          modelData?: string;
          fromJob?: string;
          image?: string;
          instanceType?: string;
          instanceCount?: string;
          poll: string;
        },
      ) => {
        if ((flags.modelData === undefined) === (flags.fromJob === undefined)) {
          throw new UsageError(
            "deploy: pass exactly one of --model-data <s3-uri> and --from-job <training job name>",
          );
        }
        const template = loadTemplate(flags, "sagemaker.endpointTemplate") as EndpointTemplate;
        const pollMs = seconds(flags.poll, "--poll") * 1000;
        const { clients } = await sdk(flags.region);
        const client = await import("../../../components/sagemaker/client");
        const modelDataUrl = flags.modelData ?? (await artifactOfJob(clients, flags.fromJob ?? ""));
        const result = await client.deployModel(
          clients,
          {
            endpointName: flags.endpointName,
            image: flags.image ?? template.image,
            modelDataUrl,
            roleArn: template.roleArn,
            kmsKeyArn: template.kmsKeyArn,
            instanceType: flags.instanceType ?? template.instanceType,
            initialInstanceCount:
              flags.instanceCount === undefined
                ? template.initialInstanceCount
                : count(flags.instanceCount, "--instance-count"),
            subnetIds: template.subnetIds,
            securityGroupIds: template.securityGroupIds,
            networkIsolation: template.networkIsolation,
            autoscaling: template.autoscaling,
          },
          { pollMs, onStep: progress },
        );
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      },
    );

  program
    .command("invoke")
    .description("Call an endpoint with a JSON payload and print its JSON answer")
    .requiredOption("-e, --endpoint-name <name>", "the endpoint to call")
    .option("--payload <json>", "the request body, e.g. '{\"features\": [0.1, 0.2, 0.3]}'")
    .option("--payload-file <file>", "a file holding the request body")
    .option("--region <region>", "AWS region (default: AWS_REGION)")
    .action(
      async (flags: { endpointName: string; payload?: string; payloadFile?: string; region?: string }) => {
        if ((flags.payload === undefined) === (flags.payloadFile === undefined)) {
          throw new UsageError("invoke: pass exactly one of --payload <json> and --payload-file <file>");
        }
        const text = flags.payload ?? readFile(flags.payloadFile ?? "", "--payload-file");
        let payload: unknown;
        try {
          payload = JSON.parse(text);
        } catch (err) {
          throw new UsageError(
            `--payload: got ${JSON.stringify(text.slice(0, 60))}, expected JSON (${(err as Error).message})`,
          );
        }
        const { clients } = await sdk(flags.region);
        const { invokeEndpoint } = await import("../../../components/sagemaker/client");
        process.stdout.write(
          `${JSON.stringify(await invokeEndpoint(clients.runtime, flags.endpointName, payload))}\n`,
        );
      },
    );
}

function withSource(command: Command): Command {
  return command
    .option(
      "-s, --stack <name>",
      "read the templates from this deployed stack's outputs (needs the Pulumi CLI)",
    )
    .option(
      "-o, --outputs <file>",
      "read them from a file of `pulumi stack output --json --show-secrets` (- for stdin)",
    )
    .option("-t, --template <file>", "read the template itself from a JSON file")
    .option("-C, --cwd <dir>", "the Pulumi project's folder, for --stack")
    .option("--region <region>", "AWS region (default: AWS_REGION, then the stack's region)");
}

/** A template (the SageMaker client checks it before any call), from a file or the stack's outputs. */
function loadTemplate(flags: SourceFlags, outputPath: string): unknown {
  if (flags.template !== undefined) {
    return parseObject(readFile(flags.template, "--template"), `--template ${flags.template}`);
  }
  const source: OutputsSource = {
    ...(flags.stack !== undefined ? { stack: flags.stack } : {}),
    ...(flags.outputs !== undefined ? { outputs: flags.outputs } : {}),
    ...(flags.cwd !== undefined ? { cwd: flags.cwd } : {}),
  };
  const outputs = readStackOutputs(source);
  if (flags.region === undefined && typeof outputs.region === "string") flags.region = outputs.region;
  return outputAt(outputs, outputPath, "is SageMaker switched on in the stack (mlplat:features.sagemaker)?");
}

/** SDK clients; they honour AWS_ENDPOINT_URL, so the same commands run against the sandbox. */
async function sdk(region: string | undefined) {
  const [{ SageMakerClient }, { SageMakerRuntimeClient }, { ApplicationAutoScalingClient }] =
    await Promise.all([
      import("@aws-sdk/client-sagemaker"),
      import("@aws-sdk/client-sagemaker-runtime"),
      import("@aws-sdk/client-application-auto-scaling"),
    ]);
  // Against an emulator an unimplemented call fails the same way every time: do not retry it.
  const config = {
    ...(region ? { region } : {}),
    ...(process.env.AWS_ENDPOINT_URL ? { maxAttempts: 1 } : {}),
  };
  return {
    clients: {
      sagemaker: new SageMakerClient(config),
      runtime: new SageMakerRuntimeClient(config),
      autoscaling: new ApplicationAutoScalingClient(config),
    },
  };
}

async function artifactOfJob(
  clients: Awaited<ReturnType<typeof sdk>>["clients"],
  jobName: string,
): Promise<string> {
  const { DescribeTrainingJobCommand } = await import("@aws-sdk/client-sagemaker");
  const job = await clients.sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: jobName }));
  const artifact = job.ModelArtifacts?.S3ModelArtifacts;
  if (job.TrainingJobStatus !== "Completed" || !artifact) {
    throw new UsageError(
      `--from-job ${jobName}: the job is ${job.TrainingJobStatus ?? "unknown"}, expected a completed job with a model artifact`,
    );
  }
  return artifact;
}

function parseHyperparameters(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at <= 0)
      throw new UsageError(
        `--hyperparameter: got ${JSON.stringify(pair)}, expected key=value (e.g. epochs=10)`,
      );
    out[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return out;
}

/** `<repository>-<yyyymmddhhmmss>`: unique per second, readable, and within SageMaker's 63 characters. */
export function defaultJobName(image: string, now = new Date()): string {
  const repository = (image.split("/").pop() ?? "job").split(/[:@]/)[0] ?? "job";
  const stem =
    repository
      .replace(/[^a-zA-Z0-9-]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 48) || "job";
  return `${stem}-${now
    .toISOString()
    .replace(/[-:TZ.]/g, "")
    .slice(0, 14)}`;
}

function seconds(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError(`${flag}: got ${JSON.stringify(value)}, expected a number of seconds above 0`);
  return n;
}

function count(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${flag}: got ${JSON.stringify(value)}, expected a whole number of at least 1`);
  return n;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function progress(message: string): void {
  process.stderr.write(`[mlplat] ${message}\n`);
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}
