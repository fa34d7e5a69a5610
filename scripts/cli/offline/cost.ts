/**
 * The library behind `mlplat cost` (and the total `mlplat check` prints): runs a stack's program offline, the
 * way `plan` and `check` do, and prices what it declares with the catalog's estimator; compares with another
 * stack or with the same stack at another git commit.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import {
  compareEstimates,
  estimateCost,
  parseUsageProfile,
  type EstimateComparison,
  type StackEstimate,
  type UsageProfile,
} from "../../../components/catalog/cost";
import { pricingFor } from "../../../components/catalog/pricing";
import { UsageError } from "../errors";
import { locateProgram, runProgramAt, withOverrides } from "./program";
import { runTemplateStack, TEMPLATE_ROOT } from "./project";
import type { ProgramRun } from "./runner";
import { findProjectRoot, readStackConfig, type StackFileConfig } from "./stack-file";

export interface CostOptions {
  readonly stack: string;
  /** A usage profile file (YAML or JSON). @default none: fixed costs only */
  readonly usage?: string;
  /** A Pulumi program to price instead of the template's stack program. @default the template's program */
  readonly program?: string;
  /** Folder of the template project. @default the nearest folder with Pulumi.yaml */
  readonly cwd?: string;
  /** `key=value` overrides of the program's stack config (with `program`). */
  readonly config?: readonly string[];
  /** How long the program may run, in milliseconds. @default 120000 */
  readonly timeoutMs?: number;
}

export interface CostResult {
  readonly run: ProgramRun;
  readonly estimate: StackEstimate;
}

/** Reads and validates a usage profile file; a missing file is a usage error. */
export function readUsageProfile(file: string): UsageProfile {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message;
    throw new UsageError(`--usage: ${file}: ${reason}; expected a usage profile (YAML or JSON)`);
  }
  return parseUsageProfile(text, file);
}

/** The AWS region a stack deploys to: its `aws:region`, else the environment's, as the provider would. */
export function stackRegion(config: StackFileConfig): string {
  const region = config.config["aws:region"] ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (region === undefined || region === "") {
    throw new UsageError(
      `${config.file}: no aws:region, so its prices cannot be chosen; set aws:region in the stack config`,
    );
  }
  return region;
}

/** The stack config of the template (or of `program`'s project) for `stack`. */
export function stackConfigOf(options: {
  stack: string;
  program?: string;
  cwd?: string;
  config?: readonly string[];
}): StackFileConfig {
  const projectDir =
    options.program !== undefined
      ? locateProgram(options.program).projectDir
      : (findProjectRoot(options.cwd ?? process.cwd()) ?? TEMPLATE_ROOT);
  return withOverrides(readStackConfig(projectDir, options.stack), options.config ?? []);
}

/** Runs the stack's program offline and estimates its monthly cost: the function behind `mlplat cost`. */
export async function costStack(options: CostOptions): Promise<CostResult> {
  const usage = options.usage === undefined ? undefined : readUsageProfile(options.usage);
  const config = stackConfigOf(options);
  const region = stackRegion(config);
  pricingFor(region); // a region without prices fails before the program runs
  const run =
    options.program !== undefined
      ? await runProgramAt({
          program: options.program,
          stack: options.stack,
          ...(options.config ? { config: options.config } : {}),
          ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        })
      : await runTemplate(options);
  return { run, estimate: estimate(run, region, usage, options.usage) };
}

/** Estimates a run's cost; `usageFile` names the profile in the report. */
export function estimate(
  run: ProgramRun,
  region: string,
  usage: UsageProfile | undefined,
  usageFile: string | undefined,
): StackEstimate {
  return estimateCost(run.resources, {
    region,
    ...(usage ? { usage } : {}),
    ...(usageFile ? { usageSource: usageFile } : {}),
  });
}

async function runTemplate(options: CostOptions): Promise<ProgramRun> {
  return runTemplateStack({ stack: options.stack, ...(options.cwd ? { cwd: options.cwd } : {}) });
}

/** What `--compare` names: another stack of the project, or a git commit of the same stack. */
export type CompareTarget =
  { readonly kind: "stack"; readonly stack: string } | { readonly kind: "git"; readonly ref: string };

/**
 * Reads `--compare`: `stack:<name>` and `git:<ref>` say which; otherwise a name with a Pulumi.<name>.yaml is a
 * stack, and anything git resolves to a commit (a branch, tag, `HEAD~1`, a SHA) is a ref.
 */
export function compareTarget(spec: string, projectDir: string): CompareTarget {
  if (spec.startsWith("stack:")) return { kind: "stack", stack: spec.slice("stack:".length) };
  if (spec.startsWith("git:")) return { kind: "git", ref: spec.slice("git:".length) };
  if (["yaml", "yml"].some((ext) => fs.existsSync(path.join(projectDir, `Pulumi.${spec}.${ext}`)))) {
    return { kind: "stack", stack: spec };
  }
  if (git(projectDir, ["rev-parse", "--verify", "--quiet", `${spec}^{commit}`]).status === 0) {
    return { kind: "git", ref: spec };
  }
  throw new UsageError(
    `--compare: got ${JSON.stringify(spec)}, which is neither a stack of ${projectDir} (no Pulumi.${spec}.yaml) ` +
      "nor a git commit; write stack:<name> or git:<ref> to say which",
  );
}

export interface CompareResult extends CostResult {
  readonly comparison: EstimateComparison;
  /** How long the other side took to run, in milliseconds (the git export included). */
  readonly baseMs: number;
}

/**
 * Estimates the stack, then the same estimate for `target` (another stack, or this stack's program and
 * config at a git commit), and compares them: `target` is the base, the working tree the head.
 */
export async function compareCost(
  options: CostOptions & { readonly compare: string },
): Promise<CompareResult> {
  if (options.program !== undefined) {
    throw new UsageError("--compare works on the template's stacks; it cannot be combined with --program");
  }
  const usage = options.usage === undefined ? undefined : readUsageProfile(options.usage);
  const projectDir = findProjectRoot(options.cwd ?? process.cwd()) ?? TEMPLATE_ROOT;
  const target = compareTarget(options.compare, projectDir);
  const headConfig = readStackConfig(projectDir, options.stack);
  pricingFor(stackRegion(headConfig));
  const run = await runTemplate(options);
  const head = estimate(run, stackRegion(headConfig), usage, options.usage);

  const started = performance.now();
  let base: StackEstimate;
  let baseStack: string;
  let label: string;
  if (target.kind === "stack") {
    const config = readStackConfig(projectDir, target.stack);
    const baseRun = await runTemplateStack({
      stack: target.stack,
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    base = estimate(baseRun, stackRegion(config), usage, options.usage);
    baseStack = target.stack;
    label = `stack ${target.stack}`;
  } else {
    base = await estimateAtCommit(projectDir, target.ref, options.stack, usage, options.usage);
    baseStack = options.stack;
    label = `${options.stack} at ${target.ref}`;
  }
  const baseMs = performance.now() - started;
  const headLabel = target.kind === "stack" ? `stack ${options.stack}` : `${options.stack} (working tree)`;
  const comparison = compareEstimates(
    { label, stack: baseStack, estimate: base },
    { label: headLabel, stack: options.stack, estimate: head },
  );
  return { run, estimate: head, comparison, baseMs };
}

/**
 * The estimate of `stack` as the project stood at git commit `ref`: the commit's files are exported to a
 * temporary folder (`git archive`, so the working tree and index are untouched), the project's installed
 * node_modules is linked into it, and the commit's program runs there with the commit's stack config. The
 * current pricing catalog and estimator price it, so that only the stack changes between the two sides.
 */
export async function estimateAtCommit(
  projectDir: string,
  ref: string,
  stack: string,
  usage: UsageProfile | undefined,
  usageFile: string | undefined,
): Promise<StackEstimate> {
  const top = git(projectDir, ["rev-parse", "--show-toplevel"]);
  if (top.status !== 0) throw new UsageError(`--compare ${ref}: ${projectDir} is not in a git repository`);
  const repoRoot = top.stdout.trim();
  const commit = git(projectDir, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  if (commit.status !== 0) throw new UsageError(`--compare: ${JSON.stringify(ref)} is not a git commit`);
  const sha = commit.stdout.trim();

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mlplat-cost-"));
  try {
    const archive = spawnSync("git", ["-C", repoRoot, "archive", "--format=tar", sha], {
      maxBuffer: 1 << 30,
    });
    if (archive.status !== 0) {
      throw new Error(`git archive ${sha} failed: ${archive.stderr.toString().trim()}`);
    }
    const untar = spawnSync("tar", ["-x", "-C", tmp], { input: archive.stdout });
    if (untar.status !== 0) throw new Error(`tar -x failed: ${untar.stderr.toString().trim()}`);
    const exported = path.join(tmp, path.relative(repoRoot, projectDir));
    if (!fs.existsSync(path.join(exported, "Pulumi.yaml"))) {
      throw new UsageError(`--compare ${ref}: the project has no Pulumi.yaml at ${ref}`);
    }
    fs.symlinkSync(path.join(projectDir, "node_modules"), path.join(exported, "node_modules"), "dir");
    const config = readStackConfig(exported, stack);
    const run = await runProgramAt({ program: exported, stack, typeCheck: false });
    return estimate(run, stackRegion(config), usage, usageFile);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function git(cwd: string, args: string[]) {
  return spawnSync("git", ["-C", cwd, ...args], { encoding: "utf8" });
}

/** The estimate `mlplat check` prints, or why there is none (no prices for the region, no region). */
export type CostSummary = { readonly estimate: StackEstimate } | { readonly unavailable: string };

/**
 * The fixed monthly estimate of a run that `check` has made: never fails the check. A region without prices
 * or a stack without a region is reported as the reason there is no estimate.
 */
export function costSummary(
  run: ProgramRun,
  options: {
    readonly stack: string;
    readonly program?: string;
    readonly cwd?: string;
    readonly config?: readonly string[];
  },
): CostSummary {
  try {
    return { estimate: estimate(run, stackRegion(stackConfigOf(options)), undefined, undefined) };
  } catch (err) {
    if (err instanceof Error && ["PricingNotFoundError", "UsageError"].includes(err.name)) {
      return { unavailable: err.message };
    }
    throw err;
  }
}
