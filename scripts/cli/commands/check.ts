import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { SourceMap } from "node:module";
import * as path from "node:path";
import { pathToFileURL, fileURLToPath } from "node:url";

import { Option, type Command } from "commander";
import type * as Sarif from "sarif";

import type { PolicyException } from "../../../policies/lib/define";
import type { CostSummary } from "../offline/cost";
import type { CheckResult } from "../offline/policy-check";
import type { Violation } from "../offline/policy-engine";
import type { DeclaredResource, ProgramRun, RunFailure } from "../offline/runner";
import {
  asUsageErrors,
  EXIT_INCOMPLETE,
  failureText,
  incompleteLines,
  programRunOptions,
} from "./program-options";
import { totalsLine } from "./cost";

export type CheckFormat = "text" | "json" | "sarif" | "markdown";
export const CHECK_FORMATS: readonly CheckFormat[] = ["text", "json", "sarif", "markdown"];

export function registerCheckCommand(program: Command): void {
  program
    .command("check")
    .description(
      "Run a stack's program offline and evaluate the CrossGuard policy pack over it (exit 1 on a mandatory violation)",
    )
    .requiredOption(
      "-s, --stack <name>",
      "stack whose Pulumi.<stack>.yaml and policies/config/<stack>.json are used",
    )
    .addOption(new Option("-f, --format <format>", "output format").choices(CHECK_FORMATS).default("text"))
    .option(
      "-p, --program <path>",
      "check this Pulumi TypeScript program (project folder or entry file) instead",
    )
    .option(
      "--policy-config <file>",
      "pack config JSON (default: policies/config/<stack>.json when it exists)",
    )
    .option(
      "-C, --cwd <dir>",
      "folder of the template project (default: the nearest folder with Pulumi.yaml)",
    )
    .addOption(programRunOptions.config())
    .addOption(programRunOptions.timeout())
    .addHelpText("after", CHECK_HELP)
    .action(
      async (opts: {
        stack: string;
        format: CheckFormat;
        program?: string;
        policyConfig?: string;
        cwd?: string;
        config: string[];
        timeout: number;
      }) => {
        const { checkStack } = await import("../offline/policy-check");
        const options = { ...opts, timeoutMs: opts.timeout * 1000 };
        const result = await asUsageErrors(() => checkStack(options));
        const { costSummary } = await import("../offline/cost");
        const cost = costSummary(result.run, options);
        process.stdout.write(`${renderCheck(result, opts.format, cost)}\n`);
        process.exitCode = checkExitCode(result);
      },
    );
}

const CHECK_HELP = `
Exit codes: 0 no mandatory violation; 1 mandatory violations; 2 bad usage or config; 3 the program failed or
the run is incomplete (a resource could not be registered, the program threw or ran past --timeout): the
report then says what could not be seen, and never passes.

Examples:
  mlplat check --stack prod
  mlplat check --stack dev --program ../my-stack --format sarif > check.sarif
  mlplat check --stack dev --program ../my-stack --config aws:region=us-west-2 --config dbName=ml`;

/** 3 when the run could not see everything; else 1 with a mandatory violation; else 0. */
export function checkExitCode(result: CheckResult): number {
  if (!result.run.complete) return EXIT_INCOMPLETE;
  return countLevels(result.evaluation.violations).mandatory > 0 ? 1 : 0;
}

/** The JSON document `mlplat check --format json` prints. */
export interface CheckDocument {
  readonly stack: string;
  /** False when the run could not see everything the program declares: the check then never passes. */
  readonly complete: boolean;
  /** What could not be seen, with the program's file and line where known. */
  readonly failures: RunFailure[];
  readonly resources: DeclaredResource[];
  readonly violations: Violation[];
  readonly summary: CheckSummary;
}

export interface CheckSummary {
  /** True only for a complete run without mandatory violations. */
  readonly passed: boolean;
  readonly complete: boolean;
  /** Invokes that looked up existing infrastructure, answered with placeholders that policies read as unknown. */
  readonly lookups: ProgramRun["lookups"];
  readonly mandatory: number;
  readonly advisory: number;
  readonly resources: number;
  readonly pack: { readonly name: string; readonly version: string };
  /** The pack config applied, relative to the working folder; null for the policies' own levels. */
  readonly policyConfig: string | null;
  /** Every policy's effective level in this check. */
  readonly policies: Record<string, string>;
  /** Violations per policy (policies without any are absent). */
  readonly byPolicy: Record<string, number>;
  readonly notApplicable: Record<string, number>;
  /** Exceptions the pack config grants, per policy. */
  readonly exceptions: (PolicyException & { readonly policy: string })[];
  /** The stack's estimated monthly cost (fixed costs; `mlplat cost` for the breakdown and usage). */
  readonly cost?: CheckCost;
}

/** The estimate in `mlplat check --format json`: totals in exact USD, or why there is none. */
export type CheckCost =
  | {
      readonly region: string;
      readonly fixedUsd: string;
      readonly usageUsd: string;
      readonly totalUsd: string;
      /** Resources without a price, not counted in the totals. */
      readonly unpriced: number;
    }
  | { readonly unavailable: string };

function checkCost(cost: CostSummary): CheckCost {
  if ("unavailable" in cost) return { unavailable: cost.unavailable };
  const e = cost.estimate;
  return { region: e.region, ...e.totals, unpriced: e.unpriced.length };
}

/** The estimate as one line of text (without markup). */
function costLine(cost: CostSummary): string {
  if ("unavailable" in cost) return `Estimated monthly cost: not available (${cost.unavailable})`;
  return `Estimated monthly cost: ${totalsLine(cost.estimate)}`;
}

export function checkDocument(result: CheckResult, cost?: CostSummary): CheckDocument {
  const { run, evaluation } = result;
  const counts = countLevels(evaluation.violations);
  const byPolicy: Record<string, number> = {};
  for (const v of evaluation.violations) byPolicy[v.policy] = (byPolicy[v.policy] ?? 0) + 1;
  return {
    stack: run.stack,
    complete: run.complete,
    failures: run.failures,
    resources: run.resources,
    violations: evaluation.violations,
    summary: {
      passed: run.complete && counts.mandatory === 0,
      complete: run.complete,
      lookups: run.lookups,
      ...counts,
      resources: run.resources.length,
      pack: evaluation.pack,
      policyConfig: result.policyConfigFile === undefined ? null : relative(result.policyConfigFile),
      policies: Object.fromEntries(evaluation.policies.map((p) => [p.policy.name, p.level])),
      byPolicy,
      notApplicable: evaluation.notApplicable,
      exceptions: evaluation.policies.flatMap((p) =>
        ((p.config.exceptions ?? []) as PolicyException[]).map((e) => ({ policy: p.policy.name, ...e })),
      ),
      ...(cost === undefined ? {} : { cost: checkCost(cost) }),
    },
  };
}

/** The check's report; with `cost`, the text, markdown and JSON reports also state the estimated monthly cost. */
export function renderCheck(result: CheckResult, format: CheckFormat, cost?: CostSummary): string {
  switch (format) {
    case "json":
      return JSON.stringify(checkDocument(result, cost), null, 2);
    case "sarif":
      return JSON.stringify(sarifLog(result), null, 2);
    case "markdown":
      return markdown(result, cost);
    case "text":
      return text(result, cost);
  }
}

function countLevels(violations: readonly Violation[]): { mandatory: number; advisory: number } {
  const mandatory = violations.filter((v) => v.level === "mandatory").length;
  return { mandatory, advisory: violations.length - mandatory };
}

function relative(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith("..") || path.isAbsolute(rel) ? file : rel.split(path.sep).join("/");
}

function text(result: CheckResult, cost?: CostSummary): string {
  const { run, evaluation } = result;
  const counts = countLevels(evaluation.violations);
  const config =
    result.policyConfigFile === undefined ? "policies' own levels" : relative(result.policyConfigFile);
  const lines = [
    ...incompleteLines(run),
    `Stack ${run.project}/${run.stack}: ${run.resources.length} resources, ${evaluation.policies.length} policies ` +
      `(${evaluation.pack.name}@${evaluation.pack.version}, ${config})`,
    ...(cost === undefined ? [] : [costLine(cost)]),
    ...lookupLines(run),
  ];
  for (const v of evaluation.violations) {
    lines.push(`  ${v.level.padEnd(9)}  ${v.policy}  ${v.name} (${v.type})`, `             ${v.message}`);
  }
  const verdict = !run.complete
    ? ": the check fails, the run is incomplete"
    : counts.mandatory > 0
      ? ": the check fails"
      : ": the check passes";
  lines.push(
    counts.mandatory + counts.advisory === 0
      ? run.complete
        ? "No violations."
        : `No violations among the resources seen${verdict}.`
      : `${counts.mandatory} mandatory, ${counts.advisory} advisory violation${counts.mandatory + counts.advisory === 1 ? "" : "s"}${verdict}`,
  );
  return lines.join("\n");
}

function lookupLines(run: ProgramRun): string[] {
  if (run.lookups.length === 0) return [];
  return [
    `Lookups answered with placeholders (policies read their values as unknown): ${run.lookups.map((l) => `${l.token} x${l.count}`).join(", ")}`,
  ];
}

function markdown(result: CheckResult, cost?: CostSummary): string {
  const { run, evaluation } = result;
  const counts = countLevels(evaluation.violations);
  const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
  const config =
    result.policyConfigFile === undefined
      ? "the policies' own levels"
      : `\`${relative(result.policyConfigFile)}\``;
  const head = !run.complete
    ? `### ❌ mlplat check: stack \`${run.stack}\` is incomplete: the program could not be fully evaluated`
    : counts.mandatory > 0
      ? `### ❌ mlplat check: stack \`${run.stack}\` fails with ${counts.mandatory} mandatory and ${counts.advisory} advisory violations`
      : counts.advisory > 0
        ? `### ⚠️ mlplat check: stack \`${run.stack}\` passes with ${counts.advisory} advisory violations`
        : `### ✅ mlplat check: stack \`${run.stack}\` passes every policy`;
  const lines = [
    `<!-- mlplat-check:${run.stack} -->`,
    head,
    "",
    ...(run.complete
      ? []
      : [
          `**${run.failures.length} failure${run.failures.length === 1 ? "" : "s"}: resources the program declares may be missing from this report.**`,
          "",
          ...run.failures.map((f) => `- ${cell(failureText(f))}`),
          "",
        ]),
    `${run.resources.length} resources checked offline against \`${evaluation.pack.name}@${evaluation.pack.version}\` with ${config}.`,
    ...lookupLines(run).map((l) => `\n${l}`),
    ...(cost === undefined
      ? []
      : ["", `${costLine(cost)}. Breakdown: \`mlplat cost --stack ${run.stack} --format markdown\`.`]),
  ];
  if (evaluation.violations.length > 0) {
    lines.push("", "| level | policy | resource | message |", "| --- | --- | --- | --- |");
    for (const v of evaluation.violations) {
      lines.push(
        `| ${v.level === "mandatory" ? "❌ mandatory" : "⚠️ advisory"} | \`${v.policy}\` | \`${cell(v.name)}\` (${cell(v.type)}) | ${cell(v.message)} |`,
      );
    }
  }
  lines.push(
    "",
    "<details><summary>Policies and their levels in this stack</summary>",
    "",
    "| policy | level | what it checks |",
    "| --- | --- | --- |",
  );
  for (const p of evaluation.policies)
    lines.push(`| \`${p.policy.name}\` | ${p.level} | ${cell(p.policy.description)} |`);
  lines.push("", "</details>");
  return lines.join("\n");
}

const SECURITY_SEVERITY = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0" } as const;

/** SARIF 2.1.0 for GitHub code scanning: one rule per policy, one result per violation, located in source. */
export function sarifLog(result: CheckResult): Sarif.Log {
  const { run, evaluation } = result;
  const ruleIndex = new Map(evaluation.policies.map((p, i) => [p.policy.name, i]));
  const rules: Sarif.ReportingDescriptor[] = evaluation.policies.map(({ policy, level }) => ({
    id: policy.name,
    name: policy.name.replace(/(^|-)([a-z0-9])/g, (_m, _d: string, c: string) => c.toUpperCase()),
    shortDescription: { text: policy.description },
    fullDescription: { text: policy.description },
    help: { text: policy.remediationSteps ?? policy.description },
    defaultConfiguration: {
      level: level === "disabled" ? "none" : level === "advisory" ? "warning" : "error",
    },
    properties: {
      tags: ["security", "pulumi", "crossguard"],
      precision: "high",
      ...(policy.severity ? { "security-severity": SECURITY_SEVERITY[policy.severity] } : {}),
    },
  }));
  const results: Sarif.Result[] = evaluation.violations.map((v) => ({
    ruleId: v.policy,
    ruleIndex: ruleIndex.get(v.policy) ?? 0,
    level: v.level === "mandatory" ? "error" : "warning",
    message: { text: v.message },
    locations: [
      {
        physicalLocation: physicalLocation(result, v.urn),
        logicalLocations: [{ name: v.name, fullyQualifiedName: v.urn, kind: "resource" }],
      },
    ],
    partialFingerprints: {
      "mlplatViolation/v1": createHash("sha256").update(`${v.policy}\n${v.urn}\n${v.message}`).digest("hex"),
    },
  }));
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "mlplat-check", version: evaluation.pack.version, rules } },
        // One category per stack, so that uploads for several stacks do not replace each other.
        automationDetails: { id: `mlplat-check/${run.stack}/` },
        invocations: [
          {
            executionSuccessful: run.complete,
            ...(run.complete
              ? {}
              : {
                  toolExecutionNotifications: run.failures.map((f): Sarif.Notification => ({
                    level: "error",
                    message: { text: failureText(f) },
                    ...(f.location
                      ? {
                          locations: [
                            {
                              physicalLocation: {
                                artifactLocation: artifactOf(relative(f.location.file)),
                                region: { startLine: Math.max(1, f.location.line) },
                              },
                            },
                          ],
                        }
                      : {}),
                  })),
                }),
          },
        ],
        results,
      },
    ],
  };
}

/** Where the resource was declared (from the SDK's source positions), else the program's entry file. */
function physicalLocation(result: CheckResult, urn: string): Sarif.PhysicalLocation {
  const recorded = result.run.sourcePositions?.[urn];
  const position = recorded?.uri.startsWith("file:")
    ? toSource({ file: fileURLToPath(recorded.uri), line: recorded.line, column: recorded.column })
    : undefined;
  const rel = relative(position?.file ?? result.entry);
  return {
    artifactLocation: artifactOf(rel),
    region: position
      ? { startLine: Math.max(1, position.line), startColumn: Math.max(1, position.column) }
      : { startLine: 1 },
  };
}

function artifactOf(rel: string): Sarif.ArtifactLocation {
  return path.isAbsolute(rel) ? { uri: pathToFileURL(rel).href } : { uri: rel, uriBaseId: "%SRCROOT%" };
}

interface Position {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

const sourceMaps = new Map<string, SourceMap | undefined>();

/**
 * A position in compiled JavaScript (the CLI runs the template's program from dist/) mapped back to its
 * TypeScript source through the file's own source map. Mapping only the positions reported keeps this
 * cheap; turning on Node's source maps globally slows every stack trace the SDK takes (one per resource).
 */
function toSource(position: Position): Position {
  if (!position.file.endsWith(".js")) return position;
  let map = sourceMaps.get(position.file);
  if (!sourceMaps.has(position.file)) {
    try {
      map = new SourceMap(
        JSON.parse(fs.readFileSync(`${position.file}.map`, "utf8")) as ConstructorParameters<
          typeof SourceMap
        >[0],
      );
    } catch {
      map = undefined;
    }
    sourceMaps.set(position.file, map);
  }
  const entry = map?.findEntry(position.line - 1, position.column - 1);
  if (!entry || !("originalSource" in entry)) return position;
  const source = entry.originalSource.startsWith("file:")
    ? fileURLToPath(entry.originalSource)
    : path.resolve(path.dirname(position.file), entry.originalSource);
  return { file: source, line: entry.originalLine + 1, column: entry.originalColumn + 1 };
}
