import { Option, type Command } from "commander";

import type { SpendQuery, SpendReport } from "../../../components/cost/explorer";
import { UsageError } from "../errors";

export type SpendFormat = "text" | "json" | "markdown";
export const SPEND_FORMATS: readonly SpendFormat[] = ["text", "json", "markdown"];

export interface SpendFlags {
  stack?: string;
  project?: string;
  environment?: string;
  month: string;
  format: SpendFormat;
  cwd?: string;
}

export function registerSpendCommand(program: Command): void {
  program
    .command("spend")
    .description(
      "What a project spent in a calendar month, by AWS service, from Cost Explorer (the Project tag's unblended cost)",
    )
    .option("-s, --stack <name>", "take the Project tag from this stack's Pulumi.<stack>.yaml")
    .option("-p, --project <tag>", "the Project tag's value (instead of a stack's)")
    .option("-e, --environment <tag>", "also require this Environment tag value (stacks sharing an account)")
    .requiredOption("-m, --month <YYYY-MM>", "the calendar month, e.g. 2024-01")
    .addOption(new Option("-f, --format <format>", "output format").choices(SPEND_FORMATS).default("text"))
    .option("-C, --cwd <dir>", "folder of the Pulumi project (default: the nearest folder with Pulumi.yaml)")
    .action(async (flags: SpendFlags) => {
      const query = await spendQuery(flags);
      const { costExplorerClient, spendByService } = await import("../../../components/cost/explorer");
      // Against an emulator an unimplemented call fails the same way every time: do not retry it.
      const client = costExplorerClient({
        region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1",
        ...(process.env.AWS_ENDPOINT_URL ? { maxAttempts: 1 } : {}),
      });
      const report = await spendByService(client, query);
      process.stdout.write(`${renderSpend(report, flags.format)}\n`);
    });
}

/** The query the flags ask for: the month checked, the Project tag from `--project` or the stack's tags. */
export async function spendQuery(flags: SpendFlags, now: Date = new Date()): Promise<SpendQuery> {
  const { monthProblem } = await import("../../../components/cost/explorer");
  const problem = monthProblem(flags.month, now);
  if (problem !== undefined) {
    throw new UsageError(`--month: got ${JSON.stringify(flags.month)}, expected ${problem}`);
  }
  const project =
    flags.project ?? (flags.stack !== undefined ? await projectTagOf(flags.stack, flags.cwd) : undefined);
  if (project === undefined) {
    throw new UsageError(
      "spend: pass --stack <name> (its Project tag is used) or --project <the Project tag's value>",
    );
  }
  if (project.trim() === "") throw new UsageError(`--project: got "", expected the Project tag's value`);
  return {
    project,
    month: flags.month,
    ...(flags.environment !== undefined ? { environment: flags.environment } : {}),
  };
}

/** The Project tag a stack gives its resources, from its validated config (as the program reads it). */
async function projectTagOf(stack: string, cwd: string | undefined): Promise<string> {
  const { findProjectRoot, readStackConfig } = await import("../offline/stack-file");
  const { TEMPLATE_ROOT } = await import("../offline/project");
  const { loadStackConfig } = await import("../../../infra/config");
  const file = readStackConfig(findProjectRoot(cwd ?? process.cwd()) ?? TEMPLATE_ROOT, stack);
  const project = loadStackConfig(stack, file.config).tags.Project;
  if (project === undefined || project === "") {
    throw new UsageError(`--stack ${stack}: ${file.file} sets no Project tag (mlplat:tags.Project)`);
  }
  return project;
}

export function renderSpend(report: SpendReport, format: SpendFormat): string {
  switch (format) {
    case "json":
      return JSON.stringify(report, null, 2);
    case "markdown":
      return renderMarkdown(report);
    case "text":
      return renderText(report);
  }
}

function scopeOf(report: SpendReport): string {
  return `Project=${report.project}${report.environment !== undefined ? `, Environment=${report.environment}` : ""}`;
}

function note(report: SpendReport): string[] {
  if (report.services.length === 0) {
    return [
      `No costs recorded for ${scopeOf(report)} in ${report.month}. Costs are attributed to a tag only from ` +
        "its activation as a cost allocation tag on, and only for resources that carry it.",
    ];
  }
  return report.estimated ? ["Estimated: Cost Explorer has not closed this month yet."] : [];
}

function renderText(report: SpendReport): string {
  const rows = [...report.services.map((s) => [s.service, money(s.amount)]), ["Total", money(report.total)]];
  const nameWidth = Math.max(...rows.map(([name]) => (name ?? "").length));
  const amountWidth = Math.max(...rows.map(([, amount]) => (amount ?? "").length));
  const line = ([name = "", amount = ""]: string[]) =>
    `  ${name.padEnd(nameWidth)}  ${amount.padStart(amountWidth)}`;
  const body = report.services.length > 0 ? rows.slice(0, -1).map(line) : [];
  return [
    `Spend of ${scopeOf(report)} in ${report.month} (${report.timePeriod.start} to ${report.timePeriod.end}, ` +
      `${report.metric}, ${report.unit})`,
    ...body,
    ...(body.length > 0 ? [`  ${"-".repeat(nameWidth + amountWidth + 2)}`] : []),
    line(rows[rows.length - 1] ?? []),
    ...note(report),
  ].join("\n");
}

function renderMarkdown(report: SpendReport): string {
  const escape = (text: string) => text.replace(/\|/g, "\\|");
  return [
    `### Spend of ${scopeOf(report)} in ${report.month}`,
    "",
    `${report.metric} from ${report.timePeriod.start} to ${report.timePeriod.end} (exclusive), by service.`,
    "",
    `| Service | Cost (${report.unit}) |`,
    "| --- | ---: |",
    ...report.services.map((s) => `| ${escape(s.service)} | ${money(s.amount)} |`),
    `| **Total** | **${money(report.total)}** |`,
    ...note(report).flatMap((n) => ["", `_${n}_`]),
  ].join("\n");
}

const MONEY = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** An amount to the cent, grouped: `1,234.56`. */
function money(amount: number): string {
  const cents = Math.round(amount * 100) / 100;
  return MONEY.format(cents === 0 ? 0 : cents); // never "-0.00"
}
