/**
 * Runs of the ML pipeline for people and tests: start an execution with an input, follow it to its end, and
 * summarize what each step did from the execution's history. Plain AWS SDK calls, so they work against real
 * AWS and the emulator alike; the input is validated before the first call.
 */
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  StartExecutionCommand,
  type HistoryEvent,
  type SFNClient,
} from "@aws-sdk/client-sfn";

import { ValidationError, type ValidationIssue } from "../validation";
import { MAX_EXECUTION_NAME_LENGTH } from "./args";
import type { PipelineInput } from "./definition";

export type Sleep = (ms: number) => Promise<void>;
const sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Execution names become part of SageMaker names: letters, digits and hyphens only. */
export const EXECUTION_NAME = new RegExp(`^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,${MAX_EXECUTION_NAME_LENGTH - 1}}$`);

const TERMINAL = new Set(["SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"]);

/** Every problem with an execution's input and name, before any call. */
export function validateExecution(input: unknown, name: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (!EXECUTION_NAME.test(name)) {
    issues.push({
      path: "name",
      value: name,
      expected: `1 to ${MAX_EXECUTION_NAME_LENGTH} letters, digits and hyphens, not starting or ending with a hyphen (it names the run's SageMaker job)`,
    });
  }
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    issues.push({ path: "input", value: input, expected: 'a JSON object such as {"hyperparameters": {}}' });
    return issues;
  }
  const record = input as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (key !== "hyperparameters" && key !== "etlArguments") {
      issues.push({
        path: `input.${key}`,
        value: record[key],
        expected: "no such key: the pipeline takes hyperparameters and etlArguments",
      });
    }
  }
  const strings = (key: "hyperparameters" | "etlArguments", keyRule?: RegExp, keyHint?: string) => {
    const value = record[key];
    if (value === undefined) return;
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      issues.push({ path: `input.${key}`, value, expected: "an object of strings" });
      return;
    }
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (typeof v !== "string") {
        issues.push({
          path: `input.${key}.${k}`,
          value: v,
          expected: "a string (SageMaker and Glue take strings)",
        });
      }
      if (keyRule !== undefined && !keyRule.test(k)) {
        issues.push({ path: `input.${key}.${k}`, value: k, expected: keyHint ?? "a valid key" });
      }
    }
  };
  strings("hyperparameters");
  strings("etlArguments", /^--[A-Za-z0-9_-]+$/, "a Glue job argument name such as --source_prefix");
  return issues;
}

/** `run-<yyyymmdd>-<hhmmss>` in UTC: unique per second, readable, and short enough for SageMaker's names. */
export function defaultExecutionName(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").slice(0, 15).replace("T", "-");
  return `run-${stamp}`;
}

/** The ARN of an execution, from the state machine's ARN and the execution's name (or its ARN, unchanged). */
export function executionArnOf(stateMachineArn: string, execution: string): string {
  if (execution.startsWith("arn:")) return execution;
  const match = /^(arn:[^:]+:states:[^:]+:\d+):stateMachine:([^:]+)$/.exec(stateMachineArn);
  if (!match) {
    throw new Error(
      `state machine ARN: got ${JSON.stringify(stateMachineArn)}, expected arn:<partition>:states:<region>:<account>:stateMachine:<name>`,
    );
  }
  return `${match[1] ?? ""}:execution:${match[2] ?? ""}:${execution}`;
}

export interface StartedExecution {
  readonly executionArn: string;
  readonly name: string;
}

/** Starts an execution of the pipeline with `input` (hyperparameters and ETL arguments over the stack's). */
export async function startPipeline(
  client: SFNClient,
  stateMachineArn: string,
  input: PipelineInput = {},
  options: { name?: string; now?: () => Date } = {},
): Promise<StartedExecution> {
  const name = options.name ?? defaultExecutionName((options.now ?? (() => new Date()))());
  const issues = validateExecution(input, name);
  if (issues.length > 0) throw new ValidationError(`pipeline execution ${name}`, issues);
  const response = await client.send(
    new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
  );
  if (!response.executionArn) throw new Error(`StartExecution of ${name} returned no execution ARN`);
  return { executionArn: response.executionArn, name };
}

/** What one state did in an execution: how often it was entered, and each error it met (retried or not). */
export interface StepSummary {
  readonly name: string;
  readonly visits: number;
  readonly failures: readonly { readonly error: string; readonly cause: string }[];
}

/** Where an execution stands or ended, with a summary of its steps. */
export interface ExecutionResult {
  readonly executionArn: string;
  readonly name: string;
  /** RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED (or PENDING_REDRIVE). */
  readonly status: string;
  readonly startDate?: string;
  readonly stopDate?: string;
  /** The execution's output, parsed, once it succeeded. */
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
  /** The states in the order they were first entered. */
  readonly steps: readonly StepSummary[];
}

/** The execution's status and output, and its history summarized per state. */
export async function describePipelineExecution(
  client: SFNClient,
  executionArn: string,
): Promise<ExecutionResult> {
  const execution = await client.send(new DescribeExecutionCommand({ executionArn }));
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, ...(nextToken ? { nextToken } : {}) }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return {
    executionArn,
    name: execution.name ?? executionArn.slice(executionArn.lastIndexOf(":") + 1),
    status: execution.status ?? "UNKNOWN",
    ...(execution.startDate ? { startDate: execution.startDate.toISOString() } : {}),
    ...(execution.stopDate ? { stopDate: execution.stopDate.toISOString() } : {}),
    ...(execution.output !== undefined ? { output: parseJson(execution.output) } : {}),
    ...(execution.error !== undefined ? { error: execution.error } : {}),
    ...(execution.cause !== undefined ? { cause: execution.cause } : {}),
    steps: summarizeHistory(events),
  };
}

/**
 * Follows an execution until it ends, reporting each change of status and each state entered. `signal` ends
 * the wait early (the execution keeps running); the result then carries the status it had.
 */
export async function waitForPipeline(
  client: SFNClient,
  executionArn: string,
  options: {
    onState?: (state: string) => void;
    pollMs?: number;
    signal?: AbortSignal;
    sleep?: Sleep;
  } = {},
): Promise<ExecutionResult> {
  const reported = new Map<string, number>();
  for (;;) {
    const result = await describePipelineExecution(client, executionArn);
    for (const step of result.steps) {
      if ((reported.get(step.name) ?? 0) < step.visits) options.onState?.(step.name);
      reported.set(step.name, step.visits);
    }
    if (TERMINAL.has(result.status) || options.signal?.aborted) return result;
    await (options.sleep ?? sleep)(options.pollMs ?? 10_000);
  }
}

/** Per state, in the order first entered: its visits and the errors its tasks met (from TaskFailed events). */
export function summarizeHistory(events: readonly HistoryEvent[]): StepSummary[] {
  const steps = new Map<string, { visits: number; failures: { error: string; cause: string }[] }>();
  let current: string | undefined;
  for (const event of [...events].sort((a, b) => (a.id ?? 0) - (b.id ?? 0))) {
    const entered = event.stateEnteredEventDetails?.name;
    if (entered !== undefined) {
      current = entered;
      const step = steps.get(entered) ?? { visits: 0, failures: [] };
      step.visits += 1;
      steps.set(entered, step);
      continue;
    }
    const failed = event.taskFailedEventDetails ?? event.taskTimedOutEventDetails;
    if (failed !== undefined && current !== undefined) {
      steps.get(current)?.failures.push({
        error: failed.error ?? (event.taskTimedOutEventDetails ? "States.Timeout" : "unknown"),
        cause: failed.cause ?? "",
      });
    }
  }
  return [...steps.entries()].map(([name, step]) => ({ name, ...step }));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
