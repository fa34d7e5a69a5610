import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

import {
  GetCrawlerCommand,
  GetJobRunCommand,
  GetJobRunsCommand,
  StartJobRunCommand,
} from "@aws-sdk/client-glue";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";

import { DataLake } from "../../components/data-lake";
import {
  databaseName,
  DataCatalog,
  ETL_SCRIPT_PATH,
  etlJobArguments,
  resolveDataCatalogSettings,
  validateDataCatalogSettings,
} from "../../components/glue";
import {
  crawlSucceeded,
  latestJobRun,
  startJobRun,
  waitForCrawler,
  waitForJobRun,
  type GlueSender,
} from "../../components/glue/client";
import { formatIssue } from "../../components/validation";
import type { DeclaredResource, ProgramRun } from "../../scripts/cli/offline/runner";
import { policyOf, REPO_ROOT, resource, resourcesOfType, runInline } from "../harness";

const T = {
  database: "aws:glue/catalogDatabase:CatalogDatabase",
  encryption: "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings",
  security: "aws:glue/securityConfiguration:SecurityConfiguration",
  job: "aws:glue/job:Job",
  crawler: "aws:glue/crawler:Crawler",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  key: "aws:kms/key:Key",
  object: "aws:s3/bucketObjectv2:BucketObjectv2",
} as const;
const LAKE_KEY = "arn:aws:kms:ap-northeast-2:123456789012:key/lake-key-key-id";
const CATALOG_KEY = "arn:aws:kms:ap-northeast-2:123456789012:key/data-key-key-id";
const GLUE_ARN = "arn:aws:glue:ap-northeast-2:123456789012";
const LOGS_ARN = "arn:aws:logs:ap-northeast-2:123456789012:log-group:";
const EXTERNAL_KEY = "arn:aws:kms:ap-northeast-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

describe("Data catalog settings", () => {
  it("defaults to a daily crawl, 2 G.1X workers for at most an hour on Glue 5.1, one retry, JSON events", () => {
    const settings = resolveDataCatalogSettings();
    expect(settings).toEqual({
      crawlerSchedule: "cron(0 3 * * ? *)",
      workerType: "G.1X",
      numberOfWorkers: 2,
      jobTimeoutMinutes: 60,
      glueVersion: "5.1",
      maxRetries: 1,
      sourceFormat: "json",
      dataset: "events",
      timestampColumn: "event_time",
      logRetentionDays: 90,
      manageCatalogEncryption: true,
    });
    expect(validateDataCatalogSettings(settings)).toEqual([]);
  });

  it("names every bad setting with its path, value and what is expected", () => {
    const issues = validateDataCatalogSettings(
      resolveDataCatalogSettings({
        crawlerSchedule: "0 3 * * *",
        workerType: "G.16X" as "G.1X",
        numberOfWorkers: 1,
        jobTimeoutMinutes: 3000,
        glueVersion: "3.0",
        maxRetries: 11,
        sourceFormat: "xml" as "json",
        dataset: "Click-Events",
        timestampColumn: "day",
        logRetentionDays: 45,
        externalCatalogKeyArn: EXTERNAL_KEY,
      }),
    ).map(formatIssue);
    expect(issues).toEqual([
      'crawlerSchedule: got "0 3 * * *", expected a Glue cron expression with six fields, in UTC, such as "cron(0 3 * * ? *)" (daily at 03:00)',
      'workerType: got "G.16X", expected one of G.1X, G.2X, G.4X, G.8X',
      "numberOfWorkers: got 1, expected a whole number of workers from 2 to 1000 (Glue runs Spark jobs on at least 2)",
      "jobTimeoutMinutes: got 3000, expected a whole number of minutes from 1 to 2880",
      'glueVersion: got "3.0", expected one of 4.0, 5.0, 5.1',
      "maxRetries: got 11, expected a whole number of retries from 0 to 10",
      'sourceFormat: got "xml", expected one of json, csv',
      'dataset: got "Click-Events", expected lowercase letters, digits and underscores, starting with a letter or underscore (a name Athena accepts)',
      'timestampColumn: got "day", expected a column other than the partition keys year, month, day, which the job derives from it',
      "logRetentionDays: got 45, expected one of CloudWatch Logs' retention periods: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
      `externalCatalogKeyArn: got "${EXTERNAL_KEY}", expected nothing while manageCatalogEncryption is true (this component's own key then encrypts the catalog)`,
    ]);
  });

  it("wants exactly one of the cron's day fields to be ?, and a key ARN for an external catalog key", () => {
    const issues = validateDataCatalogSettings(
      resolveDataCatalogSettings({
        crawlerSchedule: "cron(0 3 * * * *)",
        manageCatalogEncryption: false,
        externalCatalogKeyArn: "alias/catalog",
      }),
    ).map(formatIssue);
    expect(issues).toEqual([
      'crawlerSchedule: got "cron(0 3 * * * *)", expected exactly one of day-of-month (3rd field) and day-of-week (5th field) set to "?"',
      'externalCatalogKeyArn: got "alias/catalog", expected a KMS key ARN such as arn:aws:kms:ap-northeast-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    ]);
    expect(
      validateDataCatalogSettings(
        resolveDataCatalogSettings({
          crawlerSchedule: "cron(30 1 ? * MON-FRI *)",
          manageCatalogEncryption: false,
        }),
      ),
    ).toEqual([]);
  });

  it("spells database names the way Athena reads them unquoted", () => {
    expect(databaseName("mlplat-dev-data", "raw")).toBe("mlplat_dev_data_raw");
    expect(databaseName("Team.Lake--1", "features")).toBe("team_lake_1_features");
  });

  it("refuses to declare anything with invalid settings: validation runs before the component exists", () => {
    const lake = undefined as unknown as DataLake; // never reached
    expect(() => new DataCatalog("data", { lake, numberOfWorkers: 0 })).toThrow(
      "DataCatalog data: 1 problem\n  - numberOfWorkers: got 0, expected a whole number of workers from 2 to 1000",
    );
  });

  it("passes the script exactly the arguments it reads (jobs/raw_to_processed.py ARGUMENTS)", () => {
    const script = fs.readFileSync(ETL_SCRIPT_PATH, "utf8");
    const declared = /^ARGUMENTS = \[(.*)\]$/m.exec(script)?.[1];
    const read = (declared ?? "").split(",").map((s) => s.trim().replace(/^"|"$/g, ""));
    const given = Object.keys(etlJobArguments("b", resolveDataCatalogSettings()))
      .filter((k) => /^--[a-z_]+$/.test(k))
      .map((k) => k.slice(2));
    // JOB_NAME is Glue's own; every other argument the script reads is a default argument of the job.
    expect(read.filter((a) => a !== "JOB_NAME").sort()).toEqual(given.sort());
  });
});

/** The script's own tests (pytest with fakes for Glue and Spark, neither of which runs outside AWS). */
const PYTHON = path.join(REPO_ROOT, ".venv", "bin", "python");
describe("ETL script", () => {
  it.skipIf(!fs.existsSync(PYTHON))(
    "reads new raw files, writes year/month/day Parquet, commits its bookmark (pytest; skipped without .venv)",
    () => {
      const run = spawnSync(
        PYTHON,
        [
          "-B",
          "-m",
          "pytest",
          "-p",
          "no:cacheprovider",
          "-q",
          path.join(REPO_ROOT, "components/glue/jobs/tests"),
        ],
        { encoding: "utf8", timeout: 60_000 },
      );
      expect(run.status, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toMatch(/5 passed/);
    },
  );
});

describe("DataCatalog", () => {
  let run: ProgramRun;
  let scriptPath: string | undefined;
  const policy = (name: string) => policyOf(resource(run, T.rolePolicy, name)).Statement;
  const actionsOf = (statements: Record<string, unknown>[]) =>
    statements.flatMap((s) => s.Action as string[]);

  beforeAll(async () => {
    let asset: pulumi.asset.FileAsset | undefined;
    run = await runInline("dev", () => {
      // The recorded inputs hold an asset's path as a promise: read it where the program declares it.
      pulumi.runtime.registerStackTransformation((args) => {
        if (args.type === T.object) asset = args.props.source as pulumi.asset.FileAsset;
        return undefined;
      });
      const lake = new DataLake("lake", { deletionPolicy: "protect" });
      const catalog = new DataCatalog("data", { lake, tags: { Project: "p" } });
      return {
        databaseNames: catalog.databaseNames,
        jobName: catalog.jobName,
        crawlerName: catalog.crawlerName,
        securityConfigurationName: catalog.securityConfigurationName,
        scriptUri: catalog.scriptUri,
        catalogKmsKeyArn: catalog.catalogKmsKeyArn,
        etlTable: { ...catalog.etlTable },
      };
    });
    scriptPath = asset ? await asset.path : undefined;
  });

  it("exports a database per zone, the job, crawler, security configuration and the ETL table", () => {
    expect(run.outputs).toEqual({
      databaseNames: { raw: "data_raw", processed: "data_processed", features: "data_features" },
      jobName: "data-etl",
      crawlerName: "data-processed-crawler",
      securityConfigurationName: "data-security",
      scriptUri: "s3://lake-data/artifacts/glue/scripts/raw_to_processed.py",
      catalogKmsKeyArn: CATALOG_KEY,
      etlTable: {
        database: "data_processed",
        table: "events",
        zone: "processed",
        partitionKeys: ["year", "month", "day"],
      },
    });
  });

  it("declares the databases at their zones, protected like the lake, after the catalog's encryption", () => {
    const encryption = resource(run, T.encryption, "data-catalog-encryption");
    for (const zone of ["raw", "processed", "features"]) {
      const db = resource(run, T.database, `data-${zone}`);
      expect(db.inputs).toMatchObject({ name: `data_${zone}`, locationUri: `s3://lake-data/${zone}/` });
      expect(db.protect).toBe(true);
      expect(db.dependencies).toContain(encryption.urn);
    }
    expect(resourcesOfType(run, T.database)).toHaveLength(3);
  });

  it("encrypts the catalog and connection passwords with its own rotating key, which admits only Glue's log groups", () => {
    expect(resource(run, T.encryption, "data-catalog-encryption").inputs).toEqual({
      dataCatalogEncryptionSettings: {
        encryptionAtRest: { catalogEncryptionMode: "SSE-KMS", sseAwsKmsKeyId: CATALOG_KEY },
        connectionPasswordEncryption: { returnConnectionPasswordEncrypted: true, awsKmsKeyId: CATALOG_KEY },
      },
    });
    const key = resource(run, T.key, "data-key");
    expect(key.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
    expect(key.protect).toBe(true);
    const statements = policyOf(key).Statement;
    expect(statements[1]).toMatchObject({
      Principal: { Service: "logs.ap-northeast-2.amazonaws.com" },
      Condition: {
        ArnLike: {
          "kms:EncryptionContext:aws:logs:arn":
            "arn:aws:logs:ap-northeast-2:123456789012:log-group:/aws-glue/*",
        },
      },
    });
  });

  it("has one security configuration: S3 SSE-KMS with the lake's key, logs SSE-KMS and bookmarks CSE-KMS with its own", () => {
    expect(resource(run, T.security, "data-security").inputs).toEqual({
      encryptionConfiguration: {
        s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn: LAKE_KEY },
        cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn: CATALOG_KEY },
        jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn: CATALOG_KEY },
      },
    });
    expect(resource(run, T.job, "data-etl").inputs.securityConfiguration).toBe("data-security");
    expect(resource(run, T.crawler, "data-processed-crawler").inputs.securityConfiguration).toBe(
      "data-security",
    );
  });

  it("uploads the repository's script to artifacts/glue/scripts/, SSE-KMS with the lake's key", () => {
    const object = resource(run, T.object, "data-etl-script");
    expect(object.inputs).toMatchObject({
      bucket: "lake-data",
      key: "artifacts/glue/scripts/raw_to_processed.py",
      serverSideEncryption: "aws:kms",
      kmsKeyId: LAKE_KEY,
      source: { __pulumiAsset: true },
    });
    expect(scriptPath).toBe(path.join(REPO_ROOT, "components/glue/jobs/raw_to_processed.py"));
    expect(fs.readFileSync(scriptPath ?? "", "utf8")).toContain("def run(args, glue, job_class");
  });

  it("runs the script on 2 G.1X workers, Glue 5.1, bookmarks on, one run at a time, after its grants exist", () => {
    const job = resource(run, T.job, "data-etl");
    expect(job.inputs).toMatchObject({
      command: {
        name: "glueetl",
        pythonVersion: "3",
        scriptLocation: "s3://lake-data/artifacts/glue/scripts/raw_to_processed.py",
      },
      glueVersion: "5.1",
      workerType: "G.1X",
      numberOfWorkers: 2,
      timeout: 60,
      maxRetries: 1,
      executionProperty: { maxConcurrentRuns: 1 },
      roleArn: "arn:aws:iam::123456789012:role/data-job-role",
      defaultArguments: {
        "--job-language": "python",
        "--job-bookmark-option": "job-bookmark-enable",
        "--enable-metrics": "true",
        "--source_path": "s3://lake-data/raw/",
        "--target_path": "s3://lake-data/processed/events/",
        "--source_format": "json",
        "--timestamp_column": "event_time",
      },
    });
    for (const grant of ["lake-data-etl-raw-read", "lake-data-etl-processed-write", "data-job-runtime"]) {
      expect(job.dependencies).toContain(resource(run, T.rolePolicy, grant).urn);
    }
    expect(job.dependencies).toContain(resource(run, T.object, "data-etl-script").urn);
  });

  it("crawls processed/ daily into the processed database, a table per dataset, never dropping tables", () => {
    const crawler = resource(run, T.crawler, "data-processed-crawler");
    expect(crawler.inputs).toMatchObject({
      databaseName: "data_processed",
      role: "arn:aws:iam::123456789012:role/data-crawler-role",
      schedule: "cron(0 3 * * ? *)",
      s3Targets: [{ path: "s3://lake-data/processed/" }],
      schemaChangePolicy: { updateBehavior: "UPDATE_IN_DATABASE", deleteBehavior: "LOG" },
    });
    expect(JSON.parse(String(crawler.inputs.configuration))).toMatchObject({
      Grouping: { TableLevelConfiguration: 2 },
    });
  });

  it("gives the job role raw/ read, processed/ write, its script, the bookmark key and its own log groups only", () => {
    const grants = run.resources.filter(
      (r: DeclaredResource) => r.type === T.rolePolicy && r.inputs.role === "data-job-role",
    );
    expect(grants.map((r) => r.name).sort()).toEqual([
      "data-job-runtime",
      "lake-data-etl-processed-write",
      "lake-data-etl-raw-read",
    ]);
    expect(policy("lake-data-etl-raw-read").find((s) => s.Sid === "ReadZone")?.Resource).toBe(
      "arn:aws:s3:::lake-data/raw/*",
    );
    expect(policy("lake-data-etl-processed-write").find((s) => s.Sid === "WriteZone")?.Resource).toBe(
      "arn:aws:s3:::lake-data/processed/*",
    );
    const runtime = policy("data-job-runtime");
    expect(runtime.map((s) => [s.Sid, s.Resource])).toEqual([
      ["ReadScript", "arn:aws:s3:::lake-data/artifacts/glue/scripts/raw_to_processed.py"],
      ["EncryptBookmarks", CATALOG_KEY],
      [
        "WriteOwnLogs",
        ["output", "output:*", "error", "error:*"].map(
          (g) => `${LOGS_ARN}/aws-glue/jobs/data-security-role/data-job-role/${g}`,
        ),
      ],
      ["PublishMetrics", "*"],
    ]);
    expect(runtime[3]?.Condition).toEqual({ StringEquals: { "cloudwatch:namespace": "Glue" } });
    const actions = grants.flatMap((g) => actionsOf(policyOf(g).Statement));
    expect(actions.filter((a) => a.startsWith("glue:") || a.includes("*") || a.includes("Delete"))).toEqual(
      [],
    );
  });

  it("gives the crawler role processed/ read and table writes in the processed database only", () => {
    const grants = run.resources.filter(
      (r: DeclaredResource) => r.type === T.rolePolicy && r.inputs.role === "data-crawler-role",
    );
    expect(grants.map((r) => r.name).sort()).toEqual([
      "data-crawler-runtime",
      "lake-data-crawler-processed-read",
    ]);
    const runtime = policy("data-crawler-runtime");
    const processed = [
      `${GLUE_ARN}:catalog`,
      `${GLUE_ARN}:database/data_processed`,
      `${GLUE_ARN}:table/data_processed/*`,
    ];
    expect(runtime.map((s) => [s.Sid, s.Resource])).toEqual([
      ["ReadProcessedDatabase", processed],
      ["WriteProcessedTables", processed],
      ["UseCatalogKey", CATALOG_KEY],
      [
        "WriteOwnLogs",
        [
          `${LOGS_ARN}/aws-glue/crawlers-role/data-crawler-role-data-security`,
          `${LOGS_ARN}/aws-glue/crawlers-role/data-crawler-role-data-security:*`,
        ],
      ],
    ]);
    expect(runtime[1]?.Action).toEqual([
      "glue:CreateTable",
      "glue:UpdateTable",
      "glue:CreatePartition",
      "glue:BatchCreatePartition",
      "glue:UpdatePartition",
      "glue:BatchUpdatePartition",
    ]);
    const actions = grants.flatMap((g) => actionsOf(policyOf(g).Statement));
    expect(actions.filter((a) => a.startsWith("s3:Put") || a.includes("Delete") || a.includes("*"))).toEqual(
      [],
    );
  });

  it("creates Glue's log groups beforehand: encrypted with its key, kept 90 days", () => {
    const names = resourcesOfType(run, T.logGroup).map((g) => [
      g.inputs.name,
      g.inputs.kmsKeyId,
      g.inputs.retentionInDays,
    ]);
    expect(names.sort()).toEqual([
      ["/aws-glue/crawlers-role/data-crawler-role-data-security", CATALOG_KEY, 90],
      ["/aws-glue/jobs/data-security-role/data-job-role/error", CATALOG_KEY, 90],
      ["/aws-glue/jobs/data-security-role/data-job-role/output", CATALOG_KEY, 90],
    ]);
  });

  it("tags every taggable resource of its own", () => {
    for (const type of [T.database, T.job, T.crawler, T.logGroup, T.key, T.object]) {
      const own = resourcesOfType(run, type).filter((r) => r.urn.includes("mlplat:glue:DataCatalog$"));
      for (const r of own) expect(r.inputs.tags, r.name).toEqual({ Project: "p" });
    }
  });

  it("pins the resource names", () => {
    const names = run.resources
      .filter((r) => r.urn.includes("mlplat:glue:DataCatalog$"))
      .map((r) => r.name)
      .sort();
    expect(names).toEqual([
      "data-catalog-encryption",
      "data-crawler-logs",
      "data-crawler-role",
      "data-crawler-runtime",
      "data-etl",
      "data-etl-script",
      "data-features",
      "data-job-error-logs",
      "data-job-output-logs",
      "data-job-role",
      "data-job-runtime",
      "data-key",
      "data-key-alias",
      "data-processed",
      "data-processed-crawler",
      "data-raw",
      "data-security",
    ]);
  });
});

describe("DataCatalog with a lake that is destroyed with its stack", () => {
  it("still keeps the key the account's catalog is encrypted with", async () => {
    const run = await runInline("dev", () => {
      const lake = new DataLake("lake", { deletionPolicy: "destroy" });
      new DataCatalog("data", { lake });
      return {};
    });
    const key = resource(run, T.key, "data-key");
    expect([key.protect, key.retainOnDelete]).toEqual([undefined, true]);
    expect(resource(run, T.database, "data-raw").retainOnDelete).toBeUndefined();
  });
});

describe("DataCatalog in a stack that does not manage the catalog's encryption", () => {
  it("declares no encryption settings and lets the crawler decrypt with the other stack's key", async () => {
    const run = await runInline("dev", () => {
      const lake = new DataLake("lake", { deletionPolicy: "retain" });
      const catalog = new DataCatalog("data", {
        lake,
        manageCatalogEncryption: false,
        externalCatalogKeyArn: EXTERNAL_KEY,
      });
      return { catalogKmsKeyArn: catalog.catalogKmsKeyArn };
    });
    expect(resourcesOfType(run, T.encryption)).toEqual([]);
    expect(run.outputs.catalogKmsKeyArn).toBe(EXTERNAL_KEY);
    const runtime = policyOf(resource(run, T.rolePolicy, "data-crawler-runtime")).Statement;
    expect(runtime.find((s) => s.Sid === "UseCatalogKey")?.Resource).toBe(EXTERNAL_KEY);
    expect(resource(run, T.database, "data-raw").protect).toBeUndefined();
  });
});

/** A transport that answers as Glue does, by command, and records what it was sent. */
function glueAnswering(answer: (command: unknown) => unknown): GlueSender & { sent: unknown[] } {
  const sent: unknown[] = [];
  return {
    sent,
    send: ((command: unknown) => {
      sent.push(command);
      return Promise.resolve(answer(command));
    }) as GlueSender["send"],
  };
}
const noWait = () => Promise.resolve();

describe("Glue client", () => {
  it("starts a run with the overrides as Glue's --arguments, after checking them", async () => {
    const glue = glueAnswering(() => ({ JobRunId: "jr_1" }));
    expect(await startJobRun(glue, "data-etl", { source_path: "s3://lake/raw/clicks/" })).toEqual({
      jobName: "data-etl",
      runId: "jr_1",
    });
    expect((glue.sent[0] as StartJobRunCommand).input).toEqual({
      JobName: "data-etl",
      Arguments: { "--source_path": "s3://lake/raw/clicks/" },
    });
    await expect(startJobRun(glue, "data-etl", { "--source_path": "x" })).rejects.toThrow(
      'arguments.--source_path: got "--source_path", expected an argument name without the leading --, e.g. source_path',
    );
  });

  it("follows a run until it ends, reporting each state", async () => {
    const states = ["STARTING", "RUNNING", "RUNNING", "SUCCEEDED"];
    const glue = glueAnswering((command) =>
      command instanceof GetJobRunCommand
        ? { JobRun: { Id: "jr_1", JobRunState: states.shift(), ExecutionTime: 42 } }
        : {},
    );
    const seen: string[] = [];
    const run = await waitForJobRun(glue, "data-etl", "jr_1", {
      sleep: noWait,
      onState: (s) => seen.push(s),
    });
    expect(seen).toEqual(["STARTING", "RUNNING", "SUCCEEDED"]);
    expect(run).toEqual({ jobName: "data-etl", runId: "jr_1", state: "SUCCEEDED", executionSeconds: 42 });
  });

  it("finds the latest run by start time, whatever order the service lists them in", async () => {
    const glue = glueAnswering((command) =>
      command instanceof GetJobRunsCommand
        ? {
            JobRuns: [
              { Id: "jr_old", JobRunState: "FAILED", StartedOn: new Date("2024-01-01T00:00:00Z") },
              { Id: "jr_new", JobRunState: "SUCCEEDED", StartedOn: new Date("2024-01-02T00:00:00Z") },
            ],
          }
        : {},
    );
    expect((await latestJobRun(glue, "data-etl"))?.runId).toBe("jr_new");
    expect(
      await latestJobRun(
        glueAnswering(() => ({ JobRuns: [] })),
        "data-etl",
      ),
    ).toBeUndefined();
  });

  it("waits for a crawler to be READY again and judges its last crawl", async () => {
    const states = ["RUNNING", "READY"];
    const glue = glueAnswering((command) =>
      command instanceof GetCrawlerCommand
        ? {
            Crawler: {
              State: states.shift(),
              LastCrawl: { Status: "FAILED", ErrorMessage: "Access denied" },
            },
          }
        : {},
    );
    const status = await waitForCrawler(glue, "data-processed-crawler", { sleep: noWait });
    expect(status).toEqual({
      crawlerName: "data-processed-crawler",
      state: "READY",
      lastCrawl: { status: "FAILED", errorMessage: "Access denied" },
    });
    expect(crawlSucceeded(status)).toBe(false);
    expect(crawlSucceeded({ ...status, lastCrawl: { status: "SUCCEEDED" } })).toBe(true);
  });
});
