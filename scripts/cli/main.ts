import { Command, CommanderError } from "commander";

import { formatIssue, isValidationError } from "../../components/validation";
import { registerCheckCommand } from "./commands/check";
import { registerCostCommand } from "./commands/cost";
import { registerDataCommands } from "./commands/data";
import { registerLakeCommand } from "./commands/lake";
import { registerPipelineCommands } from "./commands/pipeline";
import { registerPlanCommand } from "./commands/plan";
import { registerPricingCommand } from "./commands/pricing";
import { registerSageMakerCommands } from "./commands/sagemaker";
import { registerSandboxCommand } from "./commands/sandbox";
import { registerSpendCommand } from "./commands/spend";

/**
 * Exit codes: 0 success, 1 failure (for `check`: mandatory violations), 2 bad usage or bad config, 3 the program
 * that `check`, `plan` or `cost` ran failed or could not be fully evaluated.
 */
export const EXIT = { ok: 0, failure: 1, usage: 2, incomplete: 3 } as const;

export { UsageError } from "./errors";

/** Each command lives in its own module under ./commands and registers itself here. */
const COMMANDS: readonly ((program: Command) => void)[] = [
  registerPlanCommand,
  registerCheckCommand,
  registerCostCommand,
  registerPricingCommand,
  registerSandboxCommand,
  registerLakeCommand,
  registerSageMakerCommands,
  registerDataCommands,
  registerPipelineCommands,
  registerSpendCommand,
];

/** Runs the CLI with `argv` (without node and script) and resolves to the exit code. */
export async function run(argv: readonly string[]): Promise<number> {
  const program = new Command("mlplat")
    .description("ML/Data platform template on AWS: offline plans, guardrails and local sandboxes")
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });
  for (const register of COMMANDS) register(program);

  // A program that throws while Pulumi runs it rejects more than one promise: report each error once, and
  // never let the process crash on the stray rejections.
  const reported = new Map<unknown, number>();
  const report = (err: unknown): number => {
    const known = reported.get(err);
    if (known !== undefined) return known;
    const code = reportError(err);
    reported.set(err, code);
    process.exitCode = Math.max(Number(process.exitCode ?? 0), code);
    return code;
  };
  process.on("unhandledRejection", report);

  try {
    await program.parseAsync([...argv], { from: "user" });
    return Number(process.exitCode ?? EXIT.ok);
  } catch (err) {
    return report(err);
  }
}

function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // commander already printed the message; help and version are not errors.
    return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (isValidationError(err)) {
    process.stderr.write(`mlplat: ${err.message.split("\n")[0] ?? ""}\n`);
    for (const issue of err.issues) process.stderr.write(`  - ${formatIssue(issue)}\n`);
    return EXIT.usage;
  }
  if (err instanceof Error && (err.name === "StackFileError" || err.name === "UsageError")) {
    process.stderr.write(`mlplat: ${err.message}\n`);
    return EXIT.usage;
  }
  const message =
    err instanceof Error
      ? process.env.MLPLAT_DEBUG
        ? (err.stack ?? err.message)
        : err.message
      : String(err);
  process.stderr.write(`mlplat: ${message}\n`);
  return EXIT.failure;
}
