import type { Policy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";

import { glueDataCatalogEncrypted } from "../../policies/glue/data-catalog-encrypted";
import { glueSecurityConfiguration } from "../../policies/glue/security-configuration";
import { policyProxy } from "../../policies/lib/unknown";
import { templatePolicyPack } from "../../scripts/cli/offline/policy-check";
import { evaluatePolicies, resolvePolicies, type PackConfig } from "../../scripts/cli/offline/policy-engine";
import type { DeclaredResource } from "../../scripts/cli/offline/runner";
import { changed, declared, runOf, T, TAGS, without } from "./helpers";

const UNKNOWN_STRING = policyProxy.unknownStringValue;
const KEY = "arn:aws:kms:ap-northeast-2:123456789012:key/data-key-id";
const LAKE_KEY = "arn:aws:kms:ap-northeast-2:123456789012:key/lake-key-id";
const G = {
  database: "aws:glue/catalogDatabase:CatalogDatabase",
  job: "aws:glue/job:Job",
  crawler: "aws:glue/crawler:Crawler",
  devEndpoint: "aws:glue/devEndpoint:DevEndpoint",
  encryption: "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings",
  security: "aws:glue/securityConfiguration:SecurityConfiguration",
} as const;

/** One policy of this folder over the resources, as the pack's engine runs it (with its pack config entry). */
async function evaluate(policy: Policy, resources: readonly DeclaredResource[], config?: PackConfig[string]) {
  const pack = { ...templatePolicyPack(), policies: [policy] };
  const resolved = resolvePolicies(pack, config === undefined ? {} : { [policy.name]: config }, "test");
  return evaluatePolicies(runOf(resources), pack, resolved);
}
const messagesOf = async (policy: Policy, resources: readonly DeclaredResource[]) =>
  (await evaluate(policy, resources)).violations.map((v) => v.message);

const encryptionSettings = (atRest: Record<string, unknown>, passwords: Record<string, unknown>) => ({
  dataCatalogEncryptionSettings: { encryptionAtRest: atRest, connectionPasswordEncryption: passwords },
});
const securityConfiguration = (parts: Record<string, unknown> = {}) => ({
  encryptionConfiguration: {
    s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn: LAKE_KEY },
    cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn: KEY },
    jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn: KEY },
    ...parts,
  },
});

/** A data catalog as the DataCatalog component declares it. */
function catalog(): DeclaredResource[] {
  return [
    declared(T.role, "data-job-role", { assumeRolePolicy: "{}", tags: TAGS }),
    declared(
      G.encryption,
      "data-catalog-encryption",
      encryptionSettings(
        { catalogEncryptionMode: "SSE-KMS", sseAwsKmsKeyId: KEY },
        { returnConnectionPasswordEncrypted: true, awsKmsKeyId: KEY },
      ),
    ),
    declared(G.database, "data-processed", { name: "data_processed", tags: TAGS }),
    declared(G.security, "data-security", securityConfiguration()),
    declared(G.job, "data-etl", {
      roleArn: "arn:aws:iam::123456789012:role/data-job-role",
      command: { scriptLocation: "s3://lake/artifacts/glue/scripts/raw_to_processed.py" },
      securityConfiguration: "data-security",
      tags: TAGS,
    }),
    declared(G.crawler, "data-processed-crawler", {
      databaseName: "data_processed",
      role: "arn:aws:iam::123456789012:role/data-crawler-role",
      securityConfiguration: "data-security",
      tags: TAGS,
    }),
  ];
}

describe("glue-data-catalog-encrypted", () => {
  const policy = glueDataCatalogEncrypted;
  const withSettings = (atRest: Record<string, unknown>, passwords: Record<string, unknown>) =>
    changed(catalog(), "data-catalog-encryption", encryptionSettings(atRest, passwords));
  const kmsAtRest = { catalogEncryptionMode: "SSE-KMS", sseAwsKmsKeyId: KEY };
  const encryptedPasswords = { returnConnectionPasswordEncrypted: true, awsKmsKeyId: KEY };

  it("passes a catalog encrypted at rest and for connection passwords with a KMS key", async () => {
    expect(await messagesOf(policy, catalog())).toEqual([]);
    expect(
      await messagesOf(
        policy,
        withSettings(
          {
            ...kmsAtRest,
            catalogEncryptionMode: "SSE-KMS-WITH-SERVICE-ROLE",
            catalogEncryptionServiceRole: "arn:r",
          },
          encryptedPasswords,
        ),
      ),
    ).toEqual([]);
  });

  it("fails every catalog resource of a stack that declares no encryption settings", async () => {
    const { violations } = await evaluate(policy, without(catalog(), "data-catalog-encryption"));
    expect(violations.map((v) => [v.name, v.message])).toEqual([
      [
        "data-processed",
        'CatalogDatabase "data-processed" puts data into the Glue Data Catalog, but the stack declares no aws.glue.DataCatalogEncryptionSettings: the catalog\'s metadata and connection passwords are not encrypted with a KMS key',
      ],
      [
        "data-processed-crawler",
        'Crawler "data-processed-crawler" puts data into the Glue Data Catalog, but the stack declares no aws.glue.DataCatalogEncryptionSettings: the catalog\'s metadata and connection passwords are not encrypted with a KMS key',
      ],
      [
        "data-etl",
        'Job "data-etl" puts data into the Glue Data Catalog, but the stack declares no aws.glue.DataCatalogEncryptionSettings: the catalog\'s metadata and connection passwords are not encrypted with a KMS key',
      ],
    ]);
  });

  it("fails a catalog left unencrypted at rest", async () => {
    expect(
      await messagesOf(policy, withSettings({ catalogEncryptionMode: "DISABLED" }, encryptedPasswords)),
    ).toEqual([
      'Data catalog encryption settings "data-catalog-encryption" leave the catalog unencrypted at rest (catalogEncryptionMode "DISABLED"): set encryptionAtRest.catalogEncryptionMode to SSE-KMS with sseAwsKmsKeyId',
    ]);
  });

  it("fails a catalog encrypted with the AWS managed key", async () => {
    expect(
      await messagesOf(policy, withSettings({ catalogEncryptionMode: "SSE-KMS" }, encryptedPasswords)),
    ).toEqual([
      'Data catalog encryption settings "data-catalog-encryption" encrypt the catalog with the AWS managed key: set encryptionAtRest.sseAwsKmsKeyId to a customer-managed key',
    ]);
  });

  it("fails connection passwords returned in plain text", async () => {
    expect(
      await messagesOf(policy, withSettings(kmsAtRest, { returnConnectionPasswordEncrypted: false })),
    ).toEqual([
      'Data catalog encryption settings "data-catalog-encryption" do not encrypt connection passwords: set connectionPasswordEncryption.returnConnectionPasswordEncrypted to true with awsKmsKeyId',
    ]);
  });

  it("fails connection password encryption without a key", async () => {
    expect(
      await messagesOf(policy, withSettings(kmsAtRest, { returnConnectionPasswordEncrypted: true })),
    ).toEqual([
      'Data catalog encryption settings "data-catalog-encryption" encrypt connection passwords without a KMS key: set connectionPasswordEncryption.awsKmsKeyId',
    ]);
  });

  it("checks encryption settings a stack declares without any catalog resource", async () => {
    const settingsOnly = catalog().filter((r) => r.type === G.encryption);
    expect(
      await messagesOf(
        policy,
        changed(
          settingsOnly,
          "data-catalog-encryption",
          encryptionSettings({ catalogEncryptionMode: "DISABLED" }, encryptedPasswords),
        ),
      ),
    ).toHaveLength(1);
  });

  it("is not applicable to a stack without Glue catalog resources", async () => {
    const { violations, notApplicable } = await evaluate(policy, [declared(T.bucket, "b", {})]);
    expect(violations).toEqual([]);
    expect(notApplicable).toEqual({ [policy.name]: 1 });
  });

  it("takes a key ARN unknown during preview as a key, and notes it cannot run on an unknown mode", async () => {
    expect(
      await messagesOf(
        policy,
        withSettings(
          { catalogEncryptionMode: "SSE-KMS", sseAwsKmsKeyId: UNKNOWN_STRING },
          { returnConnectionPasswordEncrypted: true, awsKmsKeyId: UNKNOWN_STRING },
        ),
      ),
    ).toEqual([]);
    const { violations } = await evaluate(
      policy,
      withSettings({ catalogEncryptionMode: UNKNOWN_STRING, sseAwsKmsKeyId: KEY }, encryptedPasswords),
    );
    expect(violations.map((v) => [v.level, v.name, v.message])).toEqual([
      [
        "advisory",
        "fx-test",
        "can't run policy 'glue-data-catalog-encrypted' from policy pack 'mlplat-guardrails@v0.1.0' during preview: string value at .dataCatalogEncryptionSettings.encryptionAtRest.catalogEncryptionMode can't be known during preview",
      ],
    ]);
  });
});

describe("glue-security-configuration", () => {
  const policy = glueSecurityConfiguration;
  const withParts = (parts: Record<string, unknown>) =>
    changed(catalog(), "data-security", securityConfiguration(parts));

  it("passes jobs and crawlers that name a configuration encrypting S3, logs and bookmarks with KMS", async () => {
    expect(await messagesOf(policy, catalog())).toEqual([]);
  });

  it("fails a job and a crawler that name no security configuration", async () => {
    expect(
      await messagesOf(policy, changed(catalog(), "data-etl", { securityConfiguration: undefined })),
    ).toEqual([
      'Glue job "data-etl" names no securityConfiguration: its S3 output, logs and job bookmarks are not encrypted with KMS',
    ]);
    expect(
      await messagesOf(policy, changed(catalog(), "data-processed-crawler", { securityConfiguration: "" })),
    ).toEqual([
      'Glue crawler "data-processed-crawler" names no securityConfiguration: its logs are not encrypted with KMS',
    ]);
  });

  it("fails a development endpoint that names no security configuration, passes one that does", async () => {
    const endpoint = (inputs: Record<string, unknown>) => [
      declared(G.devEndpoint, "data-notebook", {
        roleArn: "arn:aws:iam::123456789012:role/data-job-role",
        ...inputs,
      }),
    ];
    expect(await messagesOf(policy, endpoint({}))).toEqual([
      'Glue development endpoint "data-notebook" names no securityConfiguration: its S3 output, logs and job bookmarks are not encrypted with KMS',
    ]);
    expect(await messagesOf(policy, endpoint({ securityConfiguration: "data-security" }))).toEqual([]);
  });

  it("fails S3 encryption that is not SSE-KMS", async () => {
    expect(await messagesOf(policy, withParts({ s3Encryption: { s3EncryptionMode: "SSE-S3" } }))).toEqual([
      'Security configuration "data-security" encrypts S3 data with "SSE-S3": set encryptionConfiguration.s3Encryption.s3EncryptionMode to SSE-KMS with a kmsKeyArn',
    ]);
  });

  it("fails CloudWatch logs left at the default (unencrypted)", async () => {
    expect(await messagesOf(policy, withParts({ cloudwatchEncryption: {} }))).toEqual([
      'Security configuration "data-security" encrypts CloudWatch logs with DISABLED (the default): set encryptionConfiguration.cloudwatchEncryption.cloudwatchEncryptionMode to SSE-KMS with a kmsKeyArn',
    ]);
  });

  it("fails job bookmarks that are not CSE-KMS", async () => {
    expect(
      await messagesOf(
        policy,
        withParts({ jobBookmarksEncryption: { jobBookmarksEncryptionMode: "DISABLED" } }),
      ),
    ).toEqual([
      'Security configuration "data-security" encrypts job bookmarks with "DISABLED": set encryptionConfiguration.jobBookmarksEncryption.jobBookmarksEncryptionMode to CSE-KMS with a kmsKeyArn',
    ]);
  });

  it("fails a KMS mode without a key", async () => {
    expect(await messagesOf(policy, withParts({ s3Encryption: { s3EncryptionMode: "SSE-KMS" } }))).toEqual([
      'Security configuration "data-security" sets encryptionConfiguration.s3Encryption.s3EncryptionMode SSE-KMS without a kmsKeyArn: name the key',
    ]);
  });

  it("takes unknown names and keys as set, notes it cannot run on an unknown mode, skips other types", async () => {
    const unknownRefs = changed(
      withParts({ s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn: UNKNOWN_STRING } }),
      "data-etl",
      { securityConfiguration: UNKNOWN_STRING },
    );
    expect(await messagesOf(policy, unknownRefs)).toEqual([]);
    const { violations, notApplicable } = await evaluate(
      policy,
      withParts({ cloudwatchEncryption: { cloudwatchEncryptionMode: UNKNOWN_STRING, kmsKeyArn: KEY } }),
    );
    expect(violations.map((v) => [v.level, v.name, v.message])).toEqual([
      [
        "advisory",
        "data-security",
        "can't run policy 'glue-security-configuration' from policy pack 'mlplat-guardrails@v0.1.0' during preview: string value at .encryptionConfiguration.cloudwatchEncryption.cloudwatchEncryptionMode can't be known during preview",
      ],
    ]);
    // The role, the database and the encryption settings.
    expect(notApplicable).toEqual({ [policy.name]: 3 });
  });
});
