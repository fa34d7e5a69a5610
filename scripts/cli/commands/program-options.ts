import * as path from "node:path";

import { InvalidArgumentError, Option } from "commander";

import { UsageError } from "../errors";
import type { ProgramRun, RunFailure } from "../offline/runner";

/** Exit code of `check`, `plan` and `cost` when the program failed or the run is incomplete. */
export const EXIT_INCOMPLETE = 3;

/** The options every command that runs a program offers: config overrides and a time limit. */
export const programRunOptions = {
  config: (): Option =>
    new Option(
      "--config <key=value>",
      "set a config value for this run (repeatable); a key without namespace is the project's",
    )
      .argParser((value: string, previous: string[]) => [...previous, value])
      .default([]),
  timeout: (): Option =>
    new Option(
      "--timeout <seconds>",
      "stop waiting for the program after this long: the run is incomplete (exit 3)",
    )
      .argParser((value: string) => {
        const seconds = Number(value);
        if (!Number.isFinite(seconds) || seconds <= 0) {
          throw new InvalidArgumentError(
            `got ${JSON.stringify(value)}, expected a positive number of seconds`,
          );
        }
        return seconds;
      })
      .default(120),
};

/** Runs `work`; the errors that are the caller's to fix (pack config, program location) become usage errors. */
export async function asUsageErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof Error && ["PolicyConfigError", "ProgramLocationError"].includes(err.name)) {
      throw new UsageError(err.message);
    }
    throw err;
  }
}

/** A failure in one line: the resource, the cause, and where in the program (relative to the working folder). */
export function failureText(failure: RunFailure): string {
  const subject = failure.resource ? `${failure.resource.name} (${failure.resource.type}): ` : "";
  const at = failure.location ? ` (${displayPath(failure.location.file)}:${failure.location.line})` : "";
  return `${subject}${failure.message}${at}`;
}

/** The first lines of a report of an incomplete run: it says so before anything else. */
export function incompleteLines(run: Pick<ProgramRun, "complete" | "failures">): string[] {
  if (run.complete) return [];
  const n = run.failures.length;
  return [
    `INCOMPLETE: the program could not be fully evaluated (${n} failure${n === 1 ? "" : "s"}); resources it declares may be missing from this report:`,
    ...run.failures.map((f) => `  - ${failureText(f)}`),
  ];
}

function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith("..") || path.isAbsolute(rel) ? file : rel.split(path.sep).join("/");
}
