import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import { keepOptions, type DataLake } from "../data-lake";
import {
  CLOUDWATCH_PUT_METRICS,
  GLUE_CATALOG_READ,
  GLUE_CATALOG_WRITE_TABLES,
  KMS_GLUE_DATA,
  LOGS_ASSOCIATE_KMS_KEY,
  LOGS_WRITE,
  S3_OBJECT_READ,
} from "../iam/actions";
import { serviceRole } from "../iam/roles";
import { logsKeyPolicy } from "../kms/logs-key";
import { ValidationError } from "../validation";
import {
  CATALOG_ZONES,
  databaseName,
  PARTITION_KEYS,
  resolveDataCatalogSettings,
  validateDataCatalogSettings,
  type CatalogZone,
  type DataCatalogSettings,
  type ResolvedDataCatalogSettings,
} from "./args";
import {
  CRAWLER_EXCLUSIONS,
  crawlerConfiguration,
  crawlerLogGroupName,
  ETL_SCRIPT_KEY,
  ETL_SCRIPT_PATH,
  etlJobArguments,
  etlScriptUri,
  jobLogGroupNames,
} from "./definitions";

export * from "./args";
export * from "./definitions";

export interface DataCatalogArgs extends DataCatalogSettings {
  /** The lake the catalog describes: the ETL job reads raw/ and writes processed/, the crawler reads processed/. */
  lake: DataLake;
  /** Tags for every taggable resource. @default {} */
  tags?: Record<string, string>;
}

/** A table of the catalog, for queries and for granting access to it. */
export interface CatalogTable {
  readonly database: pulumi.Output<string>;
  readonly table: string;
  /** The lake zone its data lives in. */
  readonly zone: CatalogZone;
  readonly partitionKeys: readonly string[];
}

interface Statement {
  Sid: string;
  Effect: "Allow";
  Action: readonly string[];
  Resource: pulumi.Input<string> | pulumi.Input<string>[];
  Condition?: Record<string, Record<string, unknown>>;
}

/**
 * The Glue Data Catalog of the lake (seed: services map, Glue): a database per zone that holds tables (raw,
 * processed, features), the catalog's encryption settings, a security configuration used by every crawler and job,
 * a scheduled crawler over processed/, and an ETL job (jobs/raw_to_processed.py, uploaded to the lake) that turns
 * raw JSON or CSV into partitioned Parquet with job bookmarks.
 *
 * One customer-managed key of its own encrypts the catalog, connection passwords, job bookmarks and the Glue log
 * groups: CloudWatch Logs can only use a key whose policy admits it (the lake's does not), and the catalog's key
 * must outlive any one lake. S3 output is encrypted with the lake's key, like everything else in the lake.
 *
 * The catalog's encryption settings are one setting per account and region (`manageCatalogEncryption`): a stack
 * that shares its account and region with another that already manages them sets it to false.
 *
 * Least privilege with two roles: the job's reads raw/ and the script and writes processed/; the crawler's reads
 * processed/ and writes tables of the processed database only. Neither deletes anything.
 */
export class DataCatalog extends pulumi.ComponentResource {
  /** Glue database of each zone, by zone. */
  readonly databaseNames: pulumi.Output<Record<CatalogZone, string>>;
  readonly crawlerName: pulumi.Output<string>;
  readonly jobName: pulumi.Output<string>;
  readonly securityConfigurationName: pulumi.Output<string>;
  readonly jobRoleArn: pulumi.Output<string>;
  readonly crawlerRoleArn: pulumi.Output<string>;
  /** The key of this component: catalog (when managed here), connection passwords, bookmarks, logs. */
  readonly kmsKeyArn: pulumi.Output<string>;
  /** The key that encrypts the catalog, which readers of it must be able to decrypt with; undefined when unknown. */
  readonly catalogKmsKeyArn?: pulumi.Output<string>;
  /** `s3://<lake>/artifacts/glue/scripts/raw_to_processed.py` */
  readonly scriptUri: pulumi.Output<string>;
  /** The table the ETL job fills and the crawler registers: processed/<dataset>/ in the processed database. */
  readonly etlTable: CatalogTable;
  readonly settings: ResolvedDataCatalogSettings;

  constructor(name: string, args: DataCatalogArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const settings = resolveDataCatalogSettings(args);
    const issues = validateDataCatalogSettings(settings);
    if (issues.length > 0) throw new ValidationError(`DataCatalog ${name}`, issues);
    super("mlplat:glue:DataCatalog", name, {}, opts);
    this.settings = settings;

    const lake = args.lake;
    const tags = { ...(args.tags ?? {}) };
    const parent = { parent: this };
    const keep = keepOptions(lake.settings.deletionPolicy);
    const region = aws.getRegionOutput({}, parent).region;
    const account = aws.getCallerIdentityOutput({}, parent).accountId;
    const partition = aws.getPartitionOutput({}, parent).partition;
    const glueArn = (resource: pulumi.Input<string>) =>
      pulumi.interpolate`arn:${partition}:glue:${region}:${account}:${resource}`;
    const logGroupArns = (group: pulumi.Input<string>) => {
      const arn = pulumi.interpolate`arn:${partition}:logs:${region}:${account}:log-group:${group}`;
      return [arn, pulumi.interpolate`${arn}:*`];
    };

    const key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `Encrypts the ${name} Glue catalog, connection passwords, job bookmarks and logs`,
        enableKeyRotation: true,
        deletionWindowInDays: lake.settings.kmsKeyDeletionWindowDays,
        policy: logsKeyPolicy({
          region,
          account,
          partition,
          logGroupPattern: "/aws-glue/*",
          sid: "CloudWatchLogsEncryptsGlueLogGroups",
        }),
        tags,
      },
      // Catalog metadata stays encrypted under this key after the stack is gone: never delete it with the stack.
      { ...parent, ...keep, ...(settings.manageCatalogEncryption ? { retainOnDelete: true } : {}) },
    );
    new aws.kms.Alias(`${name}-key-alias`, { name: `alias/${name}`, targetKeyId: key.keyId }, parent);
    this.kmsKeyArn = key.arn;

    // Account and region wide: every database and table of the catalog, this stack's and others'.
    const catalogEncryption = settings.manageCatalogEncryption
      ? new aws.glue.DataCatalogEncryptionSettings(
          `${name}-catalog-encryption`,
          {
            dataCatalogEncryptionSettings: {
              encryptionAtRest: { catalogEncryptionMode: "SSE-KMS", sseAwsKmsKeyId: key.arn },
              connectionPasswordEncryption: {
                returnConnectionPasswordEncrypted: true,
                awsKmsKeyId: key.arn,
              },
            },
          },
          parent,
        )
      : undefined;
    const catalogKey =
      catalogEncryption !== undefined
        ? key.arn
        : settings.externalCatalogKeyArn !== undefined
          ? pulumi.output(settings.externalCatalogKeyArn)
          : undefined;
    if (catalogKey !== undefined) this.catalogKmsKeyArn = catalogKey;

    // The databases' metadata is encrypted from the first table on: they follow the encryption settings.
    const databases = Object.fromEntries(
      CATALOG_ZONES.map((zone) => [
        zone,
        new aws.glue.CatalogDatabase(
          `${name}-${zone}`,
          {
            name: databaseName(name, zone),
            description: `Tables of the lake's ${zone}/ zone`,
            locationUri: lake.uri(zone),
            tags,
          },
          { ...parent, ...keep, dependsOn: catalogEncryption ? [catalogEncryption] : [] },
        ),
      ]),
    ) as Record<CatalogZone, aws.glue.CatalogDatabase>;
    this.databaseNames = pulumi.all(
      Object.fromEntries(CATALOG_ZONES.map((zone) => [zone, databases[zone].name])),
    ) as pulumi.Output<Record<CatalogZone, string>>;

    const security = new aws.glue.SecurityConfiguration(
      `${name}-security`,
      {
        encryptionConfiguration: {
          s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn: lake.kmsKeyArn },
          cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn: key.arn },
          jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn: key.arn },
        },
      },
      parent,
    );
    this.securityConfigurationName = security.name;

    const script = new aws.s3.BucketObjectv2(
      `${name}-etl-script`,
      {
        bucket: lake.bucket.id,
        key: ETL_SCRIPT_KEY,
        source: new pulumi.asset.FileAsset(ETL_SCRIPT_PATH),
        contentType: "text/x-python",
        serverSideEncryption: "aws:kms",
        kmsKeyId: lake.kmsKeyArn,
        bucketKeyEnabled: true,
        tags,
      },
      parent,
    );
    this.scriptUri = lake.bucketName.apply(etlScriptUri);

    const logGroup = (id: string, groupName: pulumi.Input<string>) =>
      new aws.cloudwatch.LogGroup(
        `${name}-${id}`,
        { name: groupName, kmsKeyId: key.arn, retentionInDays: settings.logRetentionDays, tags },
        parent,
      );

    // ------------------------------------------------------------------------------------------ ETL job
    const jobRole = serviceRole(
      `${name}-job-role`,
      { service: "glue.amazonaws.com", description: `Assumed by Glue for the ${name} ETL job`, tags },
      this,
    );
    const jobLogs = pulumi
      .all([security.name, jobRole.name])
      .apply(([sc, role]) => jobLogGroupNames(sc, role));
    const jobLogGroups = [
      logGroup("job-output-logs", jobLogs.output),
      logGroup("job-error-logs", jobLogs.error),
    ];
    const jobGrants: pulumi.Resource[] = [
      lake.grantRead(`${name}-etl-raw`, jobRole, "raw"),
      lake.grantWrite(`${name}-etl-processed`, jobRole, "processed"),
      this.rolePolicy(`${name}-job-runtime`, jobRole, [
        // The script is SSE-KMS under the lake's key, which the raw/ grant lets this role decrypt with.
        {
          Sid: "ReadScript",
          Effect: "Allow",
          Action: S3_OBJECT_READ,
          Resource: pulumi.interpolate`${lake.bucketArn}/${ETL_SCRIPT_KEY}`,
        },
        // Bookmarks are encrypted client-side (CSE-KMS) with this key, by the job itself.
        { Sid: "EncryptBookmarks", Effect: "Allow", Action: KMS_GLUE_DATA, Resource: key.arn },
        {
          Sid: "WriteOwnLogs",
          Effect: "Allow",
          Action: [...LOGS_WRITE, ...LOGS_ASSOCIATE_KMS_KEY],
          Resource: [...logGroupArns(jobLogs.output), ...logGroupArns(jobLogs.error)],
        },
        {
          Sid: "PublishMetrics",
          Effect: "Allow",
          Action: CLOUDWATCH_PUT_METRICS,
          Resource: "*",
          Condition: { StringEquals: { "cloudwatch:namespace": "Glue" } },
        },
      ]),
    ];
    this.jobRoleArn = jobRole.arn;

    const job = new aws.glue.Job(
      `${name}-etl`,
      {
        description: `raw/ (${settings.sourceFormat}) to partitioned Parquet in processed/${settings.dataset}/`,
        roleArn: jobRole.arn,
        command: {
          name: "glueetl",
          scriptLocation: this.scriptUri,
          pythonVersion: "3",
        },
        glueVersion: settings.glueVersion,
        workerType: settings.workerType,
        numberOfWorkers: settings.numberOfWorkers,
        timeout: settings.jobTimeoutMinutes,
        maxRetries: settings.maxRetries,
        executionClass: "STANDARD",
        // Bookmarks assume one run at a time: two would read the same new files.
        executionProperty: { maxConcurrentRuns: 1 },
        securityConfiguration: security.name,
        defaultArguments: lake.bucketName.apply((bucket) => etlJobArguments(bucket, settings)),
        tags,
      },
      // A run may start as soon as the job exists: its permissions, script and log groups come first.
      { ...parent, dependsOn: [...jobGrants, ...jobLogGroups, script] },
    );
    this.jobName = job.name;

    // ------------------------------------------------------------------------------------------ crawler
    const crawlerRole = serviceRole(
      `${name}-crawler-role`,
      { service: "glue.amazonaws.com", description: `Assumed by Glue for the ${name} crawler`, tags },
      this,
    );
    const crawlerLogs = pulumi
      .all([security.name, crawlerRole.name])
      .apply(([sc, role]) => crawlerLogGroupName(sc, role));
    const crawlerLogGroup = logGroup("crawler-logs", crawlerLogs);
    const processed = databases.processed;
    const processedArns = [
      glueArn("catalog"),
      glueArn(pulumi.interpolate`database/${processed.name}`),
      glueArn(pulumi.interpolate`table/${processed.name}/*`),
    ];
    const crawlerGrants: pulumi.Resource[] = [
      lake.grantRead(`${name}-crawler-processed`, crawlerRole, "processed"),
      this.rolePolicy(`${name}-crawler-runtime`, crawlerRole, [
        { Sid: "ReadProcessedDatabase", Effect: "Allow", Action: GLUE_CATALOG_READ, Resource: processedArns },
        {
          Sid: "WriteProcessedTables",
          Effect: "Allow",
          Action: GLUE_CATALOG_WRITE_TABLES,
          Resource: processedArns,
        },
        ...(catalogKey !== undefined
          ? [{ Sid: "UseCatalogKey", Effect: "Allow" as const, Action: KMS_GLUE_DATA, Resource: catalogKey }]
          : []),
        {
          Sid: "WriteOwnLogs",
          Effect: "Allow",
          Action: [...LOGS_WRITE, ...LOGS_ASSOCIATE_KMS_KEY],
          Resource: logGroupArns(crawlerLogs),
        },
      ]),
    ];
    this.crawlerRoleArn = crawlerRole.arn;

    const crawler = new aws.glue.Crawler(
      `${name}-processed-crawler`,
      {
        description: `Catalogs processed/ into ${databaseName(name, "processed")}: a table per dataset folder`,
        databaseName: processed.name,
        role: crawlerRole.arn,
        s3Targets: [{ path: lake.uri("processed"), exclusions: [...CRAWLER_EXCLUSIONS] }],
        schedule: settings.crawlerSchedule,
        securityConfiguration: security.name,
        configuration: crawlerConfiguration(),
        // Schemas follow the data; a table whose files are gone is logged, never dropped.
        schemaChangePolicy: { updateBehavior: "UPDATE_IN_DATABASE", deleteBehavior: "LOG" },
        recrawlPolicy: { recrawlBehavior: "CRAWL_EVERYTHING" },
        tags,
      },
      { ...parent, dependsOn: [...crawlerGrants, crawlerLogGroup] },
    );
    this.crawlerName = crawler.name;

    this.etlTable = {
      database: processed.name,
      table: settings.dataset,
      zone: "processed",
      partitionKeys: [...PARTITION_KEYS],
    };
    this.registerOutputs({
      databaseNames: this.databaseNames,
      crawlerName: this.crawlerName,
      jobName: this.jobName,
      securityConfigurationName: this.securityConfigurationName,
      jobRoleArn: this.jobRoleArn,
      crawlerRoleArn: this.crawlerRoleArn,
      kmsKeyArn: this.kmsKeyArn,
      scriptUri: this.scriptUri,
    });
  }

  private rolePolicy(name: string, role: aws.iam.Role, statements: Statement[]): aws.iam.RolePolicy {
    return new aws.iam.RolePolicy(
      name,
      { role: role.name, policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements }) },
      { parent: this },
    );
  }
}
