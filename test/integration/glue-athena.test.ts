/**
 * The Glue and Athena calls the template's commands make, against the emulator: the catalog (encryption settings,
 * security configuration, databases, the ETL job with its uploaded script, the crawler) and the workgroup are
 * created with the SDK from the same definitions the components declare; then `mlplat etl run|crawl|status` and
 * `mlplat query` drive them by the names in the stack's outputs, and the query returns rows queued in the
 * emulator (moto runs no SQL: /moto-api/static/athena/query-results).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import {
  AthenaClient,
  CreateWorkGroupCommand,
  GetQueryExecutionCommand,
  GetWorkGroupCommand,
} from "@aws-sdk/client-athena";
import {
  CreateCrawlerCommand,
  CreateDatabaseCommand,
  CreateJobCommand,
  CreateSecurityConfigurationCommand,
  GetDataCatalogEncryptionSettingsCommand,
  GetJobRunCommand,
  GlueClient,
  PutDataCatalogEncryptionSettingsCommand,
} from "@aws-sdk/client-glue";
import { CreateKeyCommand } from "@aws-sdk/client-kms";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { GIB, resolveQueryWorkgroupSettings, RESULTS_PREFIX } from "../../components/athena/args";
import { runQuery } from "../../components/athena/client";
import { CATALOG_ZONES, databaseName, resolveDataCatalogSettings } from "../../components/glue/args";
import {
  getCrawler,
  latestJobRun,
  startCrawler,
  startJobRun,
  waitForCrawler,
  waitForJobRun,
} from "../../components/glue/client";
import {
  CRAWLER_EXCLUSIONS,
  crawlerConfiguration,
  ETL_SCRIPT_KEY,
  ETL_SCRIPT_PATH,
  etlJobArguments,
  etlScriptUri,
} from "../../components/glue/definitions";
import { emulatorEnvironment, postJson } from "../../scripts/cli/emulator";
import { registerDataCommands } from "../../scripts/cli/commands/data";
import {
  clientConfig,
  createLakeBucket,
  emulator,
  gap,
  kmsClient,
  resetBetweenSuites,
  s3Client,
  skipNote,
  unique,
} from "./support";

const ACCOUNT = "123456789012";
const STACK = `itest-${unique()}`;
const settings = resolveDataCatalogSettings();
const names = {
  job: `${STACK}-etl`,
  crawler: `${STACK}-processed-crawler`,
  security: `${STACK}-security`,
  workgroup: `${STACK}-queries`,
  databases: Object.fromEntries(CATALOG_ZONES.map((zone) => [zone, databaseName(STACK, zone)])),
};

const CRAWL_ENDS_AT_ONCE = { model_name: "glue::crawl", transition: { progression: "immediate" } };

let bucket: string;
let outputsFile: string;
let glue: GlueClient;
let athena: AthenaClient;
const savedEnv = { ...process.env };

/** Runs an `mlplat` data command in this process, as main.ts would, and captures what it prints. */
async function mlplat(args: string[]): Promise<{ stdout: string; stderr: string; error?: Error }> {
  const program = new Command("mlplat").exitOverride();
  registerDataCommands(program);
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(args, { from: "user" });
    return { stdout, stderr };
  } catch (error) {
    return { stdout, stderr, error: error as Error };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const skip = gap("glue") !== undefined || gap("athena") !== undefined;

beforeAll(async () => {
  if (skip) return;
  await resetBetweenSuites();
  if (emulator().kind === "moto") {
    // moto ends a crawl only when ListCrawls is called (it counts those calls); make crawls end at once, as its
    // job runs do, so that GetCrawler sees the crawler READY again.
    await postJson(`${emulator().endpoint}/moto-api/state-manager/set-transition`, CRAWL_ENDS_AT_ONCE);
  }
  // The commands build their SDK clients from the environment, as they do for people using the sandbox.
  Object.assign(process.env, emulatorEnvironment(emulator().endpoint, emulator().region));
  glue = new GlueClient(clientConfig());
  athena = new AthenaClient(clientConfig());
  ({ bucket } = await createLakeBucket(`glue-athena-${unique()}`));
  const s3 = s3Client();
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: ETL_SCRIPT_KEY,
      Body: fs.readFileSync(ETL_SCRIPT_PATH),
      ContentType: "text/x-python",
    }),
  );

  // The catalog as DataCatalog declares it (components/glue/index.ts), with its own key.
  const key = await kmsClient().send(new CreateKeyCommand({ Description: "catalog key" }));
  const catalogKey = key.KeyMetadata?.Arn ?? "";
  await glue.send(
    new PutDataCatalogEncryptionSettingsCommand({
      DataCatalogEncryptionSettings: {
        EncryptionAtRest: { CatalogEncryptionMode: "SSE-KMS", SseAwsKmsKeyId: catalogKey },
        ConnectionPasswordEncryption: { ReturnConnectionPasswordEncrypted: true, AwsKmsKeyId: catalogKey },
      },
    }),
  );
  await glue.send(
    new CreateSecurityConfigurationCommand({
      Name: names.security,
      EncryptionConfiguration: {
        S3Encryption: [{ S3EncryptionMode: "SSE-KMS", KmsKeyArn: catalogKey }],
        CloudWatchEncryption: { CloudWatchEncryptionMode: "SSE-KMS", KmsKeyArn: catalogKey },
        JobBookmarksEncryption: { JobBookmarksEncryptionMode: "CSE-KMS", KmsKeyArn: catalogKey },
      },
    }),
  );
  for (const zone of CATALOG_ZONES) {
    await glue.send(
      new CreateDatabaseCommand({
        DatabaseInput: { Name: names.databases[zone], LocationUri: `s3://${bucket}/${zone}/` },
      }),
    );
  }
  await glue.send(
    new CreateJobCommand({
      Name: names.job,
      Role: `arn:aws:iam::${ACCOUNT}:role/${STACK}-job-role`,
      Command: { Name: "glueetl", ScriptLocation: etlScriptUri(bucket), PythonVersion: "3" },
      DefaultArguments: etlJobArguments(bucket, settings),
      GlueVersion: settings.glueVersion,
      WorkerType: settings.workerType,
      NumberOfWorkers: settings.numberOfWorkers,
      Timeout: settings.jobTimeoutMinutes,
      MaxRetries: settings.maxRetries,
      ExecutionProperty: { MaxConcurrentRuns: 1 },
      SecurityConfiguration: names.security,
    }),
  );
  await glue.send(
    new CreateCrawlerCommand({
      Name: names.crawler,
      Role: `arn:aws:iam::${ACCOUNT}:role/${STACK}-crawler-role`,
      DatabaseName: names.databases.processed,
      Targets: { S3Targets: [{ Path: `s3://${bucket}/processed/`, Exclusions: [...CRAWLER_EXCLUSIONS] }] },
      Schedule: settings.crawlerSchedule,
      Configuration: crawlerConfiguration(),
      SchemaChangePolicy: { UpdateBehavior: "UPDATE_IN_DATABASE", DeleteBehavior: "LOG" },
      CrawlerSecurityConfiguration: names.security,
    }),
  );

  // The workgroup as QueryWorkgroup declares it (components/athena/index.ts).
  const workgroup = resolveQueryWorkgroupSettings();
  await athena.send(
    new CreateWorkGroupCommand({
      Name: names.workgroup,
      Configuration: {
        EnforceWorkGroupConfiguration: true,
        PublishCloudWatchMetricsEnabled: workgroup.publishCloudwatchMetrics,
        BytesScannedCutoffPerQuery: workgroup.bytesScannedCutoffPerQuery,
        EngineVersion: { SelectedEngineVersion: workgroup.engineVersion },
        ResultConfiguration: {
          OutputLocation: `s3://${bucket}/${RESULTS_PREFIX}`,
          ExpectedBucketOwner: ACCOUNT,
          EncryptionConfiguration: { EncryptionOption: "SSE_KMS", KmsKey: catalogKey },
        },
      },
    }),
  );

  // What `pulumi stack output --json` gives for a stack with Glue and Athena on.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "mlplat-glue-athena-"));
  outputsFile = path.join(scratch, "outputs.json");
  fs.writeFileSync(
    outputsFile,
    JSON.stringify({
      region: emulator().region,
      glue: { databaseNames: names.databases, jobName: names.job, crawlerName: names.crawler },
      athena: { workgroupName: names.workgroup, outputLocation: `s3://${bucket}/${RESULTS_PREFIX}` },
    }),
  );
});

afterAll(async () => {
  if (!skip && emulator().kind === "moto") {
    await postJson(`${emulator().endpoint}/moto-api/state-manager/unset-transition`, {
      model_name: CRAWL_ENDS_AT_ONCE.model_name,
    });
  }
  for (const key of Object.keys(emulatorEnvironment(""))) {
    if (savedEnv[key] === undefined) Reflect.deleteProperty(process.env, key);
    else process.env[key] = savedEnv[key];
  }
});

describe(`Glue and Athena against ${emulator().kind}`, () => {
  it.skipIf(gap("glue"))(
    `creates the catalog as the stack does: KMS at rest and for passwords, the script uploaded ${skipNote("glue")}`,
    async () => {
      const encryption = await glue.send(new GetDataCatalogEncryptionSettingsCommand({}));
      expect(encryption.DataCatalogEncryptionSettings?.EncryptionAtRest?.CatalogEncryptionMode).toBe(
        "SSE-KMS",
      );
      expect(
        encryption.DataCatalogEncryptionSettings?.ConnectionPasswordEncryption
          ?.ReturnConnectionPasswordEncrypted,
      ).toBe(true);
      const script = await s3Client().send(new GetObjectCommand({ Bucket: bucket, Key: ETL_SCRIPT_KEY }));
      expect(script.ServerSideEncryption).toBe("aws:kms");
      expect(await script.Body?.transformToString()).toBe(fs.readFileSync(ETL_SCRIPT_PATH, "utf8"));
    },
  );

  it.skipIf(gap("glue"))(
    `starts the ETL job with overrides, follows it to SUCCEEDED and finds it as the latest run ${skipNote("glue")}`,
    async () => {
      const { runId } = await startJobRun(glue, names.job, { source_path: `s3://${bucket}/raw/clicks/` });
      const states: string[] = [];
      const run = await waitForJobRun(glue, names.job, runId, { pollMs: 50, onState: (s) => states.push(s) });
      expect(run.state).toBe("SUCCEEDED");
      expect(states.at(-1)).toBe("SUCCEEDED");
      // The run's arguments are the job's defaults with this run's override.
      expect(run.arguments).toMatchObject({
        "--job-bookmark-option": "job-bookmark-enable",
        "--source_path": `s3://${bucket}/raw/clicks/`,
        "--target_path": `s3://${bucket}/processed/events/`,
      });
      const described = await glue.send(new GetJobRunCommand({ JobName: names.job, RunId: runId }));
      expect(described.JobRun?.SecurityConfiguration).toBe(names.security);
      expect(described.JobRun?.WorkerType).toBe("G.1X");
      expect((await latestJobRun(glue, names.job))?.runId).toBe(runId);
    },
  );

  it.skipIf(gap("glue"))(
    `starts the crawler and waits until it is READY again ${skipNote("glue")}`,
    async () => {
      await startCrawler(glue, names.crawler);
      const status = await waitForCrawler(glue, names.crawler, { pollMs: 50 });
      expect(status.state).toBe("READY");
      expect(status.schedule).toBe("cron(0 3 * * ? *)");
      expect(status.lastCrawl?.status).toBeDefined();
    },
  );

  it.skipIf(gap("glue"))(
    `mlplat etl run --crawl and etl status, by the names in the stack's outputs ${skipNote("glue")}`,
    async () => {
      const run = await mlplat(["etl", "run", "--outputs", outputsFile, "--crawl", "--poll", "0.05"]);
      expect(run.error).toBeUndefined();
      const [runId, crawled] = run.stdout.trim().split("\n");
      expect(runId).toMatch(/^jr_/);
      expect(crawled).toMatch(new RegExp(`^${names.crawler} \\S+$`));
      expect(run.stderr).toContain(`[mlplat] started ${names.job} run ${runId ?? ""}`);
      expect(run.stderr).toContain(`[mlplat] ${names.job} run ${runId ?? ""}: SUCCEEDED`);
      expect(run.stderr).toContain(`[mlplat] started crawler ${names.crawler}`);

      const status = await mlplat(["etl", "status", "--outputs", outputsFile, "--format", "json"]);
      expect(status.error).toBeUndefined();
      const shown = JSON.parse(status.stdout) as {
        jobName: string;
        run: { runId: string; state: string };
        crawler: { crawlerName: string; state: string };
      };
      expect(shown.jobName).toBe(names.job);
      expect(shown.run).toMatchObject({ runId, state: "SUCCEEDED" });
      expect(shown.crawler).toMatchObject({ crawlerName: names.crawler, state: "READY" });
      expect((await getCrawler(glue, names.crawler)).lastCrawl).toBeDefined();
    },
  );

  it.skipIf(gap("athena"))(
    `mlplat query runs through the workgroup and prints the rows queued in the emulator ${skipNote("athena")}`,
    async () => {
      const described = await athena.send(new GetWorkGroupCommand({ WorkGroup: names.workgroup }));
      expect(described.WorkGroup?.Configuration).toMatchObject({
        EnforceWorkGroupConfiguration: true,
        BytesScannedCutoffPerQuery: 10 * GIB,
      });
      // Athena returns a SELECT's column labels as its first row; moto returns whatever is queued, so queue that.
      const column = (Name: string) => ({ Name, Label: Name, Type: "varchar", Nullable: "UNKNOWN" });
      await postJson(`${emulator().endpoint}/moto-api/static/athena/query-results`, {
        account_id: ACCOUNT,
        region: emulator().region,
        results: [
          {
            rows: [
              { Data: [{ VarCharValue: "day" }, { VarCharValue: "row_count" }] },
              { Data: [{ VarCharValue: "2024-01-01" }, { VarCharValue: "42" }] },
              { Data: [{ VarCharValue: "2024-01-02" }, {}] },
            ],
            column_info: [column("day"), column("row_count")],
          },
          { rows: [{ Data: [{ VarCharValue: "7" }] }], column_info: [column("n")] },
        ],
      });
      const sql = "SELECT day, COUNT(*) AS row_count FROM events GROUP BY day ORDER BY day";
      const query = await mlplat([
        "query",
        "--outputs",
        outputsFile,
        "--format",
        "json",
        "--poll",
        "0.05",
        sql,
      ]);
      expect(query.error).toBeUndefined();
      expect(JSON.parse(query.stdout)).toEqual([
        { day: "2024-01-01", row_count: "42" },
        { day: "2024-01-02", row_count: null },
      ]);
      const id = /\[mlplat\] (\S+): 2 rows/.exec(query.stderr)?.[1] ?? "";
      const execution = await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
      expect(execution.QueryExecution?.Query).toBe(sql);
      expect(execution.QueryExecution?.QueryExecutionContext?.Database).toBe(names.databases.processed);
      expect(execution.QueryExecution?.WorkGroup).toBe(names.workgroup);

      // The client on its own: the next queued result, with explicit names.
      const result = await runQuery(
        athena,
        { sql: "SELECT 7 AS n", workgroup: names.workgroup },
        { pollMs: 50 },
      );
      expect(result.columns).toEqual(["n"]);
      expect(result.rows).toEqual([{ n: "7" }]);
    },
  );

  it("names the flags and outputs a command needs when neither is given", async () => {
    const result = await mlplat(["etl", "status"]);
    expect(result.error?.name).toBe("UsageError");
    expect(result.error?.message).toBe(
      "--job-name and --crawler-name: got nothing, expected the flags, or --stack <name> / --outputs <file> to read glue.jobName and glue.crawlerName from the stack's outputs",
    );
  });
});
