/** What the integration tests share: the run's emulator, SDK clients for it, and a lake made with the SDK. */
import { randomBytes } from "node:crypto";

import { CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import {
  CreateBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { inject } from "vitest";

import { EMULATOR_CREDENTIALS, resetEmulator, type EmulatorKind } from "../../scripts/cli/emulator";
import type { EmulatorInfo } from "./global-setup";

export function emulator(): EmulatorInfo {
  return inject("emulator");
}

/** SDK settings for the emulator: path-style S3, test credentials, few retries (an unimplemented call is a 500). */
export function clientConfig(info: EmulatorInfo = emulator()) {
  return {
    endpoint: info.endpoint,
    region: info.region,
    credentials: EMULATOR_CREDENTIALS,
    forcePathStyle: true,
    maxAttempts: 2,
  };
}

export const s3Client = (info?: EmulatorInfo): S3Client => new S3Client(clientConfig(info));
export const kmsClient = (info?: EmulatorInfo): KMSClient => new KMSClient(clientConfig(info));

/** Services and features that some target cannot serve. */
export type Feature = "reset" | "sagemaker" | "glue" | "athena" | "bedrock" | "lambda-invoke";

/**
 * What each target cannot serve, with the reason; a test of it is skipped with that reason in its name:
 * `it.skipIf(gap("sagemaker"))(\`... ${skipNote("sagemaker")}\`, ...)`.
 */
const GAPS: Record<EmulatorKind, Partial<Record<Feature, string>>> = {
  moto: {},
  localstack: {
    reset: "the open-source LocalStack core has no state reset (a paid feature)",
    sagemaker: "SageMaker is paid-only in LocalStack",
    glue: "Glue is paid-only in LocalStack",
    athena: "Athena is paid-only in LocalStack",
    bedrock: "Bedrock is paid-only in LocalStack",
    "lambda-invoke": "LocalStack runs Lambda functions in Docker only",
  },
};

/** Why the run's target cannot serve `feature`, or undefined when it can. */
export function gap(feature: Feature, kind: EmulatorKind = emulator().kind): string | undefined {
  return GAPS[kind][feature];
}

/** The suffix for a test name: empty when served, `(skipped on localstack: <reason>)` otherwise. */
export function skipNote(feature: Feature, kind: EmulatorKind = emulator().kind): string {
  const reason = gap(feature, kind);
  return reason ? `(skipped on ${kind}: ${reason})` : "";
}

/** Clears the emulator before a file's tests (where the target can); names stay unique either way. */
export async function resetBetweenSuites(info: EmulatorInfo = emulator()): Promise<void> {
  await resetEmulator(info.kind, info.endpoint);
}

/** A lowercase suffix for bucket names, so files never collide even without a reset. */
export const unique = (): string => randomBytes(4).toString("hex");

/**
 * A lake bucket made with the SDK, as the stack declares it (the Pulumi CLI is not needed for the data-plane
 * tests): a customer-managed KMS key, SSE-KMS by default with bucket keys, versioning, public access blocked.
 */
export async function createLakeBucket(name: string): Promise<{ bucket: string; kmsKeyArn: string }> {
  const kms = kmsClient();
  const s3 = s3Client();
  const key = await kms.send(new CreateKeyCommand({ Description: `integration test lake ${name}` }));
  const kmsKeyArn = key.KeyMetadata?.Arn;
  if (!kmsKeyArn) throw new Error("CreateKey returned no ARN");
  await s3.send(new CreateBucketCommand({ Bucket: name }));
  await s3.send(
    new PutBucketEncryptionCommand({
      Bucket: name,
      ServerSideEncryptionConfiguration: {
        Rules: [
          {
            ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: kmsKeyArn },
            BucketKeyEnabled: true,
          },
        ],
      },
    }),
  );
  await s3.send(
    new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: "Enabled" } }),
  );
  await s3.send(
    new PutPublicAccessBlockCommand({
      Bucket: name,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    }),
  );
  return { bucket: name, kmsKeyArn };
}
