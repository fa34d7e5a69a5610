import * as path from "node:path";

import { isValidationError } from "../../../components/validation";
import { deferClosurePackages, runProgram, type ProgramRun } from "./runner";
import { findProjectRoot, readStackConfig, StackFileError } from "./stack-file";

export interface StackRunOptions {
  readonly stack: string;
  /** Folder of the Pulumi project whose stack files are read. @default the nearest folder with Pulumi.yaml */
  readonly cwd?: string;
}

/** The folder of this template: the package that holds the CLI. */
export const TEMPLATE_ROOT = path.resolve(
  __dirname,
  "..",
  "..",
  "..",
  ...(__dirname.includes(`${path.sep}dist${path.sep}`) ? [".."] : []),
);

/**
 * Runs this template's stack program offline with `Pulumi.<stack>.yaml`: the function behind `mlplat plan`,
 * `check` and `cost`, and the tests.
 */
export async function runTemplateStack(options: StackRunOptions): Promise<ProgramRun> {
  const projectDir = findProjectRoot(options.cwd ?? process.cwd()) ?? TEMPLATE_ROOT;
  const stackConfig = readStackConfig(projectDir, options.stack);
  if (stackConfig.project !== "mlplat") {
    throw new StackFileError(
      `${projectDir} is the Pulumi project ${JSON.stringify(stackConfig.project)}, not mlplat: run this command in the template's folder`,
    );
  }
  deferClosurePackages(path.dirname(require.resolve("@pulumi/pulumi/package.json")));
  // Loaded here, not at the top: it pulls in @pulumi/aws, which commands that never run a program skip.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { main } = require("../../../infra/program") as typeof import("../../../infra/program");
  return runProgram({
    project: stackConfig.project,
    stack: stackConfig.stack,
    config: stackConfig.config,
    secretKeys: stackConfig.secretKeys,
    program: main,
    // The template validates its stack config before declaring anything: a bad key is a usage error (exit 2).
    isUsageError: (err) => isValidationError(err) || (err instanceof Error && err.name === "StackFileError"),
  });
}
