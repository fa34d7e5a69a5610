import {
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from "@aws-sdk/client-athena";
import * as aws from "@pulumi/aws";
import { beforeAll, describe, expect, it } from "vitest";

import {
  QueryWorkgroup,
  resolveQueryWorkgroupSettings,
  validateQueryWorkgroupSettings,
} from "../../components/athena";
import { formatTable, QueryFailedError, runQuery, type AthenaSender } from "../../components/athena/client";
import { DataLake } from "../../components/data-lake";
import { DataCatalog } from "../../components/glue";
import { formatIssue } from "../../components/validation";
import { resolveNames } from "../../scripts/cli/commands/data";
import type { ProgramRun } from "../../scripts/cli/offline/runner";
import { policyOf, resource, resourcesOfType, runInline } from "../harness";

const LAKE_KEY = "arn:aws:kms:ap-northeast-2:123456789012:key/lake-key-key-id";
const CATALOG_KEY = "arn:aws:kms:ap-northeast-2:123456789012:key/data-key-key-id";
const GLUE_ARN = "arn:aws:glue:ap-northeast-2:123456789012";
const WORKGROUP = "aws:athena/workgroup:Workgroup";
const NAMED_QUERY = "aws:athena/namedQuery:NamedQuery";

describe("Query workgroup settings", () => {
  it("defaults to a 10 GiB cutoff per query, engine version 3 pinned, CloudWatch metrics on", () => {
    const settings = resolveQueryWorkgroupSettings();
    expect(settings).toEqual({
      bytesScannedCutoffPerQuery: 10_737_418_240,
      engineVersion: "Athena engine version 3",
      publishCloudwatchMetrics: true,
    });
    expect(validateQueryWorkgroupSettings(settings)).toEqual([]);
    expect(
      validateQueryWorkgroupSettings(
        resolveQueryWorkgroupSettings({ bytesScannedCutoffPerQuery: 10_485_760 }),
      ),
    ).toEqual([]);
  });

  it("names every bad setting: a cutoff under Athena's 10 MB minimum, an unknown engine", () => {
    const issues = validateQueryWorkgroupSettings(
      resolveQueryWorkgroupSettings({
        bytesScannedCutoffPerQuery: 10_485_759,
        engineVersion: "Athena engine version 2" as "AUTO",
        publishCloudwatchMetrics: "yes" as unknown as boolean,
      }),
    ).map(formatIssue);
    expect(issues).toEqual([
      "bytesScannedCutoffPerQuery: got 10485759, expected a whole number of bytes of at least 10485760 (10 MB, Athena's minimum), e.g. 10737418240 for 10 GiB",
      'engineVersion: got "Athena engine version 2", expected one of "Athena engine version 3", "AUTO"',
      'publishCloudwatchMetrics: got "yes", expected true or false',
    ]);
  });

  it("refuses a bad workgroup name and bad tables before declaring anything", () => {
    const lake = undefined as unknown as DataLake; // never reached
    expect(
      () =>
        new QueryWorkgroup("my queries", {
          lake,
          tables: [
            { database: "d", table: "events", zone: "processed", partitionKeys: ["Year"] },
            { database: "d", table: "events", zone: "processed" },
            { database: "d", table: "Bad-Table", zone: "raw" },
          ],
        }),
    ).toThrow(
      [
        "QueryWorkgroup my queries: 4 problems",
        '  - tables[0].partitionKeys[0]: got "Year", expected a column name: lowercase letters, digits and underscores',
        '  - tables[1].table: got "events", expected a table name not used by another table here (it names the table\'s named queries)',
        '  - tables[2].table: got "Bad-Table", expected lowercase letters, digits and underscores, starting with a letter or underscore',
        '  - name: got "my queries", expected an Athena workgroup name: letters, digits, . _ and -, up to 128 characters',
      ].join("\n"),
    );
  });
});

describe("QueryWorkgroup", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runInline("dev", () => {
      const lake = new DataLake("lake", { deletionPolicy: "protect" });
      const catalog = new DataCatalog("data", { lake });
      const queries = new QueryWorkgroup("queries", {
        lake,
        tables: [catalog.etlTable],
        catalogKmsKeyArns: catalog.catalogKmsKeyArn ? [catalog.catalogKmsKeyArn] : [],
        tags: { Project: "p" },
      });
      const analyst = new aws.iam.Role("analyst", { assumeRolePolicy: "{}" });
      queries.grantQuery("analysts", analyst);
      return {
        workgroupName: queries.workgroupName,
        outputLocation: queries.outputLocation,
        namedQueryIds: queries.namedQueryIds,
      };
    });
  });

  it("exports the workgroup's name, where results go and its named queries", () => {
    expect(run.outputs).toEqual({
      workgroupName: "queries",
      outputLocation: "s3://lake-data/artifacts/athena/results/",
      namedQueryIds: {
        "preview-events": "queries-events-preview-id",
        "rows-per-partition-events": "queries-events-partition-rows-id",
      },
    });
  });

  it("enforces its configuration: results in the lake under SSE-KMS with its key, this account's bucket, a cutoff", () => {
    const workgroup = resource(run, WORKGROUP, "queries-workgroup");
    expect(workgroup.inputs).toMatchObject({
      name: "queries",
      state: "ENABLED",
      tags: { Project: "p" },
      configuration: {
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: 10_737_418_240,
        requesterPaysEnabled: false,
        engineVersion: { selectedEngineVersion: "Athena engine version 3" },
        resultConfiguration: {
          outputLocation: "s3://lake-data/artifacts/athena/results/",
          expectedBucketOwner: "123456789012",
          encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: LAKE_KEY },
        },
      },
    });
  });

  it("names a preview and a row count per partition for each table", () => {
    const queries = resourcesOfType(run, NAMED_QUERY).map((q) => q.inputs);
    expect(queries).toEqual([
      {
        name: "rows-per-partition-events",
        description: "Rows of events per partition (year, month, day), newest first",
        workgroup: "queries",
        database: "data_processed",
        query:
          'SELECT year, month, day, COUNT(*) AS row_count FROM "data_processed"."events" GROUP BY year, month, day ORDER BY year DESC, month DESC, day DESC LIMIT 100;',
      },
      {
        name: "preview-events",
        description: "The first 10 rows of events",
        workgroup: "queries",
        database: "data_processed",
        query: 'SELECT * FROM "data_processed"."events" LIMIT 10;',
      },
    ]);
  });

  it("grants query users this workgroup, the tables' catalog entries and zones, results and keys only", () => {
    const statements = policyOf(
      resource(run, "aws:iam/rolePolicy:RolePolicy", "queries-analysts-query"),
    ).Statement;
    expect(statements.map((s) => [s.Sid, s.Resource])).toEqual([
      ["QueryInWorkgroup", "arn:aws:athena:ap-northeast-2:123456789012:workgroup/queries"],
      [
        "ReadTablesCatalog",
        [`${GLUE_ARN}:catalog`, `${GLUE_ARN}:database/data_processed`, `${GLUE_ARN}:table/data_processed/*`],
      ],
      ["FindResultsBucket", "arn:aws:s3:::lake-data"],
      ["ListResults", "arn:aws:s3:::lake-data"],
      ["ReadAndWriteResults", "arn:aws:s3:::lake-data/artifacts/athena/results/*"],
      ["EncryptResultsWithLakeKey", LAKE_KEY],
      ["DecryptCatalog", [CATALOG_KEY]],
    ]);
    expect(statements[0]?.Action).toEqual([
      "athena:StartQueryExecution",
      "athena:GetQueryExecution",
      "athena:GetQueryResults",
      "athena:StopQueryExecution",
      "athena:GetWorkGroup",
      "athena:ListNamedQueries",
      "athena:GetNamedQuery",
      "athena:BatchGetNamedQuery",
    ]);
    expect(statements[3]?.Condition).toEqual({ StringLike: { "s3:prefix": ["artifacts/athena/results/*"] } });
    const read = policyOf(
      resource(run, "aws:iam/rolePolicy:RolePolicy", "lake-analysts-processed-read"),
    ).Statement;
    expect(read.find((s) => s.Sid === "ReadZone")?.Resource).toBe("arn:aws:s3:::lake-data/processed/*");
    const actions = statements.flatMap((s) => s.Action as string[]);
    expect(
      actions.filter((a) => a.includes("*") || a.includes("Delete") || /^glue:(Create|Update)/.test(a)),
    ).toEqual([]);
  });

  it("pins the resource names", () => {
    const names = run.resources
      .filter((r) => r.urn.includes("mlplat:athena:QueryWorkgroup$"))
      .map((r) => r.name)
      .sort();
    expect(names).toEqual([
      "queries-analysts-query",
      "queries-events-partition-rows",
      "queries-events-preview",
      "queries-workgroup",
    ]);
  });
});

/** A transport that answers as Athena does, by command, and records what it was sent. */
function athenaAnswering(answers: {
  states?: string[];
  reason?: string;
  pages?: { Rows: string[][]; Columns?: string[]; NextToken?: string }[];
}): AthenaSender & { sent: unknown[] } {
  const sent: unknown[] = [];
  const states = [...(answers.states ?? ["SUCCEEDED"])];
  const pages = [...(answers.pages ?? [])];
  return {
    sent,
    send: ((command: unknown) => {
      sent.push(command);
      if (command instanceof StartQueryExecutionCommand) return Promise.resolve({ QueryExecutionId: "q-1" });
      if (command instanceof GetQueryExecutionCommand) {
        const state = states.length > 1 ? states.shift() : states[0];
        return Promise.resolve({
          QueryExecution: {
            Status: { State: state, ...(answers.reason ? { StateChangeReason: answers.reason } : {}) },
            Statistics: { DataScannedInBytes: 2048, EngineExecutionTimeInMillis: 321 },
            ResultConfiguration: { OutputLocation: "s3://lake/artifacts/athena/results/q-1.csv" },
          },
        });
      }
      if (command instanceof GetQueryResultsCommand) {
        const page = pages.shift() ?? { Rows: [] };
        return Promise.resolve({
          ResultSet: {
            Rows: page.Rows.map((r) => ({ Data: r.map((v) => (v === "NULL" ? {} : { VarCharValue: v })) })),
            ResultSetMetadata: {
              ColumnInfo: (page.Columns ?? []).map((Name) => ({ Name, Label: Name, Type: "varchar" })),
            },
          },
          ...(page.NextToken ? { NextToken: page.NextToken } : {}),
        });
      }
      if (command instanceof StopQueryExecutionCommand) return Promise.resolve({});
      return Promise.reject(new Error(`unexpected command ${String(command)}`));
    }) as AthenaSender["send"],
  };
}

const noWait = () => Promise.resolve();

describe("Athena client", () => {
  it("runs a query in the workgroup, waits for it and reads its rows without the header row", async () => {
    const athena = athenaAnswering({
      states: ["QUEUED", "RUNNING", "SUCCEEDED"],
      pages: [
        {
          Columns: ["day", "row_count"],
          Rows: [
            ["day", "row_count"],
            ["01", "42"],
          ],
          NextToken: "t",
        },
        { Columns: ["day", "row_count"], Rows: [["02", "NULL"]] },
      ],
    });
    const states: string[] = [];
    const result = await runQuery(
      athena,
      {
        sql: "SELECT day, COUNT(*) AS row_count FROM events GROUP BY day",
        workgroup: "queries",
        database: "data_processed",
      },
      { sleep: noWait, onState: (s) => states.push(s) },
    );
    expect(states).toEqual(["QUEUED", "RUNNING", "SUCCEEDED"]);
    expect(result).toEqual({
      queryExecutionId: "q-1",
      columns: ["day", "row_count"],
      rows: [
        { day: "01", row_count: "42" },
        { day: "02", row_count: null },
      ],
      truncated: false,
      dataScannedBytes: 2048,
      engineMillis: 321,
      outputLocation: "s3://lake/artifacts/athena/results/q-1.csv",
    });
    const start = athena.sent[0] as StartQueryExecutionCommand;
    expect(start.input).toEqual({
      QueryString: "SELECT day, COUNT(*) AS row_count FROM events GROUP BY day",
      WorkGroup: "queries",
      QueryExecutionContext: { Database: "data_processed", Catalog: "AwsDataCatalog" },
    });
  });

  it("takes the column names from the first row when there is no metadata, and stops at maxRows", async () => {
    const athena = athenaAnswering({ pages: [{ Rows: [["n"], ["1"], ["2"], ["3"]] }] });
    const result = await runQuery(
      athena,
      { sql: "SELECT 1", workgroup: "queries" },
      { sleep: noWait, maxRows: 2 },
    );
    expect(result.columns).toEqual(["n"]);
    expect(result.rows).toEqual([{ n: "1" }, { n: "2" }]);
    expect(result.truncated).toBe(true);
  });

  it("reports a failed query with Athena's reason", async () => {
    const athena = athenaAnswering({
      states: ["FAILED"],
      reason: "Query exhausted resources: bytes scanned exceeded the workgroup's cutoff",
    });
    const error = await runQuery(athena, { sql: "SELECT *", workgroup: "queries" }, { sleep: noWait }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(QueryFailedError);
    expect((error as Error).message).toBe(
      "query q-1 failed: Query exhausted resources: bytes scanned exceeded the workgroup's cutoff",
    );
  });

  it("stops the query when the wait is interrupted", async () => {
    const athena = athenaAnswering({ states: ["RUNNING"] });
    const interrupt = new AbortController();
    interrupt.abort();
    await expect(
      runQuery(
        athena,
        { sql: "SELECT 1", workgroup: "queries" },
        { sleep: noWait, signal: interrupt.signal },
      ),
    ).rejects.toThrow("query q-1 cancelled: stopped on request");
    expect(athena.sent.some((c) => c instanceof StopQueryExecutionCommand)).toBe(true);
  });

  it("checks the request before any call", async () => {
    const athena = athenaAnswering({});
    await expect(
      runQuery(athena, { sql: " ", workgroup: "my queries", database: "Data-Processed" }),
    ).rejects.toThrow(
      [
        "Athena query: 3 problems",
        '  - sql: got " ", expected a query of 1 to 262144 bytes',
        '  - workgroup: got "my queries", expected an Athena workgroup name: letters, digits, . _ and -, up to 128 characters',
        '  - database: got "Data-Processed", expected a Glue database name: lowercase letters, digits and underscores',
      ].join("\n"),
    );
    expect(athena.sent).toEqual([]);
  });

  it("prints rows as an aligned table", () => {
    expect(
      formatTable(
        ["day", "row_count"],
        [
          { day: "01", row_count: "42" },
          { day: "02", row_count: null },
        ],
      ),
    ).toBe(["day  row_count", "---  ---------", "01   42", "02   NULL"].join("\n"));
  });
});

describe("mlplat query and etl: names from flags or the stack's outputs", () => {
  it("needs no outputs when every name is a flag, and says which flags or outputs are missing", () => {
    expect(
      resolveNames({}, [{ value: "queries", flag: "--workgroup", output: "athena.workgroupName" }]),
    ).toEqual(["queries"]);
    expect(() =>
      resolveNames({}, [
        { value: undefined, flag: "--job-name", output: "glue.jobName" },
        { value: undefined, flag: "--crawler-name", output: "glue.crawlerName" },
      ]),
    ).toThrow(
      "--job-name and --crawler-name: got nothing, expected the flags, or --stack <name> / --outputs <file> to read glue.jobName and glue.crawlerName from the stack's outputs",
    );
  });
});
