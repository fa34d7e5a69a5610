import { beforeAll, describe, expect, it } from "vitest";

import { estimateCost, validateUsageProfile } from "../../components/catalog/cost";
import { DataLake } from "../../components/data-lake";
import {
  DEFAULT_RELEASE_LABEL,
  resolveSparkSettings,
  SparkProcessing,
  validateSparkSettings,
  validateSparkTarget,
  type SparkProcessingArgs,
} from "../../components/emr";
import {
  GLUE_CATALOG_READ,
  KMS_DECRYPT,
  KMS_ENCRYPT,
  S3_BUCKET_LIST,
  S3_OBJECT_READ,
  S3_OBJECT_WRITE,
} from "../../components/iam/actions";
import { formatIssue } from "../../components/validation";
import type { ProgramRun } from "../../scripts/cli/offline/runner";
import { policyOf, resource, resourcesOfType, runInline } from "../harness";
import { componentMandatoryViolations } from "../policies/helpers";

const APPLICATION = "aws:emrserverless/application:Application";
const SECURITY_CONFIGURATION = "aws:emr/securityConfiguration:SecurityConfiguration";
const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";

const LAKE_KEY_ARN = "arn:aws:kms:ap-northeast-2:123456789012:key/lake-key-key-id";
const TAGS = { Project: "mlplat", Environment: "test", CostCenter: "ml", Owner: "data@example.com" };
const CERTS = "s3://certs-bucket/emr/certs.zip";

/** A Spark application in a two-subnet VPC next to a lake, as the stack program wires it. */
function declare(settings: Partial<SparkProcessingArgs> = {}): () => Record<string, unknown> {
  return () => {
    const lake = new DataLake("lake", { deletionPolicy: "destroy" });
    const spark = new SparkProcessing("spark", {
      vpcId: "vpc-1",
      vpcCidrBlock: "10.0.0.0/16",
      subnetIds: ["subnet-a", "subnet-b"],
      s3PrefixListId: "pl-s3",
      lake,
      tags: TAGS,
      ...settings,
    });
    return {
      applicationId: spark.applicationId,
      applicationArn: spark.applicationArn,
      jobRoleArn: spark.jobRoleArn,
      logUri: spark.logUri,
      securityGroupId: spark.securityGroupId,
      ...(spark.securityConfigurationName
        ? { securityConfigurationName: spark.securityConfigurationName }
        : {}),
    };
  };
}

describe("Spark settings", () => {
  it("default to a current EMR 7 release, a 15-minute auto-stop and a 16 vCPU / 64 GB / 400 GB ceiling", () => {
    expect(resolveSparkSettings()).toEqual({
      releaseLabel: DEFAULT_RELEASE_LABEL,
      idleTimeoutMinutes: 15,
      maxVcpus: 16,
      maxMemoryGb: 64,
      maxDiskGb: 400,
    });
    expect(DEFAULT_RELEASE_LABEL).toMatch(/^emr-7\.\d+\.\d+$/);
    expect(validateSparkSettings(resolveSparkSettings())).toEqual([]);
  });

  it("names every problem with its path, the value and what is expected", () => {
    const s = resolveSparkSettings({
      releaseLabel: "emr-6.15.0",
      idleTimeoutMinutes: 0,
      maxVcpus: 0,
      maxMemoryGb: 1,
      maxDiskGb: 10,
      ec2SecurityConfiguration: { certificatesS3Object: "https://example.com/certs.zip" },
    });
    expect(validateSparkSettings(s).map(formatIssue)).toEqual([
      'releaseLabel: got "emr-6.15.0", expected an EMR 7.x release label such as emr-7.12.0',
      "idleTimeoutMinutes: got 0, expected a whole number of minutes from 1 to 10080 (EMR Serverless auto-stop)",
      "maxVcpus: got 0, expected a whole number of vCPUs from 1 to 4000",
      "maxMemoryGb: got 1, expected a whole number of GB from 2 to 30000",
      "maxDiskGb: got 10, expected a whole number of GB from 20 to 200000",
      'ec2SecurityConfiguration.certificatesS3Object: got "https://example.com/certs.zip", expected the s3:// URI of a zip of PEM certificates, e.g. s3://my-certs/emr/certs.zip',
    ]);
  });

  it("keeps memory between 2 and 8 GB per vCPU", () => {
    const issues = validateSparkSettings(resolveSparkSettings({ maxVcpus: 16, maxMemoryGb: 256 }));
    expect(issues.map(formatIssue)).toEqual([
      "maxMemoryGb: got 256, expected 2 to 8 GB per vCPU: from 32 to 128 for maxVcpus 16",
    ]);
  });

  it("needs a lowercase name and a subnet", () => {
    expect(validateSparkTarget("Spark_App", 0).map(formatIssue)).toEqual([
      'name: got "Spark_App", expected 1 to 64 lowercase letters, digits and hyphens, starting with a letter or digit',
      "subnetIds.length: got 0, expected at least 1 private subnet (2 or more in different Availability Zones are recommended)",
    ]);
  });

  it("refuses invalid settings before declaring anything", () => {
    const declareInvalid = () =>
      new SparkProcessing("spark", {
        vpcId: "vpc-1",
        vpcCidrBlock: "10.0.0.0/16",
        subnetIds: ["subnet-a"],
        s3PrefixListId: "pl-s3",
        // Validation fails before the lake is used.
        lake: null as unknown as DataLake,
        releaseLabel: "emr-7.x",
      });
    expect(declareInvalid).toThrow(
      'SparkProcessing spark: 1 problem\n  - releaseLabel: got "emr-7.x", expected an EMR 7.x release label such as emr-7.12.0',
    );
  });
});

describe("SparkProcessing", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runInline("dev", declare());
  });

  it("declares a Spark application with auto-start, a 15-minute auto-stop and the capacity ceiling", () => {
    expect(resource(run, APPLICATION, "spark-app").inputs).toMatchObject({
      name: "spark",
      type: "spark",
      releaseLabel: DEFAULT_RELEASE_LABEL,
      autoStartConfiguration: { enabled: true },
      autoStopConfiguration: { enabled: true, idleTimeoutMinutes: 15 },
      maximumCapacity: { cpu: "16 vCPU", memory: "64 GB", disk: "400 GB" },
      tags: TAGS,
    });
    expect(resource(run, APPLICATION, "spark-app").inputs.initialCapacities).toBeUndefined();
  });

  it("places the workers in the private subnets behind its own security group", () => {
    expect(resource(run, APPLICATION, "spark-app").inputs.networkConfiguration).toEqual({
      subnetIds: ["subnet-a", "subnet-b"],
      securityGroupIds: ["spark-sg-id"],
    });
  });

  it("writes job logs to the lake under artifacts/logs/emr/<name>/, encrypted with the lake's key", () => {
    expect(resource(run, APPLICATION, "spark-app").inputs.monitoringConfiguration).toEqual({
      s3MonitoringConfiguration: {
        logUri: "s3://lake-data/artifacts/logs/emr/spark/",
        encryptionKeyArn: LAKE_KEY_ARN,
      },
    });
    expect(run.outputs.logUri).toBe("s3://lake-data/artifacts/logs/emr/spark/");
  });

  it("has no ingress and lets out only HTTPS, to S3 and to the VPC", () => {
    const sg = resource(run, SECURITY_GROUP, "spark-sg").inputs;
    expect(sg.ingress).toEqual([]);
    expect(sg.egress).toEqual([
      expect.objectContaining({ protocol: "tcp", fromPort: 443, toPort: 443, prefixListIds: ["pl-s3"] }),
      expect.objectContaining({ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/16"] }),
    ]);
  });

  it("lets only EMR Serverless of this account assume the job role, which reads raw/ and processed/ and writes processed/, features/ and the logs", () => {
    const trust = JSON.parse(String(resource(run, ROLE, "spark-job-role").inputs.assumeRolePolicy)) as {
      Statement: unknown[];
    };
    expect(trust.Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "emr-serverless.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
      },
    ]);
    const grants = resourcesOfType(run, ROLE_POLICY).filter((p) => p.inputs.role === "spark-job-role");
    expect(grants.map((g) => g.name).sort()).toEqual([
      "lake-spark-features-write",
      "lake-spark-logs-write",
      "lake-spark-processed-read",
      "lake-spark-processed-write",
      "lake-spark-raw-read",
    ]);
    const statements = grants.flatMap((g) => policyOf(g).Statement);
    expect(new Set(statements.flatMap((s) => s.Action as string[]))).toEqual(
      new Set([...S3_BUCKET_LIST, ...S3_OBJECT_READ, ...S3_OBJECT_WRITE, ...KMS_DECRYPT, ...KMS_ENCRYPT]),
    );
    const resourcesOf = (sid: string) =>
      new Set(statements.filter((s) => s.Sid === sid).map((s) => s.Resource));
    expect(resourcesOf("ReadZone")).toEqual(
      new Set(["arn:aws:s3:::lake-data/raw/*", "arn:aws:s3:::lake-data/processed/*"]),
    );
    expect(resourcesOf("WriteZone")).toEqual(
      new Set([
        "arn:aws:s3:::lake-data/processed/*",
        "arn:aws:s3:::lake-data/features/*",
        "arn:aws:s3:::lake-data/artifacts/logs/*",
      ]),
    );
  });

  it("declares no EMR on EC2 security configuration unless asked, and reports its outputs", () => {
    expect(resourcesOfType(run, SECURITY_CONFIGURATION)).toEqual([]);
    expect(resourcesOfType(run, ROLE_POLICY).filter((p) => p.name === "spark-catalog-read")).toEqual([]);
    expect(run.outputs).toMatchObject({
      applicationId: "spark-app-id",
      jobRoleArn: "arn:aws:iam::123456789012:role/spark-job-role",
      securityGroupId: "spark-sg-id",
    });
    expect(String(run.outputs.applicationArn)).toMatch(/spark/);
  });

  it("passes the pack and the EMR policies with no mandatory violation", async () => {
    expect(await componentMandatoryViolations(run)).toEqual([]);
  });

  it("costs nothing while idle, and its job hours from the usage profile, in both priced regions", () => {
    const mine = run.resources.filter((r) => r.parent?.includes("mlplat:emr:SparkProcessing"));
    const idle = estimateCost(mine, { region: "ap-northeast-2" });
    expect(Object.fromEntries(idle.resources.map((r) => [r.type, r.status]))).toEqual({
      "aws:iam/role:Role": "free",
      "aws:ec2/securityGroup:SecurityGroup": "free",
      "aws:emrserverless/application:Application": "priced",
    });
    expect(idle.totals.totalUsd).toBe("0");
    const usage = validateUsageProfile(
      { emrServerless: [{ resource: "spark-app", vcpuHours: 100, memoryGbHours: 400 }] },
      "test profile",
    );
    const busy = estimateCost(mine, { region: "us-east-1", usage });
    // 100 vCPU-hours x $0.052624 + 400 GB-hours x $0.0057785
    expect(busy.totals.usageUsd).toBe("7.5738");
    expect(busy.unpriced).toEqual([]);
  });
});

describe("SparkProcessing with an EMR on EC2 security configuration", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runInline(
      "dev",
      declare({
        ec2SecurityConfiguration: { certificatesS3Object: CERTS },
        idleTimeoutMinutes: 30,
        catalogDatabaseNames: ["mlplat_processed", "mlplat_processed"],
        catalogKmsKeyArn: "arn:aws:kms:ap-northeast-2:123456789012:key/catalog",
      }),
    );
  });

  it("encrypts S3 data and local disks with the lake's key, TLS between nodes from the PEM zip, IMDSv2 only", () => {
    const config = resource(run, SECURITY_CONFIGURATION, "spark-ec2-security");
    expect(config.inputs.name).toBe("spark-ec2-security");
    expect(JSON.parse(String(config.inputs.configuration))).toEqual({
      EncryptionConfiguration: {
        EnableAtRestEncryption: true,
        EnableInTransitEncryption: true,
        AtRestEncryptionConfiguration: {
          S3EncryptionConfiguration: { EncryptionMode: "SSE-KMS", AwsKmsKey: LAKE_KEY_ARN },
          LocalDiskEncryptionConfiguration: {
            EncryptionKeyProviderType: "AwsKms",
            AwsKmsKey: LAKE_KEY_ARN,
            EnableEbsEncryption: true,
          },
        },
        InTransitEncryptionConfiguration: {
          TLSCertificateConfiguration: { CertificateProviderType: "PEM", S3Object: CERTS },
        },
      },
      InstanceMetadataServiceConfiguration: {
        MinimumInstanceMetadataServiceVersion: 2,
        HttpPutResponseHopLimit: 1,
      },
    });
    expect(run.outputs.securityConfigurationName).toBe("spark-ec2-security");
  });

  it("lets jobs read the given Glue databases' definitions, and decrypt the catalog, and nothing more", () => {
    expect(policyOf(resource(run, ROLE_POLICY, "spark-catalog-read")).Statement).toEqual([
      {
        Sid: "ReadCatalogDatabases",
        Effect: "Allow",
        Action: [...GLUE_CATALOG_READ],
        Resource: [
          "arn:aws:glue:ap-northeast-2:123456789012:catalog",
          "arn:aws:glue:ap-northeast-2:123456789012:database/mlplat_processed",
          "arn:aws:glue:ap-northeast-2:123456789012:table/mlplat_processed/*",
        ],
      },
      {
        Sid: "DecryptCatalog",
        Effect: "Allow",
        Action: [...KMS_DECRYPT],
        Resource: "arn:aws:kms:ap-northeast-2:123456789012:key/catalog",
      },
    ]);
  });

  it("takes the idle timeout from the settings", () => {
    expect(resource(run, APPLICATION, "spark-app").inputs.autoStopConfiguration).toEqual({
      enabled: true,
      idleTimeoutMinutes: 30,
    });
  });

  it("passes the pack and the EMR policies with no mandatory violation", async () => {
    expect(await componentMandatoryViolations(run)).toEqual([]);
  });
});
