import { type Command } from "commander";

import type { PipelineInput } from "../../../components/pipeline/definition";
import { UsageError } from "../errors";
import { outputAt, parseObject, readFile, readStackOutputs, type OutputsSource } from "../stack-outputs";

interface SourceFlags {
  stack?: string;
  outputs?: string;
  stateMachine?: string;
  cwd?: string;
  region?: string;
}

/** `mlplat pipeline run` and `mlplat pipeline status`: the Step Functions ML pipeline the stack declares. */
export function registerPipelineCommands(program: Command): void {
  const pipeline = program
    .command("pipeline")
    .description("Run the ML pipeline (Glue ETL -> training -> endpoint) and follow its executions");

  withSource(pipeline.command("run"))
    .description("Start an execution, follow it to its end, and print its result")
    .option(
      "-i, --input <file>",
      'a JSON file: {"hyperparameters": {...}, "etlArguments": {"--key": "value"}}',
    )
    .option("-n, --name <execution>", "the execution's name (default: run-<UTC timestamp>)")
    .option("--no-wait", "start the execution and print its ARN without following it")
    .option("--poll <seconds>", "seconds between status checks", "10")
    .action(async (flags: SourceFlags & { input?: string; name?: string; wait: boolean; poll: string }) => {
      const input = flags.input === undefined ? {} : readInput(flags.input);
      const stateMachineArn = stateMachineOf(flags);
      const pollMs = seconds(flags.poll, "--poll") * 1000;
      const client = await sfn(flags.region);
      const { startPipeline } = await import("../../../components/pipeline/client");
      const started = await startPipeline(client, stateMachineArn, input, {
        ...(flags.name !== undefined ? { name: flags.name } : {}),
      });
      progress(`started ${started.name}`);
      if (!flags.wait) {
        process.stdout.write(`${started.executionArn}\n`);
        return;
      }
      await follow(client, started.executionArn, pollMs);
    });

  withSource(pipeline.command("status"))
    .description("Show an execution's status, output or error, and what each step did")
    .argument("<execution>", "the execution's name or ARN")
    .option("-f, --follow", "follow the execution until it ends")
    .option("--poll <seconds>", "seconds between status checks", "10")
    .action(async (execution: string, flags: SourceFlags & { follow?: boolean; poll: string }) => {
      const pollMs = seconds(flags.poll, "--poll") * 1000;
      const { executionArnOf, describePipelineExecution } =
        await import("../../../components/pipeline/client");
      const executionArn = execution.startsWith("arn:")
        ? execution
        : executionArnOf(stateMachineOf(flags), execution);
      const client = await sfn(flags.region);
      if (flags.follow) {
        await follow(client, executionArn, pollMs);
        return;
      }
      const result = await describePipelineExecution(client, executionArn);
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      if (result.status !== "SUCCEEDED" && result.status !== "RUNNING") process.exitCode = 1;
    });
}

function withSource(command: Command): Command {
  return command
    .option(
      "-s, --stack <name>",
      "read the state machine from this deployed stack's outputs (needs the Pulumi CLI)",
    )
    .option(
      "-o, --outputs <file>",
      "read it from a file of `pulumi stack output --json --show-secrets` (- for stdin)",
    )
    .option("--state-machine <arn>", "the state machine's ARN itself")
    .option("-C, --cwd <dir>", "the Pulumi project's folder, for --stack")
    .option("--region <region>", "AWS region (default: AWS_REGION, then the stack's region)");
}

/** The state machine's ARN: given, or `pipeline.stateMachineArn` of the stack's outputs. */
function stateMachineOf(flags: SourceFlags): string {
  if (flags.stateMachine !== undefined) return flags.stateMachine;
  const source: OutputsSource = {
    ...(flags.stack !== undefined ? { stack: flags.stack } : {}),
    ...(flags.outputs !== undefined ? { outputs: flags.outputs } : {}),
    ...(flags.cwd !== undefined ? { cwd: flags.cwd } : {}),
  };
  const outputs = readStackOutputs(source);
  if (flags.region === undefined && typeof outputs.region === "string") flags.region = outputs.region;
  const arn = outputAt(
    outputs,
    "pipeline.stateMachineArn",
    "is the ML pipeline switched on in the stack (mlplat:features.pipeline)?",
  );
  if (typeof arn !== "string") {
    throw new UsageError(
      `stack outputs: pipeline.stateMachineArn is ${JSON.stringify(arn)}, expected an ARN`,
    );
  }
  return arn;
}

function readInput(file: string): PipelineInput {
  // Checked in full by startPipeline, which names each bad key.
  return parseObject(readFile(file, "--input"), `--input ${file}`);
}

async function follow(
  client: Awaited<ReturnType<typeof sfn>>,
  executionArn: string,
  pollMs: number,
): Promise<void> {
  const { waitForPipeline } = await import("../../../components/pipeline/client");
  const interrupt = new AbortController();
  const onSigint = () => {
    interrupt.abort();
  };
  process.once("SIGINT", onSigint);
  try {
    const result = await waitForPipeline(client, executionArn, {
      pollMs,
      signal: interrupt.signal,
      onState: (state) => {
        progress(`entered ${state}`);
      },
    });
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    if (interrupt.signal.aborted && result.status === "RUNNING") {
      progress(
        `the execution keeps running; follow it with: mlplat pipeline status --follow ${executionArn}`,
      );
      process.exitCode = 1;
      return;
    }
    if (result.status !== "SUCCEEDED") {
      throw new Error(
        `execution ${result.name} ${result.status.toLowerCase()}${result.error ? `: ${result.error}` : ""}${result.cause ? ` (${result.cause})` : ""}`,
      );
    }
  } finally {
    process.off("SIGINT", onSigint);
  }
}

/** The Step Functions client; it honours AWS_ENDPOINT_URL, so the same commands run against the sandbox. */
async function sfn(region: string | undefined) {
  const { SFNClient } = await import("@aws-sdk/client-sfn");
  // Against an emulator an unimplemented call fails the same way every time: do not retry it.
  return new SFNClient({
    ...(region ? { region } : {}),
    ...(process.env.AWS_ENDPOINT_URL ? { maxAttempts: 1 } : {}),
  });
}

function seconds(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError(`${flag}: got ${JSON.stringify(value)}, expected a number of seconds above 0`);
  return n;
}

function progress(message: string): void {
  process.stderr.write(`[mlplat] ${message}\n`);
}
