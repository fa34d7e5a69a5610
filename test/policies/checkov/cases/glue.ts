/** Checkov's glue checks as Pulumi resources (see ../case.ts). */
import type { DeclaredResource } from "../../../../scripts/cli/offline/runner";
import { declared } from "../../helpers";
import type { ServiceCases } from "../case";

const SETTINGS = "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings";
const SECURITY_CONFIGURATION = "aws:glue/securityConfiguration:SecurityConfiguration";
const JOB = "aws:glue/job:Job";
const KEY_ARN = "arn:aws:kms:ap-northeast-2:123456789012:key/catalog-key-id";

function settings(encryptionAtRest: Record<string, unknown>): DeclaredResource[] {
  return [
    declared(SETTINGS, "catalog-encryption", {
      dataCatalogEncryptionSettings: {
        encryptionAtRest,
        connectionPasswordEncryption: { returnConnectionPasswordEncrypted: true, awsKmsKeyId: KEY_ARN },
      },
    }),
  ];
}

function securityConfiguration(cloudwatchEncryption: Record<string, unknown>): DeclaredResource[] {
  return [
    declared(SECURITY_CONFIGURATION, "etl-security", {
      name: "etl-security",
      encryptionConfiguration: {
        s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn: KEY_ARN },
        cloudwatchEncryption,
        jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn: KEY_ARN },
      },
    }),
  ];
}

function job(inputs: Record<string, unknown>): DeclaredResource[] {
  return [
    declared(JOB, "etl", {
      roleArn: "arn:aws:iam::123456789012:role/etl",
      command: { scriptLocation: "s3://lake/scripts/etl.py", pythonVersion: "3" },
      glueVersion: "5.0",
      ...inputs,
    }),
  ];
}

export const glue: ServiceCases = {
  cases: [
    {
      id: "CKV_AWS_94",
      title: "catalog encryption settings with encryptionAtRest DISABLED",
      fail: settings({ catalogEncryptionMode: "DISABLED" }),
      pass: settings({ catalogEncryptionMode: "SSE-KMS", sseAwsKmsKeyId: KEY_ARN }),
    },
    {
      id: "CKV_AWS_99",
      title: "a security configuration that leaves CloudWatch logs unencrypted",
      fail: securityConfiguration({ cloudwatchEncryptionMode: "DISABLED" }),
      pass: securityConfiguration({ cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn: KEY_ARN }),
    },
    {
      id: "CKV_AWS_195",
      title: "a job without securityConfiguration",
      fail: job({}),
      pass: job({ securityConfiguration: "etl-security" }),
    },
  ],
  notApplicable: [],
  covered: ["CKV_AWS_195", "CKV_AWS_94", "CKV_AWS_99"],
};
