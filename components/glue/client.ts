/**
 * The catalog's ETL job and crawler for people and pipelines: start a run, follow it, read its state; start the
 * crawler and read what its last crawl did. Plain AWS SDK calls (no Pulumi), so they work against real AWS and
 * the local emulator alike.
 */
import {
  GetCrawlerCommand,
  GetJobRunCommand,
  GetJobRunsCommand,
  StartCrawlerCommand,
  StartJobRunCommand,
  type GlueClient,
  type JobRun,
} from "@aws-sdk/client-glue";

import { ValidationError, type ValidationIssue } from "../validation";

/** The part of the SDK client these functions use: tests answer it without AWS. */
export type GlueSender = Pick<GlueClient, "send">;

export type Sleep = (ms: number) => Promise<void>;
const sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Where a job run is. */
export interface JobRunStatus {
  readonly jobName: string;
  readonly runId: string;
  /** STARTING, RUNNING, SUCCEEDED, FAILED, TIMEOUT, STOPPED, ERROR... */
  readonly state: string;
  readonly startedOn?: Date;
  readonly completedOn?: Date;
  readonly executionSeconds?: number;
  readonly errorMessage?: string;
  /** The run's arguments: the job's defaults with the run's overrides. */
  readonly arguments?: Record<string, string>;
}

/** The states a job run ends in. */
export const FINAL_JOB_RUN_STATES = new Set([
  "SUCCEEDED",
  "FAILED",
  "TIMEOUT",
  "STOPPED",
  "ERROR",
  "EXPIRED",
]);

const JOB_NAME = /^[\w.:/ -]{1,255}$/;
const ARGUMENT_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Starts a run of the job. `args` override the job's default arguments for this run; keys are given without
 * Glue's leading `--` (`{ source_path: "s3://..." }`).
 */
export async function startJobRun(
  client: GlueSender,
  jobName: string,
  args: Readonly<Record<string, string>> = {},
): Promise<{ jobName: string; runId: string }> {
  const issues: ValidationIssue[] = [];
  if (!JOB_NAME.test(jobName)) {
    issues.push({ path: "jobName", value: jobName, expected: "a Glue job name (1 to 255 characters)" });
  }
  for (const key of Object.keys(args)) {
    if (!ARGUMENT_NAME.test(key)) {
      issues.push({
        path: `arguments.${key}`,
        value: key,
        expected: "an argument name without the leading --, e.g. source_path",
      });
    }
  }
  if (issues.length > 0) throw new ValidationError(`Glue job run of ${jobName}`, issues);
  const response = await client.send(
    new StartJobRunCommand({
      JobName: jobName,
      ...(Object.keys(args).length > 0
        ? { Arguments: Object.fromEntries(Object.entries(args).map(([k, v]) => [`--${k}`, v])) }
        : {}),
    }),
  );
  if (!response.JobRunId) throw new Error(`StartJobRun ${jobName} returned no run id`);
  return { jobName, runId: response.JobRunId };
}

/** The state of one run of the job. */
export async function getJobRun(client: GlueSender, jobName: string, runId: string): Promise<JobRunStatus> {
  const response = await client.send(new GetJobRunCommand({ JobName: jobName, RunId: runId }));
  if (!response.JobRun) throw new Error(`GetJobRun ${jobName} ${runId} returned no run`);
  return jobRunStatus(jobName, response.JobRun);
}

/** The job's most recent run, or undefined when it never ran. */
export async function latestJobRun(client: GlueSender, jobName: string): Promise<JobRunStatus | undefined> {
  // Glue lists the newest first; picking by start time also holds for emulators that list the oldest first.
  const response = await client.send(new GetJobRunsCommand({ JobName: jobName, MaxResults: 200 }));
  const runs = response.JobRuns ?? [];
  const latest = runs.reduce<JobRun | undefined>(
    (best, run) =>
      best === undefined || (run.StartedOn?.getTime() ?? 0) > (best.StartedOn?.getTime() ?? 0) ? run : best,
    undefined,
  );
  return latest === undefined ? undefined : jobRunStatus(jobName, latest);
}

/**
 * Polls a run until it ends, reporting each change of state. `signal` ends the wait early (the run goes on);
 * the result then carries the last state seen.
 */
export async function waitForJobRun(
  client: GlueSender,
  jobName: string,
  runId: string,
  options: { onState?: (state: string) => void; pollMs?: number; signal?: AbortSignal; sleep?: Sleep } = {},
): Promise<JobRunStatus> {
  let last = "";
  for (;;) {
    const run = await getJobRun(client, jobName, runId);
    if (run.state !== last) {
      options.onState?.(run.state);
      last = run.state;
    }
    if (FINAL_JOB_RUN_STATES.has(run.state) || options.signal?.aborted) return run;
    await (options.sleep ?? sleep)(options.pollMs ?? 15_000);
  }
}

function jobRunStatus(jobName: string, run: JobRun): JobRunStatus {
  return {
    jobName,
    runId: run.Id ?? "",
    state: run.JobRunState ?? "UNKNOWN",
    ...(run.StartedOn ? { startedOn: run.StartedOn } : {}),
    ...(run.CompletedOn ? { completedOn: run.CompletedOn } : {}),
    ...(run.ExecutionTime !== undefined ? { executionSeconds: run.ExecutionTime } : {}),
    ...(run.ErrorMessage ? { errorMessage: run.ErrorMessage } : {}),
    ...(run.Arguments ? { arguments: run.Arguments } : {}),
  };
}

// ------------------------------------------------------------------------------------------------ crawler

/** Where a crawler is, and how its last crawl went. */
export interface CrawlerStatus {
  readonly crawlerName: string;
  /** READY, RUNNING or STOPPING. */
  readonly state: string;
  readonly schedule?: string;
  readonly lastCrawl?: {
    /** SUCCEEDED, FAILED or CANCELLED. */
    readonly status: string;
    readonly startedOn?: Date;
    readonly errorMessage?: string;
    readonly logGroup?: string;
  };
}

/** Starts a crawl now (besides its schedule). */
export async function startCrawler(client: GlueSender, crawlerName: string): Promise<void> {
  await client.send(new StartCrawlerCommand({ Name: crawlerName }));
}

export async function getCrawler(client: GlueSender, crawlerName: string): Promise<CrawlerStatus> {
  const response = await client.send(new GetCrawlerCommand({ Name: crawlerName }));
  const crawler = response.Crawler;
  if (!crawler) throw new Error(`GetCrawler ${crawlerName} returned no crawler`);
  const last = crawler.LastCrawl;
  return {
    crawlerName,
    state: crawler.State ?? "UNKNOWN",
    ...(crawler.Schedule?.ScheduleExpression ? { schedule: crawler.Schedule.ScheduleExpression } : {}),
    ...(last
      ? {
          lastCrawl: {
            status: last.Status ?? "UNKNOWN",
            ...(last.StartTime ? { startedOn: last.StartTime } : {}),
            ...(last.ErrorMessage ? { errorMessage: last.ErrorMessage } : {}),
            ...(last.LogGroup ? { logGroup: last.LogGroup } : {}),
          },
        }
      : {}),
  };
}

/** Polls a crawler until it is READY again (its crawl ended), reporting each change of state. */
export async function waitForCrawler(
  client: GlueSender,
  crawlerName: string,
  options: { onState?: (state: string) => void; pollMs?: number; signal?: AbortSignal; sleep?: Sleep } = {},
): Promise<CrawlerStatus> {
  let last = "";
  for (;;) {
    const crawler = await getCrawler(client, crawlerName);
    if (crawler.state !== last) {
      options.onState?.(crawler.state);
      last = crawler.state;
    }
    if (crawler.state === "READY" || options.signal?.aborted) return crawler;
    await (options.sleep ?? sleep)(options.pollMs ?? 15_000);
  }
}

/** True when a crawl ended well: AWS says SUCCEEDED (emulators may say COMPLETED). */
export function crawlSucceeded(status: CrawlerStatus): boolean {
  const last = status.lastCrawl?.status;
  return last !== undefined && last !== "FAILED" && last !== "CANCELLED";
}
