/**
 * Test harness: runs the template's stack program under the offline runner's recording mocks (the same code
 * as `mlplat plan`), with a stack file's config and optional overrides, and finds declared resources.
 */
import * as path from "node:path";

import { formatIssue, isValidationError } from "../components/validation";
import { loadStackConfig } from "../infra/config";
import { runProgram, type DeclaredResource, type ProgramRun } from "../scripts/cli/offline/runner";
import { readStackConfig, type StackFileConfig } from "../scripts/cli/offline/stack-file";

export const REPO_ROOT = path.resolve(__dirname, "..");

/** Config changes for one test: a value replaces the key (objects as JSON), `undefined` deletes it. */
export type ConfigOverrides = Record<string, unknown>;

export function stackConfig(stack: string, overrides: ConfigOverrides = {}): StackFileConfig {
  const file = readStackConfig(REPO_ROOT, stack);
  const merged = { ...file.config, ...overrides };
  const config = Object.fromEntries(
    Object.entries(merged)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
  );
  return { ...file, config };
}

/** Runs the stack program of `Pulumi.<stack>.yaml` (with overrides) under mocks. */
export async function runStack(stack: string, overrides: ConfigOverrides = {}): Promise<ProgramRun> {
  const { main } = await import("../infra/program");
  return runInline(stack, main, overrides);
}

/** Runs any program function under mocks with a stack file's config: for components used on their own. */
export async function runInline(
  stack: string,
  program: () => unknown,
  overrides: ConfigOverrides = {},
): Promise<ProgramRun> {
  const file = stackConfig(stack, overrides);
  return runProgram({
    project: file.project,
    stack,
    config: file.config,
    secretKeys: file.secretKeys,
    program,
  });
}

/** The one resource of `type` whose name ends with `suffix`; fails the test when there are none or several. */
export function resource(run: ProgramRun, type: string, suffix: string): DeclaredResource {
  const found = run.resources.filter((r) => r.type === type && r.name.endsWith(suffix));
  if (found.length !== 1) {
    const names = run.resources.filter((r) => r.type === type).map((r) => r.name);
    throw new Error(
      `expected one ${type} named *${suffix}, found ${found.length} (of ${names.join(", ") || "none"})`,
    );
  }
  return found[0] as DeclaredResource;
}

export function resourcesOfType(run: ProgramRun, type: string): DeclaredResource[] {
  return run.resources.filter((r) => r.type === type);
}

/** A JSON policy document input, parsed. */
export function policyOf(r: DeclaredResource): { Statement: Record<string, unknown>[] } {
  return JSON.parse(String(r.inputs.policy)) as { Statement: Record<string, unknown>[] };
}

/** The problems a stack's config (with overrides) has, as the messages users read; fails if it is valid. */
export function configProblems(stack: string, overrides: ConfigOverrides): string[] {
  try {
    loadStackConfig(stack, stackConfig(stack, overrides).config);
  } catch (err) {
    if (isValidationError(err)) return err.issues.map(formatIssue);
    throw err;
  }
  throw new Error(`expected the ${stack} config to be rejected`);
}
