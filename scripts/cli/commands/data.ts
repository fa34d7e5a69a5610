import { Option, type Command } from "commander";

import { UsageError } from "../errors";
import { outputAt, readFile, readStackOutputs, type OutputsSource } from "../stack-outputs";

/** Where names come from: explicit flags first, then a deployed stack's outputs. */
interface SourceFlags {
  stack?: string;
  outputs?: string;
  cwd?: string;
  region?: string;
}

/** A name a command needs: its flag, and where the stack's outputs hold it. */
interface Needed {
  readonly value: string | undefined;
  readonly flag: string;
  readonly output: string;
}

/** The stack outputs the commands read (infra/program.ts exports them when Glue and Athena are on). */
export const OUTPUTS = {
  jobName: "glue.jobName",
  crawlerName: "glue.crawlerName",
  processedDatabase: "glue.databaseNames.processed",
  workgroupName: "athena.workgroupName",
} as const;

/** `mlplat query` and `mlplat etl run|crawl|status`: Athena and Glue with the names a stack exports. */
export function registerDataCommands(program: Command): void {
  withSource(program.command("query"))
    .description(
      "Run SQL through the stack's Athena workgroup (its cutoff and encryption apply) and print the rows",
    )
    .argument("[sql]", "the query; or --sql-file")
    .option("--sql-file <file>", "read the query from a file")
    .option("-w, --workgroup <name>", "the workgroup (default: stack output athena.workgroupName)")
    .option(
      "-d, --database <name>",
      "database of unqualified table names (default: stack output glue.databaseNames.processed)",
    )
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"))
    .option("--max-rows <n>", "rows to print at most", "1000")
    .option("--poll <seconds>", "seconds between status checks", "1")
    .action(
      async (
        sql: string | undefined,
        flags: SourceFlags & {
          sqlFile?: string;
          workgroup?: string;
          database?: string;
          format: "text" | "json";
          maxRows: string;
          poll: string;
        },
      ) => {
        if ((sql === undefined) === (flags.sqlFile === undefined)) {
          throw new UsageError("query: pass exactly one of the SQL text and --sql-file <file>");
        }
        const text = sql ?? readFile(flags.sqlFile ?? "", "--sql-file");
        const maxRows = count(flags.maxRows, "--max-rows");
        const pollMs = seconds(flags.poll, "--poll") * 1000;
        // Without a stack, a query that qualifies its tables needs no database.
        const fromStack = flags.stack !== undefined || flags.outputs !== undefined;
        const [workgroup = "", database] = resolveNames(flags, [
          { value: flags.workgroup, flag: "--workgroup", output: OUTPUTS.workgroupName },
          ...(fromStack || flags.database !== undefined
            ? [{ value: flags.database, flag: "--database", output: OUTPUTS.processedDatabase }]
            : []),
        ]);
        const { AthenaClient } = await import("@aws-sdk/client-athena");
        const { runQuery, formatTable } = await import("../../../components/athena/client");
        const athena = new AthenaClient(sdkConfig(flags.region));
        const interrupt = new AbortController();
        const onSigint = () => {
          interrupt.abort();
        };
        process.once("SIGINT", onSigint);
        try {
          const result = await runQuery(
            athena,
            { sql: text, workgroup, ...(database !== undefined ? { database } : {}) },
            { maxRows, pollMs, signal: interrupt.signal },
          );
          progress(
            `${result.queryExecutionId}: ${result.rows.length} row${result.rows.length === 1 ? "" : "s"}` +
              (result.truncated ? ` (first ${maxRows}; --max-rows for more)` : "") +
              (result.dataScannedBytes !== undefined ? `, ${bytes(result.dataScannedBytes)} scanned` : "") +
              (result.outputLocation ? `, results in ${result.outputLocation}` : ""),
          );
          process.stdout.write(
            flags.format === "json"
              ? `${JSON.stringify(result.rows, null, 2)}\n`
              : `${formatTable(result.columns, result.rows)}\n`,
          );
        } finally {
          process.off("SIGINT", onSigint);
        }
      },
    );

  const etl = program
    .command("etl")
    .description("Run and follow the stack's Glue ETL job (raw/ to processed/) and its crawler");

  withSource(etl.command("run"))
    .description("Start a run of the ETL job and follow it until it ends; --crawl then catalogs the output")
    .option("-j, --job-name <name>", "the job (default: stack output glue.jobName)")
    .option(
      "-a, --arg <key=value>",
      "a job argument over the defaults, e.g. source_path=s3://... (repeatable)",
      collect,
      [],
    )
    .option("--no-follow", "start the run and return its id without waiting")
    .option("--crawl", "after a successful run, start the crawler and wait for it")
    .option("-c, --crawler-name <name>", "the crawler, for --crawl (default: stack output glue.crawlerName)")
    .option("--poll <seconds>", "seconds between status checks", "15")
    .action(
      async (
        flags: SourceFlags & {
          jobName?: string;
          arg: string[];
          follow: boolean;
          crawl?: boolean;
          crawlerName?: string;
          poll: string;
        },
      ) => {
        const args = parsePairs(flags.arg, "--arg");
        const pollMs = seconds(flags.poll, "--poll") * 1000;
        const needed: Needed[] = [{ value: flags.jobName, flag: "--job-name", output: OUTPUTS.jobName }];
        if (flags.crawl)
          needed.push({ value: flags.crawlerName, flag: "--crawler-name", output: OUTPUTS.crawlerName });
        const [jobName = "", crawlerName] = resolveNames(flags, needed);
        const glue = await glueClient(flags.region);
        const client = await import("../../../components/glue/client");

        const { runId } = await client.startJobRun(glue, jobName, args);
        progress(`started ${jobName} run ${runId}`);
        if (!flags.follow) {
          process.stdout.write(`${runId}\n`);
          return;
        }
        const run = await following((signal) =>
          client.waitForJobRun(glue, jobName, runId, {
            pollMs,
            signal,
            onState: (state) => {
              progress(`${jobName} run ${runId}: ${state}`);
            },
          }),
        );
        if (!client.FINAL_JOB_RUN_STATES.has(run.state)) {
          progress(
            `${runId} goes on; see it with: mlplat etl status --job-name ${jobName} --run-id ${runId}`,
          );
          process.exitCode = 1;
          return;
        }
        if (run.state !== "SUCCEEDED") {
          throw new Error(
            `ETL run ${runId} of ${jobName} ended ${run.state}${run.errorMessage ? `: ${run.errorMessage}` : ""}`,
          );
        }
        process.stdout.write(`${runId}\n`);
        if (flags.crawl && crawlerName !== undefined) await crawl(glue, crawlerName, pollMs, true);
      },
    );

  withSource(etl.command("crawl"))
    .description("Start the crawler over processed/ now and wait until its crawl ends")
    .option("-c, --crawler-name <name>", "the crawler (default: stack output glue.crawlerName)")
    .option("--no-follow", "start the crawl and return without waiting")
    .option("--poll <seconds>", "seconds between status checks", "15")
    .action(async (flags: SourceFlags & { crawlerName?: string; follow: boolean; poll: string }) => {
      const pollMs = seconds(flags.poll, "--poll") * 1000;
      const [crawlerName = ""] = resolveNames(flags, [
        { value: flags.crawlerName, flag: "--crawler-name", output: OUTPUTS.crawlerName },
      ]);
      await crawl(await glueClient(flags.region), crawlerName, pollMs, flags.follow);
    });

  withSource(etl.command("status"))
    .description("Show the ETL job's latest run (or --run-id) and the crawler's state and last crawl")
    .option("-j, --job-name <name>", "the job (default: stack output glue.jobName)")
    .option("-c, --crawler-name <name>", "the crawler (default: stack output glue.crawlerName)")
    .option("-r, --run-id <id>", "a run of the job (default: its latest)")
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"))
    .action(
      async (
        flags: SourceFlags & {
          jobName?: string;
          crawlerName?: string;
          runId?: string;
          format: "text" | "json";
        },
      ) => {
        const [jobName = "", crawlerName = ""] = resolveNames(flags, [
          { value: flags.jobName, flag: "--job-name", output: OUTPUTS.jobName },
          { value: flags.crawlerName, flag: "--crawler-name", output: OUTPUTS.crawlerName },
        ]);
        const glue = await glueClient(flags.region);
        const client = await import("../../../components/glue/client");
        const [run, crawler] = await Promise.all([
          flags.runId !== undefined
            ? client.getJobRun(glue, jobName, flags.runId)
            : client.latestJobRun(glue, jobName),
          client.getCrawler(glue, crawlerName),
        ]);
        if (flags.format === "json") {
          process.stdout.write(`${JSON.stringify({ jobName, run: run ?? null, crawler }, null, 2)}\n`);
          return;
        }
        const lines = [`job      ${jobName}`];
        if (run === undefined) lines.push("  no runs yet");
        else {
          lines.push(
            `  run    ${run.runId}  ${run.state}` +
              (run.startedOn ? `  started ${run.startedOn.toISOString()}` : "") +
              (run.executionSeconds !== undefined ? `  ${run.executionSeconds} s` : ""),
          );
          if (run.errorMessage) lines.push(`  error  ${run.errorMessage}`);
        }
        lines.push(
          `crawler  ${crawlerName}  ${crawler.state}${crawler.schedule ? `  ${crawler.schedule}` : ""}`,
        );
        const last = crawler.lastCrawl;
        if (last === undefined) lines.push("  no crawls yet");
        else {
          lines.push(
            `  last   ${last.status}${last.startedOn ? `  started ${last.startedOn.toISOString()}` : ""}`,
          );
          if (last.errorMessage) lines.push(`  error  ${last.errorMessage}`);
        }
        process.stdout.write(`${lines.join("\n")}\n`);
      },
    );
}

function withSource(command: Command): Command {
  return command
    .option("-s, --stack <name>", "read names from this deployed stack's outputs (needs the Pulumi CLI)")
    .option(
      "-o, --outputs <file>",
      "read them from a file of `pulumi stack output --json --show-secrets` (- for stdin)",
    )
    .option("-C, --cwd <dir>", "the Pulumi project's folder, for --stack")
    .option("--region <region>", "AWS region (default: AWS_REGION, then the stack's region)");
}

/**
 * The names a command needs, in order: each flag's value, else the stack output; the outputs are read only when
 * a flag is missing. A name that is in neither is a usage error naming both.
 */
export function resolveNames(flags: SourceFlags, needed: readonly Needed[]): (string | undefined)[] {
  if (needed.every((n) => n.value !== undefined)) return needed.map((n) => n.value);
  if (flags.stack === undefined && flags.outputs === undefined) {
    const missing = needed.filter((n) => n.value === undefined);
    throw new UsageError(
      `${missing.map((n) => n.flag).join(" and ")}: got nothing, expected the flag${missing.length > 1 ? "s" : ""}, ` +
        `or --stack <name> / --outputs <file> to read ${missing.map((n) => n.output).join(" and ")} from the stack's outputs`,
    );
  }
  const source: OutputsSource = {
    ...(flags.stack !== undefined ? { stack: flags.stack } : {}),
    ...(flags.outputs !== undefined ? { outputs: flags.outputs } : {}),
    ...(flags.cwd !== undefined ? { cwd: flags.cwd } : {}),
  };
  const outputs = readStackOutputs(source);
  if (flags.region === undefined && typeof outputs.region === "string") flags.region = outputs.region;
  return needed.map((n) => {
    if (n.value !== undefined) return n.value;
    const value = outputAt(
      outputs,
      n.output,
      `are Glue and Athena switched on in the stack (mlplat:features.glue, mlplat:features.athena)? or pass ${n.flag}`,
    );
    if (typeof value !== "string" || value === "") {
      throw new UsageError(`stack outputs: ${n.output} is ${JSON.stringify(value)}, expected a name`);
    }
    return value;
  });
}

/** SDK settings; the clients honour AWS_ENDPOINT_URL, so the same commands run against the sandbox. */
function sdkConfig(region: string | undefined) {
  // Against an emulator an unimplemented call fails the same way every time: do not retry it.
  return { ...(region ? { region } : {}), ...(process.env.AWS_ENDPOINT_URL ? { maxAttempts: 1 } : {}) };
}

async function glueClient(region: string | undefined) {
  const { GlueClient } = await import("@aws-sdk/client-glue");
  return new GlueClient(sdkConfig(region));
}

async function crawl(
  glue: import("@aws-sdk/client-glue").GlueClient,
  crawlerName: string,
  pollMs: number,
  follow: boolean,
): Promise<void> {
  const client = await import("../../../components/glue/client");
  await client.startCrawler(glue, crawlerName);
  progress(`started crawler ${crawlerName}`);
  if (!follow) return;
  const status = await following((signal) =>
    client.waitForCrawler(glue, crawlerName, {
      pollMs,
      signal,
      onState: (state) => {
        progress(`${crawlerName}: ${state}`);
      },
    }),
  );
  if (status.state !== "READY") {
    progress(`${crawlerName} goes on; see it with: mlplat etl status --crawler-name ${crawlerName}`);
    process.exitCode = 1;
    return;
  }
  if (!client.crawlSucceeded(status)) {
    throw new Error(
      `crawl of ${crawlerName} ended ${status.lastCrawl?.status ?? "without a result"}` +
        (status.lastCrawl?.errorMessage ? `: ${status.lastCrawl.errorMessage}` : ""),
    );
  }
  process.stdout.write(`${crawlerName} ${status.lastCrawl?.status ?? ""}\n`);
}

/** Runs a wait that Ctrl-C ends early (the run itself goes on). */
async function following<T>(wait: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const interrupt = new AbortController();
  const onSigint = () => {
    interrupt.abort();
  };
  process.once("SIGINT", onSigint);
  try {
    return await wait(interrupt.signal);
  } finally {
    process.off("SIGINT", onSigint);
  }
}

function parsePairs(pairs: readonly string[], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at <= 0) {
      throw new UsageError(
        `${flag}: got ${JSON.stringify(pair)}, expected key=value (e.g. source_path=s3://...)`,
      );
    }
    out[pair.slice(0, at).replace(/^--/, "")] = pair.slice(at + 1);
  }
  return out;
}

function bytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit] ?? "B"}`;
}

function seconds(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError(`${flag}: got ${JSON.stringify(value)}, expected a number of seconds above 0`);
  return n;
}

function count(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${flag}: got ${JSON.stringify(value)}, expected a whole number of at least 1`);
  return n;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function progress(message: string): void {
  process.stderr.write(`[mlplat] ${message}\n`);
}
