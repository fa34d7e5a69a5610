import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import type { DataLake, LakeZone } from "../data-lake";
import {
  ATHENA_QUERY,
  GLUE_CATALOG_READ,
  KMS_DECRYPT,
  KMS_ENCRYPT,
  S3_BUCKET_LIST,
  S3_BUCKET_LOCATION,
  S3_OBJECT_READ,
  S3_OBJECT_WRITE,
} from "../iam/actions";
import { ValidationError, type ValidationIssue } from "../validation";
import {
  resolveQueryWorkgroupSettings,
  RESULTS_PREFIX,
  SQL_IDENTIFIER,
  validateQueryWorkgroupSettings,
  WORKGROUP_NAME,
  type QueryWorkgroupSettings,
  type ResolvedQueryWorkgroupSettings,
} from "./args";

export * from "./args";

/** A catalog table the workgroup has named queries for, and that {@link QueryWorkgroup.grantQuery} lets users read. */
export interface QueryTable {
  /** Its Glue database. */
  readonly database: pulumi.Input<string>;
  readonly table: string;
  /** The lake zone its data lives in. */
  readonly zone: LakeZone;
  /** Partition columns: with any, a query counts the rows of each partition. @default [] */
  readonly partitionKeys?: readonly string[];
}

export interface QueryWorkgroupArgs extends QueryWorkgroupSettings {
  /** The lake that holds the queried data and, under artifacts/athena/results/, the results (SSE-KMS, its key). */
  lake: DataLake;
  /** The catalog's tables (e.g. the DataCatalog's `etlTable`). @default [] */
  tables?: readonly QueryTable[];
  /** Keys that encrypt the Glue catalog: query users get decrypt on them. @default [] */
  catalogKmsKeyArns?: pulumi.Input<string>[];
  /** Tags for every taggable resource. @default {} */
  tags?: Record<string, string>;
}

/**
 * The Athena workgroup for the lake (seed: services map, Athena): its configuration overrides every client's
 * (results always land in the lake under artifacts/athena/results/, SSE-KMS with the lake's key, in a bucket of
 * this account), each query is cut off after `bytesScannedCutoffPerQuery` bytes, and metrics go to CloudWatch.
 * Named queries preview each catalog table and count its rows per partition. Users get query access with
 * {@link QueryWorkgroup.grantQuery}.
 */
export class QueryWorkgroup extends pulumi.ComponentResource {
  readonly workgroupName: pulumi.Output<string>;
  readonly workgroupArn: pulumi.Output<string>;
  /** `s3://<lake>/artifacts/athena/results/` */
  readonly outputLocation: pulumi.Output<string>;
  /** Named query ids, by the query's name. */
  readonly namedQueryIds: pulumi.Output<Record<string, string>>;
  readonly settings: ResolvedQueryWorkgroupSettings;

  private readonly groupName: string;
  private readonly lake: DataLake;
  private readonly tables: readonly QueryTable[];
  private readonly catalogKmsKeyArns: pulumi.Input<string>[];
  /** The ARN of a Glue catalog resource (`catalog`, `database/<name>`, `table/<db>/*`) of this account. */
  private readonly glueArn: (resource: pulumi.Input<string>) => pulumi.Output<string>;

  constructor(name: string, args: QueryWorkgroupArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const settings = resolveQueryWorkgroupSettings(args);
    const tables = args.tables ?? [];
    const issues = [...validateQueryWorkgroupSettings(settings), ...checkTables(tables)];
    if (!WORKGROUP_NAME.test(name)) {
      issues.push({
        path: "name",
        value: name,
        expected: "an Athena workgroup name: letters, digits, . _ and -, up to 128 characters",
      });
    }
    if (issues.length > 0) throw new ValidationError(`QueryWorkgroup ${name}`, issues);
    super("mlplat:athena:QueryWorkgroup", name, {}, opts);
    this.settings = settings;
    this.groupName = name;
    this.lake = args.lake;
    this.tables = tables;
    this.catalogKmsKeyArns = args.catalogKmsKeyArns ?? [];

    const parent = { parent: this };
    const tags = { ...(args.tags ?? {}) };
    const region = aws.getRegionOutput({}, parent).region;
    const account = aws.getCallerIdentityOutput({}, parent).accountId;
    const partition = aws.getPartitionOutput({}, parent).partition;
    this.glueArn = (resource) => pulumi.interpolate`arn:${partition}:glue:${region}:${account}:${resource}`;

    this.outputLocation = args.lake.bucketName.apply((bucket) => `s3://${bucket}/${RESULTS_PREFIX}`);
    const workgroup = new aws.athena.Workgroup(
      `${name}-workgroup`,
      {
        name,
        description: "Queries over the lake's catalog: results encrypted in the lake, a cutoff per query",
        state: "ENABLED",
        configuration: {
          enforceWorkgroupConfiguration: true,
          publishCloudwatchMetricsEnabled: settings.publishCloudwatchMetrics,
          bytesScannedCutoffPerQuery: settings.bytesScannedCutoffPerQuery,
          requesterPaysEnabled: false,
          engineVersion: { selectedEngineVersion: settings.engineVersion },
          resultConfiguration: {
            outputLocation: this.outputLocation,
            expectedBucketOwner: account,
            encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: args.lake.kmsKeyArn },
          },
        },
        tags,
      },
      parent,
    );
    this.workgroupName = workgroup.name;
    this.workgroupArn = pulumi.interpolate`arn:${partition}:athena:${region}:${account}:workgroup/${workgroup.name}`;

    const named: pulumi.Output<[string, string]>[] = [];
    for (const t of tables) {
      for (const query of namedQueries(t)) {
        const q = new aws.athena.NamedQuery(
          `${name}-${t.table}-${query.id}`,
          {
            name: query.name,
            description: query.description,
            workgroup: workgroup.name,
            database: t.database,
            query: query.sql,
          },
          parent,
        );
        named.push(q.id.apply((id): [string, string] => [query.name, id]));
      }
    }
    this.namedQueryIds = pulumi.all(named).apply((pairs) => Object.fromEntries(pairs));

    this.registerOutputs({
      workgroupName: this.workgroupName,
      workgroupArn: this.workgroupArn,
      outputLocation: this.outputLocation,
      namedQueryIds: this.namedQueryIds,
    });
  }

  /**
   * Lets `role` run queries in this workgroup over its tables: Athena on this workgroup only; the Glue catalog's
   * entries of the tables' databases, read only; the tables' zones of the lake, read only (grants
   * `<lake>-<id>-<zone>-read`); results under artifacts/athena/results/, read and write; the lake's key for
   * results and data, and decrypt with the catalog's keys. The query policy is `<workgroup>-<id>-query`.
   */
  grantQuery(id: string, role: aws.iam.Role): pulumi.Resource[] {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) {
      throw new Error(`grant id: got ${JSON.stringify(id)}, expected lowercase letters, digits and hyphens`);
    }
    const opts = { parent: this };
    const glue = this.glueArn;
    const databases = pulumi.all(this.tables.map((t) => t.database)).apply((names) => [...new Set(names)]);
    const catalogResources = databases.apply((names) =>
      pulumi.all([
        glue("catalog"),
        ...names.flatMap((db) => [glue(`database/${db}`), glue(`table/${db}/*`)]),
      ]),
    );
    const lake = this.lake;
    const statements: Record<string, unknown>[] = [
      { Sid: "QueryInWorkgroup", Effect: "Allow", Action: ATHENA_QUERY, Resource: this.workgroupArn },
      ...(this.tables.length > 0
        ? [
            {
              Sid: "ReadTablesCatalog",
              Effect: "Allow",
              Action: GLUE_CATALOG_READ,
              Resource: catalogResources,
            },
          ]
        : []),
      { Sid: "FindResultsBucket", Effect: "Allow", Action: S3_BUCKET_LOCATION, Resource: lake.bucketArn },
      {
        Sid: "ListResults",
        Effect: "Allow",
        Action: S3_BUCKET_LIST,
        Resource: lake.bucketArn,
        Condition: { StringLike: { "s3:prefix": [`${RESULTS_PREFIX}*`] } },
      },
      {
        Sid: "ReadAndWriteResults",
        Effect: "Allow",
        Action: [...S3_OBJECT_READ, ...S3_OBJECT_WRITE],
        Resource: pulumi.interpolate`${lake.bucketArn}/${RESULTS_PREFIX}*`,
      },
      { Sid: "EncryptResultsWithLakeKey", Effect: "Allow", Action: KMS_ENCRYPT, Resource: lake.kmsKeyArn },
      ...(this.catalogKmsKeyArns.length > 0
        ? [{ Sid: "DecryptCatalog", Effect: "Allow", Action: KMS_DECRYPT, Resource: this.catalogKmsKeyArns }]
        : []),
    ];
    const zones = [...new Set(this.tables.map((t) => t.zone))];
    return [
      new aws.iam.RolePolicy(
        `${this.groupName}-${id}-query`,
        { role: role.name, policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements }) },
        opts,
      ),
      ...zones.map((zone) => lake.grantRead(`${id}-${zone.replace(/\//g, "-")}`, role, zone)),
    ];
  }
}

/** A named query of a table: its resource id, name, description and SQL. */
interface NamedQueryDefinition {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly sql: pulumi.Output<string>;
}

/** A preview of the table, and with partitions, the row count of each (newest first). */
export function namedQueries(t: QueryTable): NamedQueryDefinition[] {
  const from = pulumi.interpolate`"${t.database}"."${t.table}"`;
  const keys = t.partitionKeys ?? [];
  const queries: NamedQueryDefinition[] = [
    {
      id: "preview",
      name: `preview-${t.table}`,
      description: `The first 10 rows of ${t.table}`,
      sql: pulumi.interpolate`SELECT * FROM ${from} LIMIT 10;`,
    },
  ];
  if (keys.length > 0) {
    const columns = keys.join(", ");
    queries.push({
      id: "partition-rows",
      name: `rows-per-partition-${t.table}`,
      description: `Rows of ${t.table} per partition (${columns}), newest first`,
      sql: pulumi.interpolate`SELECT ${columns}, COUNT(*) AS row_count FROM ${from} GROUP BY ${columns} ORDER BY ${keys.map((k) => `${k} DESC`).join(", ")} LIMIT 100;`,
    });
  }
  return queries;
}

function checkTables(tables: readonly QueryTable[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  tables.forEach((t, i) => {
    if (!SQL_IDENTIFIER.test(t.table)) {
      issues.push({
        path: `tables[${i}].table`,
        value: t.table,
        expected: "lowercase letters, digits and underscores, starting with a letter or underscore",
      });
    } else if (seen.has(t.table)) {
      issues.push({
        path: `tables[${i}].table`,
        value: t.table,
        expected: "a table name not used by another table here (it names the table's named queries)",
      });
    }
    seen.add(t.table);
    (t.partitionKeys ?? []).forEach((key, k) => {
      if (!SQL_IDENTIFIER.test(key)) {
        issues.push({
          path: `tables[${i}].partitionKeys[${k}]`,
          value: key,
          expected: "a column name: lowercase letters, digits and underscores",
        });
      }
    });
  });
  return issues;
}
