import { spawnSync } from "node:child_process";
import * as fs from "node:fs";

import { UsageError } from "./errors";

/** Where a command reads a deployed stack's outputs from. */
export interface OutputsSource {
  /** A file holding `pulumi stack output --json --show-secrets`, or `-` for standard input. */
  readonly outputs?: string;
  /** A stack name: its outputs are read with the Pulumi CLI (`pulumi stack output`). */
  readonly stack?: string;
  /** The Pulumi project's folder, for `stack`. @default the current folder */
  readonly cwd?: string;
}

/** Reads a deployed stack's outputs from a file or through the Pulumi CLI. */
export function readStackOutputs(source: OutputsSource): Record<string, unknown> {
  if (source.outputs !== undefined) {
    const text = source.outputs === "-" ? fs.readFileSync(0, "utf8") : readFile(source.outputs, "--outputs");
    return parseObject(text, `--outputs ${source.outputs}`);
  }
  if (source.stack !== undefined) {
    const result = spawnSync(
      "pulumi",
      ["stack", "output", "--json", "--show-secrets", "--stack", source.stack],
      {
        cwd: source.cwd ?? process.cwd(),
        encoding: "utf8",
      },
    );
    if (result.error) {
      throw new UsageError(
        `--stack ${source.stack}: reading a stack's outputs needs the Pulumi CLI (https://www.pulumi.com/docs/install/); ` +
          "without it, pass --outputs <file> with the output of `pulumi stack output --json --show-secrets`",
      );
    }
    if (result.status !== 0)
      throw new UsageError(`--stack ${source.stack}: pulumi stack output failed: ${result.stderr.trim()}`);
    return parseObject(result.stdout, `pulumi stack output --stack ${source.stack}`);
  }
  throw new UsageError("the stack's outputs are needed: pass --stack <name> or --outputs <file>");
}

/** The value at a dotted path of the outputs (`sagemaker.trainingTemplate`), or a usage error naming it. */
export function outputAt(outputs: Record<string, unknown>, path: string, hint: string): unknown {
  let current: unknown = outputs;
  for (const key of path.split(".")) {
    if (current === null || typeof current !== "object" || !(key in current)) {
      throw new UsageError(`stack outputs: ${path} is missing (${hint})`);
    }
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export function readFile(file: string, flag: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new UsageError(
      `${flag}: cannot read ${JSON.stringify(file)}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
}

export function parseObject(text: string, where: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${where}: not JSON: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new UsageError(`${where}: expected a JSON object`);
  }
  return value as Record<string, unknown>;
}
