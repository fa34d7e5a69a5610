import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import type { DataLake, LakeZone } from "../data-lake";
import { GLUE_CATALOG_READ, KMS_DECRYPT } from "../iam/actions";
import { serviceRole } from "../iam/roles";
import { ValidationError } from "../validation";
import {
  resolveSparkSettings,
  validateSparkSettings,
  validateSparkTarget,
  type Ec2SecuritySettings,
  type ResolvedSparkSettings,
  type SparkSettings,
} from "./args";
import { SPARK_LOG_ZONE, sparkApplicationDefinition, sparkLogUri } from "./definitions";

export * from "./args";
export { SPARK_LOG_ZONE, sparkLogUri } from "./definitions";

const HTTPS = 443;

/** The lake zones Spark jobs read, and the zones they write. */
export const SPARK_READ_ZONES: readonly LakeZone[] = ["raw", "processed"];
export const SPARK_WRITE_ZONES: readonly LakeZone[] = ["processed", "features"];

export interface SparkProcessingArgs extends SparkSettings {
  vpcId: pulumi.Input<string>;
  /** The VPC's CIDR block: workers may reach interface endpoints in it over HTTPS. */
  vpcCidrBlock: pulumi.Input<string>;
  /** Private subnets the workers' network interfaces are placed in (two or more Availability Zones). */
  subnetIds: pulumi.Input<string>[];
  /** The S3 gateway endpoint's prefix list: workers reach the lake through it over HTTPS. */
  s3PrefixListId: pulumi.Input<string>;
  /**
   * The lake: jobs read `raw/` and `processed/`, write `processed/` and `features/`, and log to
   * `artifacts/logs/emr/<name>/`, encrypted with the lake's key.
   */
  lake: DataLake;
  /**
   * Glue Data Catalog databases jobs may read table definitions from (EMR Serverless uses the account's Glue
   * Data Catalog as Spark's metastore): `spark.sql("SELECT ... FROM processed_db.events")`. Read only.
   * @default [] (jobs read the lake by path only)
   */
  catalogDatabaseNames?: pulumi.Input<string>[];
  /** The key that encrypts the Glue Data Catalog, when it is encrypted. @default - none */
  catalogKmsKeyArn?: pulumi.Input<string>;
  /** Tags for every taggable resource. @default {} */
  tags?: Record<string, string>;
}

/**
 * Spark processing on EMR Serverless (the seed's services map: EMR, Spark-based large-scale processing): a
 * Spark application that starts on the first job and stops after `idleTimeoutMinutes` without one, bounded by
 * a maximum capacity (the cost ceiling), with no pre-initialized capacity (nothing is billed while idle). Its
 * workers run in private subnets behind a security group that lets out only HTTPS, to S3 and to the VPC's
 * interface endpoints. Jobs run as a role that reads the lake's `raw/` and `processed/` zones and writes
 * `processed/` and `features/`; their logs go to the lake under `artifacts/logs/emr/<name>/`, encrypted with
 * the lake's key (the application's monitoring configuration, which every job run inherits). With
 * `catalogDatabaseNames`, jobs may also read those Glue databases' table definitions (Spark's metastore).
 *
 * With `ec2SecurityConfiguration`, it also declares an EMR on EC2 security configuration for clusters started
 * outside the template: SSE-KMS for EMRFS data in S3, KMS-encrypted local disks and EBS volumes, TLS between
 * nodes from the given PEM certificates, and IMDSv2 only. No EMR on EC2 cluster is built.
 */
export class SparkProcessing extends pulumi.ComponentResource {
  readonly applicationId: pulumi.Output<string>;
  readonly applicationArn: pulumi.Output<string>;
  /** The role `StartJobRun` passes as the job's execution role. */
  readonly jobRole: aws.iam.Role;
  readonly jobRoleArn: pulumi.Output<string>;
  /** The `s3://` prefix job logs are written under. */
  readonly logUri: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;
  /** The EMR on EC2 security configuration's name, when one is declared. */
  readonly securityConfigurationName?: pulumi.Output<string>;
  readonly settings: ResolvedSparkSettings;

  constructor(name: string, args: SparkProcessingArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const settings = resolveSparkSettings(args);
    const issues = [...validateSparkSettings(settings), ...validateSparkTarget(name, args.subnetIds.length)];
    if (issues.length > 0) throw new ValidationError(`SparkProcessing ${name}`, issues);
    super("mlplat:emr:SparkProcessing", name, {}, opts);
    this.settings = settings;
    const tags = { ...(args.tags ?? {}) };
    const parent = { parent: this };

    this.jobRole = serviceRole(
      `${name}-job-role`,
      {
        service: "emr-serverless.amazonaws.com",
        description: `Job runtime role of the ${name} Spark application: reads raw/ and processed/, writes processed/ and features/`,
        tags,
      },
      this,
    );
    for (const zone of SPARK_READ_ZONES) args.lake.grantRead(`${name}-${slug(zone)}`, this.jobRole, zone);
    for (const zone of SPARK_WRITE_ZONES) args.lake.grantWrite(`${name}-${slug(zone)}`, this.jobRole, zone);
    args.lake.grantWrite(`${name}-logs`, this.jobRole, SPARK_LOG_ZONE);
    if ((args.catalogDatabaseNames ?? []).length > 0) this.grantCatalogRead(name, args);
    this.jobRoleArn = this.jobRole.arn;

    this.logUri = args.lake.bucketName.apply((bucket) => sparkLogUri(bucket, name));
    this.securityGroupId = this.securityGroup(name, args, tags).id;

    const application = new aws.emrserverless.Application(
      `${name}-app`,
      {
        ...sparkApplicationDefinition<pulumi.Input<string>>(name, settings, {
          subnetIds: args.subnetIds,
          securityGroupIds: [this.securityGroupId],
          logUri: this.logUri,
          encryptionKeyArn: args.lake.kmsKeyArn,
        }),
        tags,
      },
      parent,
    );
    this.applicationId = application.id;
    this.applicationArn = application.arn;

    if (settings.ec2SecurityConfiguration) {
      const config = new aws.emr.SecurityConfiguration(
        `${name}-ec2-security`,
        {
          name: `${name}-ec2-security`,
          configuration: emrSecurityConfiguration(settings.ec2SecurityConfiguration, args.lake.kmsKeyArn),
        },
        parent,
      );
      this.securityConfigurationName = config.name;
    }

    this.registerOutputs({
      applicationId: this.applicationId,
      applicationArn: this.applicationArn,
      jobRoleArn: this.jobRoleArn,
      logUri: this.logUri,
      securityGroupId: this.securityGroupId,
      securityConfigurationName: this.securityConfigurationName,
    });
  }

  /** Read-only access to the given Glue databases' definitions (catalog, databases, their tables). */
  private grantCatalogRead(name: string, args: SparkProcessingArgs): void {
    const parent = { parent: this };
    const region = aws.getRegionOutput({}, parent).region;
    const account = aws.getCallerIdentityOutput({}, parent).accountId;
    const partition = aws.getPartitionOutput({}, parent).partition;
    const glue = (path: pulumi.Input<string>) =>
      pulumi.interpolate`arn:${partition}:glue:${region}:${account}:${path}`;
    const resources = pulumi
      .all(args.catalogDatabaseNames ?? [])
      .apply((names) =>
        pulumi.all([
          glue("catalog"),
          ...[...new Set(names)].flatMap((db) => [glue(`database/${db}`), glue(`table/${db}/*`)]),
        ]),
      );
    const statements: Record<string, unknown>[] = [
      { Sid: "ReadCatalogDatabases", Effect: "Allow", Action: GLUE_CATALOG_READ, Resource: resources },
    ];
    if (args.catalogKmsKeyArn !== undefined) {
      statements.push({
        Sid: "DecryptCatalog",
        Effect: "Allow",
        Action: KMS_DECRYPT,
        Resource: args.catalogKmsKeyArn,
      });
    }
    new aws.iam.RolePolicy(
      `${name}-catalog-read`,
      {
        role: this.jobRole.name,
        policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements }),
      },
      parent,
    );
  }

  /** No ingress; out, HTTPS only: to S3 through the gateway endpoint, and to interface endpoints in the VPC. */
  private securityGroup(
    name: string,
    args: SparkProcessingArgs,
    tags: Record<string, string>,
  ): aws.ec2.SecurityGroup {
    return new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        vpcId: args.vpcId,
        description: `EMR Serverless application ${name}: no ingress, HTTPS out to S3 and the VPC only`,
        ingress: [],
        egress: [
          {
            description: "The lake: S3 through the gateway endpoint",
            protocol: "tcp",
            fromPort: HTTPS,
            toPort: HTTPS,
            prefixListIds: [args.s3PrefixListId],
          },
          {
            description: "Interface endpoints in the VPC (Glue, KMS, CloudWatch Logs, STS)",
            protocol: "tcp",
            fromPort: HTTPS,
            toPort: HTTPS,
            cidrBlocks: [args.vpcCidrBlock],
          },
        ],
        tags: { ...tags, Name: `${name}-spark` },
      },
      { parent: this },
    );
  }
}

/** `processed/train` -> `processed-train`, for grant ids. */
function slug(zone: LakeZone): string {
  return zone.replace(/\//g, "-");
}

/**
 * The EMR on EC2 security configuration document ("Specifying a security configuration using the CLI", Amazon
 * EMR Management Guide): EMRFS writes S3 data with SSE-KMS and local disks (and EBS volumes) are encrypted
 * with the key; nodes talk TLS with certificates from the PEM zip; instances accept IMDSv2 only.
 */
export function emrSecurityConfiguration(
  settings: Readonly<Ec2SecuritySettings>,
  kmsKeyArn: pulumi.Input<string>,
): pulumi.Output<string> {
  return pulumi.jsonStringify({
    EncryptionConfiguration: {
      EnableAtRestEncryption: true,
      EnableInTransitEncryption: true,
      AtRestEncryptionConfiguration: {
        S3EncryptionConfiguration: { EncryptionMode: "SSE-KMS", AwsKmsKey: kmsKeyArn },
        LocalDiskEncryptionConfiguration: {
          EncryptionKeyProviderType: "AwsKms",
          AwsKmsKey: kmsKeyArn,
          EnableEbsEncryption: true,
        },
      },
      InTransitEncryptionConfiguration: {
        TLSCertificateConfiguration: {
          CertificateProviderType: "PEM",
          S3Object: settings.certificatesS3Object,
        },
      },
    },
    InstanceMetadataServiceConfiguration: {
      MinimumInstanceMetadataServiceVersion: 2,
      HttpPutResponseHopLimit: 1,
    },
  });
}
