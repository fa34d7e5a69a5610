import { Option, type Command } from "commander";

import type { DeclaredResource, ProgramRun, RunFailure } from "../offline/runner";
import { asUsageErrors, EXIT_INCOMPLETE, incompleteLines, programRunOptions } from "./program-options";

export type PlanFormat = "text" | "json";
export const PLAN_FORMATS: readonly PlanFormat[] = ["text", "json"];

export function registerPlanCommand(program: Command): void {
  program
    .command("plan")
    .description("Run a stack's program offline, under mocks, and print what it declares (no cloud calls)")
    .requiredOption("-s, --stack <name>", "stack whose Pulumi.<stack>.yaml is used, e.g. dev, prod, local")
    .addOption(new Option("-f, --format <format>", "output format").choices(PLAN_FORMATS).default("text"))
    .option("-C, --cwd <dir>", "folder of the Pulumi project (default: the nearest folder with Pulumi.yaml)")
    .option(
      "-p, --program <path>",
      "plan this Pulumi TypeScript or JavaScript program (project folder or entry file) instead",
    )
    .addOption(programRunOptions.config())
    .addOption(programRunOptions.timeout())
    .addHelpText(
      "after",
      `
Exit codes: 0 planned; 2 bad usage or config; 3 the program failed or the run is incomplete (the plan then
says first what could not be seen).

Examples:
  mlplat plan --stack dev
  mlplat plan --stack dev --program ../my-stack --format json --config aws:region=us-west-2`,
    )
    .action(
      async (opts: {
        stack: string;
        format: PlanFormat;
        cwd?: string;
        program?: string;
        config: string[];
        timeout: number;
      }) => {
        // Loaded on use: it pulls in the Pulumi SDK, which other commands do not need.
        let run: ProgramRun;
        if (opts.program !== undefined) {
          const { runProgramAt } = await import("../offline/program");
          run = await asUsageErrors(() =>
            runProgramAt({
              program: opts.program as string,
              stack: opts.stack,
              config: opts.config,
              timeoutMs: opts.timeout * 1000,
            }),
          );
        } else {
          const { runTemplateStack } = await import("../offline/project");
          run = await runTemplateStack({ stack: opts.stack, ...(opts.cwd ? { cwd: opts.cwd } : {}) });
        }
        process.stdout.write(`${renderPlan(run, opts.format)}\n`);
        if (!run.complete) process.exitCode = EXIT_INCOMPLETE;
      },
    );
}

/** The JSON document `mlplat plan --format json` prints. */
export interface PlanDocument {
  readonly stack: string;
  /** False when the run could not see everything the program declares. */
  readonly complete: boolean;
  readonly failures: RunFailure[];
  /** Invokes answered with placeholders. */
  readonly lookups: ProgramRun["lookups"];
  readonly resources: DeclaredResource[];
  readonly outputs: Record<string, unknown>;
}

export function planDocument(run: ProgramRun): PlanDocument {
  return {
    stack: run.stack,
    complete: run.complete,
    failures: run.failures,
    lookups: run.lookups,
    resources: run.resources,
    outputs: run.outputs,
  };
}

export function renderPlan(run: ProgramRun, format: PlanFormat): string {
  if (format === "json") return JSON.stringify(planDocument(run), null, 2);
  return [...incompleteLines(run), renderTree(run)].join("\n");
}

/** Resources as a tree under their parents, with the options that keep data. */
function renderTree(run: ProgramRun): string {
  const children = new Map<string | undefined, DeclaredResource[]>();
  for (const r of run.resources) {
    const list = children.get(r.parent) ?? [];
    list.push(r);
    children.set(r.parent, list);
  }
  const lines = [`Stack ${run.project}/${run.stack}: ${run.resources.length} resources`];
  const walk = (parent: string | undefined, depth: number): void => {
    for (const r of children.get(parent) ?? []) {
      const flags = [r.protect ? "protect" : "", r.retainOnDelete ? "retainOnDelete" : ""].filter(Boolean);
      lines.push(
        `${"  ".repeat(depth + 1)}${r.name}  (${r.type})${flags.length ? `  [${flags.join(", ")}]` : ""}`,
      );
      walk(r.urn, depth + 1);
    }
  };
  walk(undefined, 0);
  const outputs = Object.keys(run.outputs);
  if (outputs.length > 0) lines.push(`Outputs: ${outputs.join(", ")}`);
  return lines.join("\n");
}
