import * as path from "node:path";

import { Option, type Command } from "commander";

import type {
  ComponentDelta,
  CostLine,
  EstimateComparison,
  ResourceEstimate,
  StackEstimate,
} from "../../../components/catalog/cost";
import { formatDollars, mul, parseDecimal, toPlain } from "../../../components/catalog/decimal";
import type { CompareResult, CostResult } from "../offline/cost";
import { EXIT_INCOMPLETE, incompleteLines, programRunOptions } from "./program-options";

export type CostFormat = "text" | "json" | "markdown";
export const COST_FORMATS: readonly CostFormat[] = ["text", "json", "markdown"];

export function registerCostCommand(program: Command): void {
  program
    .command("cost")
    .description(
      "Estimate a stack's monthly cost offline: fixed costs from what it declares, usage costs from a usage profile",
    )
    .requiredOption("-s, --stack <name>", "stack whose Pulumi.<stack>.yaml (and aws:region prices) are used")
    .addOption(new Option("-f, --format <format>", "output format").choices(COST_FORMATS).default("text"))
    .option("-u, --usage <file>", "usage profile (YAML or JSON): requests, tokens, GB stored, TB scanned...")
    .option(
      "-c, --compare <stack|git-ref>",
      "compare with another stack, or with this stack at a git commit (stack:<name> or git:<ref> to say which)",
    )
    .option(
      "-p, --program <path>",
      "estimate this Pulumi TypeScript program (project folder or entry file) instead",
    )
    .option(
      "-C, --cwd <dir>",
      "folder of the template project (default: the nearest folder with Pulumi.yaml)",
    )
    .addOption(programRunOptions.config())
    .addOption(programRunOptions.timeout())
    .addHelpText(
      "after",
      `
Exit codes: 0 estimated; 2 bad usage or config (also a region without prices: mlplat pricing refresh --region <r>);
3 the program failed or the run is incomplete: the estimate then says what could not be seen.

Examples:
  mlplat cost --stack dev --usage usage.yaml
  mlplat cost --stack prod --compare git:main --format markdown
  mlplat cost --stack dev --program ../my-stack --config aws:region=us-west-2`,
    )
    .action(
      async (opts: {
        stack: string;
        format: CostFormat;
        usage?: string;
        compare?: string;
        program?: string;
        cwd?: string;
        config: string[];
        timeout: number;
      }) => {
        const { compareCost, costStack } = await import("../offline/cost");
        const common = {
          stack: opts.stack,
          ...(opts.usage ? { usage: opts.usage } : {}),
          ...(opts.program ? { program: opts.program } : {}),
          ...(opts.cwd ? { cwd: opts.cwd } : {}),
          config: opts.config,
          timeoutMs: opts.timeout * 1000,
        };
        try {
          if (opts.compare !== undefined) {
            const result = await compareCost({ ...common, compare: opts.compare });
            process.stdout.write(`${renderComparison(result, opts.format)}\n`);
            if (!result.run.complete) process.exitCode = EXIT_INCOMPLETE;
          } else {
            const result = await costStack(common);
            process.stdout.write(`${renderCost(result, opts.format)}\n`);
            if (!result.run.complete) process.exitCode = EXIT_INCOMPLETE;
          }
        } catch (err) {
          // A region without prices and a program that cannot be found are the caller's to fix: exit 2.
          if (err instanceof Error && ["PricingNotFoundError", "ProgramLocationError"].includes(err.name)) {
            const { UsageError } = await import("../errors");
            throw new UsageError(err.message);
          }
          throw err;
        }
      },
    );
}

const dollars = (usd: string): string => formatDollars(parseDecimal(usd));

/** The JSON document `mlplat cost --format json` prints. */
export interface CostDocument {
  readonly stack: string;
  /** False when the run could not see everything the program declares. */
  readonly complete: boolean;
  readonly failures: CostResult["run"]["failures"];
  /** Invokes answered with placeholders. */
  readonly lookups: CostResult["run"]["lookups"];
  readonly resources: number;
  readonly estimate: StackEstimate;
}

export function renderCost(result: CostResult, format: CostFormat): string {
  const { run, estimate } = result;
  switch (format) {
    case "json":
      return JSON.stringify(
        {
          stack: run.stack,
          complete: run.complete,
          failures: run.failures,
          lookups: run.lookups,
          resources: run.resources.length,
          estimate,
        } satisfies CostDocument,
        null,
        2,
      );
    case "markdown":
      return [
        ...incompleteLines(run).map((l, i) => (i === 0 ? `**${l}**` : l)),
        markdown(run.stack, estimate),
      ].join("\n");
    case "text":
      return [
        ...incompleteLines(run),
        text(`${run.project}/${run.stack}`, run.resources.length, estimate),
      ].join("\n");
  }
}

/** One line of totals: what `mlplat check` prints too. */
export function totalsLine(estimate: StackEstimate): string {
  const { fixedUsd, usageUsd, totalUsd } = estimate.totals;
  const unpriced = estimate.unpriced.length;
  return (
    `${dollars(totalUsd)} a month (${dollars(fixedUsd)} fixed + ${dollars(usageUsd)} usage` +
    `${estimate.usageProfile === undefined ? ", no usage profile" : ""}), ${estimate.region} list prices` +
    (unpriced > 0
      ? `; ${unpriced} resource${unpriced === 1 ? " is" : "s are"} not (fully) priced, their missing charges not counted`
      : "")
  );
}

function text(title: string, resourceCount: number, e: StackEstimate): string {
  const labels = e.components.map((c) => `${c.name} (${c.type})`);
  const width = Math.max(40, ...labels.map((l) => l.length)) + 2;
  const lines = [
    `Stack ${title}: ${resourceCount} resources, priced with ${relative(e.pricingFile)}`,
    `Estimated cost: ${totalsLine(e)}`,
    `(${e.hoursPerMonth} hours a month; list prices before free tiers, credits and discounts)`,
    "",
    "By component".padEnd(width + 2) + "fixed".padStart(13) + "usage".padStart(13) + "total".padStart(13),
  ];
  e.components.forEach((c, i) => {
    const flag = c.unpriced > 0 ? `  [${c.unpriced} not priced]` : "";
    lines.push(
      `  ${(labels[i] ?? "").padEnd(width)}` +
        `${dollars(c.fixedUsd).padStart(13)}${dollars(c.usageUsd).padStart(13)}${dollars(c.totalUsd).padStart(13)}${flag}`,
    );
  });
  lines.push("", "By resource (those with charges or notes)");
  for (const r of e.resources.filter(
    (r) => r.status !== "free" && (r.lines.length > 0 || r.notes.length > 0 || r.missing.length > 0),
  )) {
    lines.push(`  ${r.name} (${r.type})  fixed ${dollars(r.fixedUsd)}, usage ${dollars(r.usageUsd)}`);
    for (const l of r.lines) lines.push(`      ${l.basis.padEnd(5)}  ${lineText(l)}`);
    for (const m of r.missing) lines.push(`      MISSING ${m.why}`);
    for (const n of r.notes) lines.push(`      note   ${n}`);
  }
  lines.push("", ...unpricedText(e));
  const freeCount = Object.values(e.free).reduce((a, b) => a + b, 0);
  lines.push(
    `Free: ${freeCount} resources of ${Object.keys(e.free).length} types AWS does not charge for (components/catalog/pricing/free.json).`,
  );
  if (e.usageProfile === undefined) {
    lines.push("Usage: no usage profile (--usage <file>): usage-based costs are not included.");
  } else {
    lines.push(`Usage: from ${e.usageProfile}.`);
  }
  for (const w of e.warnings) lines.push(`Warning: ${w}`);
  for (const a of e.assumptions)
    lines.push(`Assumption: ${a.key} = ${a.value} (${a.source})${a.note ? `: ${a.note}` : ""}`);
  const recalled = e.sources.filter((s) => s.method === "recalled").length;
  lines.push(
    `Prices: ${e.sources.length} sources` +
      (recalled > 0
        ? `, ${recalled} recalled from AWS pricing pages without fetching them (verify before relying on them)`
        : "") +
      ".",
  );
  return lines.join("\n");
}

function unpricedText(e: StackEstimate): string[] {
  if (e.unpriced.length === 0) return ["Unpriced: none. Every resource is priced or listed as free."];
  return [
    `Unpriced: ${e.unpriced.length} resource${e.unpriced.length === 1 ? "" : "s"} whose cost is NOT (fully) in the totals:`,
    ...e.unpriced.map((u) => `  - ${u.name} (${u.type}): ${u.reason}`),
    `  Add their prices to ${relative(e.pricingFile)} (or a rule to components/catalog/cost/rules.ts).`,
  ];
}

function lineText(l: CostLine): string {
  const saving = l.saving
    ? ` less ${toPlain(mul(parseDecimal(l.saving.fraction), parseDecimal("100")))}% (${l.saving.assumption})`
    : "";
  const unit = l.quantity === "1" ? l.quantityUnit.replace(/s$/, "") : l.quantityUnit;
  return (
    `${l.description}: ${groupDigits(l.quantity)} ${unit} at $${l.price.usd} per ${l.price.unit}` +
    `${saving} = ${dollars(l.monthlyUsd)}`
  );
}

function groupDigits(value: string): string {
  const [whole = "0", fraction] = value.split(".");
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}${fraction ? `.${fraction}` : ""}`;
}

const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

function markdown(stack: string, e: StackEstimate): string {
  const lines = [
    `<!-- mlplat-cost:${stack} -->`,
    `### 💰 mlplat cost: stack \`${stack}\` — ${dollars(e.totals.totalUsd)} a month`,
    "",
    `${dollars(e.totals.fixedUsd)} fixed + ${dollars(e.totals.usageUsd)} usage` +
      `${e.usageProfile === undefined ? " (no usage profile)" : ` (usage from \`${e.usageProfile}\`)`}, ` +
      `${e.region} list prices, ${e.hoursPerMonth} hours a month.` +
      (e.unpriced.length > 0
        ? ` **${e.unpriced.length} resources are not (fully) priced: their missing charges are not counted.**`
        : ""),
    "",
    "| component | fixed | usage | total |",
    "| --- | ---: | ---: | ---: |",
    ...e.components.map(
      (c) =>
        `| \`${cell(c.name)}\` (${cell(c.type)})${c.unpriced > 0 ? ` ⚠️ ${c.unpriced} not priced` : ""} | ${dollars(c.fixedUsd)} | ${dollars(c.usageUsd)} | ${dollars(c.totalUsd)} |`,
    ),
    `| **total** | **${dollars(e.totals.fixedUsd)}** | **${dollars(e.totals.usageUsd)}** | **${dollars(e.totals.totalUsd)}** |`,
  ];
  const charged = e.resources.filter((r) => r.lines.length > 0);
  if (charged.length > 0) {
    lines.push(
      "",
      "<details><summary>Charges by resource</summary>",
      "",
      "| resource | basis | what | monthly |",
      "| --- | --- | --- | ---: |",
      ...charged.flatMap((r: ResourceEstimate) =>
        r.lines.map(
          (l) => `| \`${cell(r.name)}\` | ${l.basis} | ${cell(lineText(l))} | ${dollars(l.monthlyUsd)} |`,
        ),
      ),
      "",
      "</details>",
    );
  }
  if (e.unpriced.length > 0) {
    lines.push(
      "",
      "**Not priced (not counted):**",
      "",
      ...e.unpriced.map((u) => `- \`${cell(u.name)}\` (${cell(u.type)}): ${cell(u.reason)}`),
    );
  }
  for (const w of e.warnings) lines.push("", `> ⚠️ ${cell(w)}`);
  return lines.join("\n");
}

/** The JSON document `mlplat cost --compare --format json` prints. */
export interface ComparisonDocument {
  readonly base: string;
  readonly head: string;
  readonly delta: EstimateComparison["delta"];
  readonly components: readonly ComponentDelta[];
  readonly baseTotals: StackEstimate["totals"];
  readonly headTotals: StackEstimate["totals"];
  readonly baseUnpriced: number;
  readonly headUnpriced: number;
}

export function renderComparison(result: CompareResult, format: CostFormat): string {
  const c = result.comparison;
  if (format === "json") {
    const doc: ComparisonDocument = {
      base: c.base.label,
      head: c.head.label,
      delta: c.delta,
      components: c.components,
      baseTotals: c.base.estimate.totals,
      headTotals: c.head.estimate.totals,
      baseUnpriced: c.base.estimate.unpriced.length,
      headUnpriced: c.head.estimate.unpriced.length,
    };
    return JSON.stringify(doc, null, 2);
  }
  const signed = (usd: string): string => {
    const d = parseDecimal(usd);
    return d.units > 0n ? `+${dollars(usd)}` : d.units === 0n ? "±$0.00" : dollars(usd);
  };
  const amount = (side: ComponentDelta["base"]): string =>
    side === undefined ? "—" : dollars(side.totalUsd);
  const changed = c.components.filter((row) => parseDecimal(row.deltaUsd).units !== 0n);
  if (format === "markdown") {
    const lines = [
      `<!-- mlplat-cost-compare:${result.run.stack} -->`,
      `### 💰 mlplat cost: ${signed(c.delta.totalUsd)} a month (${c.head.label} vs ${c.base.label})`,
      "",
      `${dollars(c.base.estimate.totals.totalUsd)} → ${dollars(c.head.estimate.totals.totalUsd)} ` +
        `(fixed ${signed(c.delta.fixedUsd)}, usage ${signed(c.delta.usageUsd)}), ${c.head.estimate.region} list prices.`,
      "",
      "| component | before | after | change |",
      "| --- | ---: | ---: | ---: |",
      ...(changed.length > 0 ? changed : c.components).map(
        (row) =>
          `| \`${cell(row.component)}\` (${cell(row.type)}) | ${amount(row.base)} | ${amount(row.head)} | ${signed(row.deltaUsd)} |`,
      ),
      `| **total** | **${dollars(c.base.estimate.totals.totalUsd)}** | **${dollars(c.head.estimate.totals.totalUsd)}** | **${signed(c.delta.totalUsd)}** |`,
    ];
    if (changed.length === 0) lines.push("", "No component's estimate changes.");
    const unpriced = c.head.estimate.unpriced.length + c.base.estimate.unpriced.length;
    if (unpriced > 0)
      lines.push(
        "",
        `⚠️ ${unpriced} resources are not priced on one side or the other; they are not counted.`,
      );
    return lines.join("\n");
  }
  const labels = c.components.map((row) => `${row.component} (${row.type})`);
  const width = Math.max(40, ...labels.map((l) => l.length)) + 2;
  const lines = [
    `Cost of ${c.head.label} against ${c.base.label}: ${signed(c.delta.totalUsd)} a month ` +
      `(${dollars(c.base.estimate.totals.totalUsd)} -> ${dollars(c.head.estimate.totals.totalUsd)}; ` +
      `fixed ${signed(c.delta.fixedUsd)}, usage ${signed(c.delta.usageUsd)})`,
    "",
    "Component".padEnd(width + 2) + "before".padStart(13) + "after".padStart(13) + "change".padStart(14),
    ...c.components.map(
      (row, i) =>
        `  ${(labels[i] ?? "").padEnd(width)}${amount(row.base).padStart(13)}${amount(row.head).padStart(13)}${signed(row.deltaUsd).padStart(14)}`,
    ),
  ];
  return lines.join("\n");
}

function relative(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith("..") || path.isAbsolute(rel) ? file : rel.split(path.sep).join("/");
}
