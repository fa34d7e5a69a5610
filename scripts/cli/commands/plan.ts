import { Option, type Command } from "commander";

import type { DeclaredResource, ProgramRun } from "../offline/runner";

export type PlanFormat = "text" | "json";
export const PLAN_FORMATS: readonly PlanFormat[] = ["text", "json"];

export function registerPlanCommand(program: Command): void {
  program
    .command("plan")
    .description("Run a stack's program offline, under mocks, and print what it declares (no cloud calls)")
    .requiredOption("-s, --stack <name>", "stack whose Pulumi.<stack>.yaml is used, e.g. dev, prod, local")
    .addOption(new Option("-f, --format <format>", "output format").choices(PLAN_FORMATS).default("text"))
    .option("-C, --cwd <dir>", "folder of the Pulumi project (default: the nearest folder with Pulumi.yaml)")
    .action(async (opts: { stack: string; format: PlanFormat; cwd?: string }) => {
      // Loaded on use: it pulls in the Pulumi SDK, which other commands do not need.
      const { runTemplateStack } = await import("../offline/project");
      const run = await runTemplateStack({ stack: opts.stack, ...(opts.cwd ? { cwd: opts.cwd } : {}) });
      process.stdout.write(`${renderPlan(run, opts.format)}\n`);
    });
}

/** The JSON document `mlplat plan --format json` prints. */
export interface PlanDocument {
  readonly stack: string;
  readonly resources: DeclaredResource[];
  readonly outputs: Record<string, unknown>;
}

export function planDocument(run: ProgramRun): PlanDocument {
  return { stack: run.stack, resources: run.resources, outputs: run.outputs };
}

export function renderPlan(run: ProgramRun, format: PlanFormat): string {
  if (format === "json") return JSON.stringify(planDocument(run), null, 2);
  return renderTree(run);
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
