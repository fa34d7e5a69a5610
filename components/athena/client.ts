/**
 * Queries through the workgroup, for people and pipelines: start one, wait for it, read its rows. The workgroup
 * enforces its own result location and encryption, so a query names only the workgroup and the database. Plain
 * AWS SDK calls (no Pulumi), so they work against real AWS and the local emulator alike.
 */
import {
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type AthenaClient,
  type Row,
} from "@aws-sdk/client-athena";

import { ValidationError, type ValidationIssue } from "../validation";
import { WORKGROUP_NAME } from "./args";

/** The part of the SDK client these functions use: tests answer it without AWS. */
export type AthenaSender = Pick<AthenaClient, "send">;

export type Sleep = (ms: number) => Promise<void>;
const sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface QueryRequest {
  readonly sql: string;
  readonly workgroup: string;
  /** The database unqualified table names resolve in. @default - none: tables are qualified in the SQL */
  readonly database?: string;
  /** @default "AwsDataCatalog" */
  readonly catalog?: string;
}

export interface QueryOptions {
  /** Rows to read at most; the rest stay in the result file. @default 1000 */
  readonly maxRows?: number;
  /** @default 1000 */
  readonly pollMs?: number;
  /** Cancels the wait and stops the query. */
  readonly signal?: AbortSignal;
  readonly sleep?: Sleep;
  readonly onState?: (state: string) => void;
}

export interface QueryResult {
  readonly queryExecutionId: string;
  readonly columns: string[];
  /** Each row by column name; a NULL is `null`. */
  readonly rows: Record<string, string | null>[];
  /** True when the query returned more rows than were read. */
  readonly truncated: boolean;
  readonly dataScannedBytes?: number;
  readonly engineMillis?: number;
  /** The result file, under the workgroup's output location. */
  readonly outputLocation?: string;
}

/** A query that ended FAILED or CANCELLED: the message carries Athena's reason. */
export class QueryFailedError extends Error {
  override readonly name = "QueryFailedError";
  constructor(
    readonly queryExecutionId: string,
    readonly state: string,
    reason: string | undefined,
  ) {
    super(`query ${queryExecutionId} ${state.toLowerCase()}${reason ? `: ${reason}` : ""}`);
  }
}

const FINAL = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);
const DATABASE = /^[a-z0-9_]{1,255}$/;
/** Athena's longest query string, in bytes. */
export const MAX_QUERY_BYTES = 262_144;

/** Runs a query in the workgroup, waits for it and reads up to `maxRows` rows. */
export async function runQuery(
  client: AthenaSender,
  request: QueryRequest,
  options: QueryOptions = {},
): Promise<QueryResult> {
  const id = await startQuery(client, request);
  const execution = await waitForQuery(client, id, options);
  const { columns, rows, truncated } = await readRows(client, id, options.maxRows ?? 1000);
  return { ...execution, columns, rows, truncated };
}

/** Starts a query after checking the request; resolves to its execution id. */
export async function startQuery(client: AthenaSender, request: QueryRequest): Promise<string> {
  const issues: ValidationIssue[] = [];
  const sql: unknown = request.sql;
  if (typeof sql !== "string" || sql.trim() === "" || Buffer.byteLength(sql, "utf8") > MAX_QUERY_BYTES) {
    issues.push({
      path: "sql",
      value: typeof sql === "string" && sql.length > 60 ? `${sql.slice(0, 57)}...` : sql,
      expected: `a query of 1 to ${MAX_QUERY_BYTES} bytes`,
    });
  }
  if (!WORKGROUP_NAME.test(request.workgroup)) {
    issues.push({
      path: "workgroup",
      value: request.workgroup,
      expected: "an Athena workgroup name: letters, digits, . _ and -, up to 128 characters",
    });
  }
  if (request.database !== undefined && !DATABASE.test(request.database)) {
    issues.push({
      path: "database",
      value: request.database,
      expected: "a Glue database name: lowercase letters, digits and underscores",
    });
  }
  if (issues.length > 0) throw new ValidationError("Athena query", issues);
  const response = await client.send(
    new StartQueryExecutionCommand({
      QueryString: request.sql,
      WorkGroup: request.workgroup,
      ...(request.database !== undefined
        ? {
            QueryExecutionContext: {
              Database: request.database,
              Catalog: request.catalog ?? "AwsDataCatalog",
            },
          }
        : {}),
    }),
  );
  if (!response.QueryExecutionId) throw new Error("StartQueryExecution returned no query execution id");
  return response.QueryExecutionId;
}

/**
 * Polls a query until it ends. Throws {@link QueryFailedError} when it fails or is cancelled; when `signal`
 * aborts, stops the query and throws.
 */
export async function waitForQuery(
  client: AthenaSender,
  queryExecutionId: string,
  options: Pick<QueryOptions, "pollMs" | "signal" | "sleep" | "onState"> = {},
): Promise<Omit<QueryResult, "columns" | "rows" | "truncated">> {
  let last = "";
  for (;;) {
    const response = await client.send(new GetQueryExecutionCommand({ QueryExecutionId: queryExecutionId }));
    const execution = response.QueryExecution;
    const state = execution?.Status?.State ?? "UNKNOWN";
    if (state !== last) {
      options.onState?.(state);
      last = state;
    }
    if (state === "SUCCEEDED") {
      const stats = execution?.Statistics;
      const output = execution?.ResultConfiguration?.OutputLocation;
      return {
        queryExecutionId,
        ...(stats?.DataScannedInBytes !== undefined ? { dataScannedBytes: stats.DataScannedInBytes } : {}),
        ...(stats?.EngineExecutionTimeInMillis !== undefined
          ? { engineMillis: stats.EngineExecutionTimeInMillis }
          : {}),
        ...(output ? { outputLocation: output } : {}),
      };
    }
    if (FINAL.has(state)) {
      throw new QueryFailedError(queryExecutionId, state, execution?.Status?.StateChangeReason);
    }
    if (options.signal?.aborted) {
      await client.send(new StopQueryExecutionCommand({ QueryExecutionId: queryExecutionId }));
      throw new QueryFailedError(queryExecutionId, "CANCELLED", "stopped on request");
    }
    await (options.sleep ?? sleep)(options.pollMs ?? 1000);
  }
}

/**
 * Reads a finished query's rows, page by page, up to `maxRows`. Athena returns a SELECT's column labels as its
 * first row; that row is recognised by matching the column metadata and left out.
 */
export async function readRows(
  client: AthenaSender,
  queryExecutionId: string,
  maxRows: number,
): Promise<{ columns: string[]; rows: Record<string, string | null>[]; truncated: boolean }> {
  let columns: string[] | undefined;
  const rows: Record<string, string | null>[] = [];
  let token: string | undefined;
  let first = true;
  for (;;) {
    const page = await client.send(
      new GetQueryResultsCommand({
        QueryExecutionId: queryExecutionId,
        MaxResults: 1000,
        ...(token ? { NextToken: token } : {}),
      }),
    );
    let data = (page.ResultSet?.Rows ?? []).map(values);
    if (first) {
      first = false;
      const described = (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map(
        (c) => c.Label ?? c.Name ?? "",
      );
      const head = data[0];
      if (described.length > 0) {
        columns = described;
        if (head !== undefined && sameValues(head, described)) data = data.slice(1);
      } else if (head !== undefined) {
        // No metadata (an emulator's canned result): the first row names the columns.
        columns = head.map((v, i) => v ?? `_col${i}`);
        data = data.slice(1);
      }
    }
    const names = columns ?? [];
    for (const row of data) {
      if (rows.length >= maxRows) return { columns: names, rows, truncated: true };
      rows.push(Object.fromEntries(names.map((name, i) => [name, row[i] ?? null])));
    }
    token = page.NextToken;
    if (!token) return { columns: names, rows, truncated: false };
  }
}

function values(row: Row): (string | null)[] {
  return (row.Data ?? []).map((d) => d.VarCharValue ?? null);
}

function sameValues(row: readonly (string | null)[], names: readonly string[]): boolean {
  return row.length === names.length && row.every((v, i) => v === names[i]);
}

/** Rows as an aligned text table, for terminals. */
export function formatTable(
  columns: readonly string[],
  rows: readonly Record<string, string | null>[],
): string {
  const cell = (v: string | null | undefined) => (v === null || v === undefined ? "NULL" : v);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [
    line([...columns]),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map((r) => line(columns.map((c) => cell(r[c])))),
  ].join("\n");
}
