import { describe, expect, it } from "vitest";

import { loadStackConfig } from "../../infra/config";
import { stackConfig, type ConfigOverrides, configProblems } from "../harness";

function load(stack: string, overrides: ConfigOverrides = {}) {
  return loadStackConfig(stack, stackConfig(stack, overrides).config);
}

/** The problems a config has, as the messages users read. */

const devLake = stackConfig("dev").config["mlplat:dataLake"] ?? "{}";
const lakeWith = (patch: Record<string, unknown>): Record<string, unknown> => ({
  ...(JSON.parse(devLake) as Record<string, unknown>),
  ...patch,
});

describe("stack config files", () => {
  it("loads dev with the seed's lifecycle and dev's keep-but-not-protect policy", () => {
    const config = load("dev");
    expect(config.environment).toBe("dev");
    expect(config.region).toBe("ap-northeast-2");
    expect(config.features.dataLake).toBe(true);
    expect(config.dataLake.deletionPolicy).toBe("retain");
    expect(config.dataLake.tlsOnly).toBe(true);
    expect(config.dataLake.lifecycle).toEqual({
      rawToInfrequentAccessDays: 30,
      rawToGlacierDays: 90,
      checkpointExpirationDays: 14,
      abortIncompleteMultipartUploadDays: 7,
      noncurrentVersionExpirationDays: 7,
      accessLogRetentionDays: 30,
    });
  });

  it("loads prod with protected data and longer retention", () => {
    const config = load("prod");
    expect(config.dataLake.deletionPolicy).toBe("protect");
    expect(config.dataLake.lifecycle.noncurrentVersionExpirationDays).toBe(90);
    expect(config.dataLake.lifecycle.accessLogRetentionDays).toBe(365);
    expect(config.tags).toEqual({
      Project: "mlplat",
      Environment: "prod",
      CostCenter: "ml-platform",
      Owner: "platform-team@example.com",
    });
  });

  it("loads local with the TLS-only policy off and data destroyed with the sandbox", () => {
    const config = load("local");
    expect(config.environment).toBe("local");
    expect(config.dataLake.tlsOnly).toBe(false);
    expect(config.dataLake.deletionPolicy).toBe("destroy");
  });

  it("fills the Environment tag from mlplat:environment", () => {
    expect(load("dev").tags.Environment).toBe("dev");
  });
});

describe("stack config errors", () => {
  it("reports an unknown key, a wrongly typed value and out-of-order days together", () => {
    const found = configProblems("dev", {
      "mlplat:enviroment": "dev",
      "mlplat:dataLake": lakeWith({
        lifecycle: {
          rawToInfrequentAccessDays: 60,
          rawToGlacierDays: 45,
          checkpointExpirationDays: "fourteen",
        },
      }),
    });
    expect(found).toEqual([
      'mlplat:dataLake.lifecycle.checkpointExpirationDays: got "fourteen", expected a whole number of days',
      'mlplat:enviroment: got "dev", expected no such key: known keys here are mlplat:environment, aws:region, mlplat:tags, mlplat:features, mlplat:dataLake, mlplat:network, mlplat:sagemaker, mlplat:bedrock, mlplat:lambdaInference, mlplat:eks, mlplat:glue, mlplat:athena, mlplat:pipeline, mlplat:etlTrigger, mlplat:featureStore, mlplat:spark, mlplat:gpuInstances, mlplat:relational, mlplat:trainingStorage, mlplat:redshift, mlplat:cost, mlplat:emulator; did you mean mlplat:environment?',
      "mlplat:dataLake.lifecycle.rawToGlacierDays: got 45, expected at least 90: 30 days after lifecycle.rawToInfrequentAccessDays (60), as S3 keeps objects 30 days in STANDARD_IA before moving them on",
    ]);
  });

  it("rejects unknown nested keys with a suggestion", () => {
    expect(configProblems("dev", { "mlplat:dataLake": { lifecyle: { rawToGlacierDays: 120 } } })).toEqual([
      'mlplat:dataLake.lifecyle: got {"rawToGlacierDays":120}, expected no such key: known keys here are lifecycle, tlsOnly, deletionPolicy, kmsKeyDeletionWindowDays, eventBridge; did you mean lifecycle?',
    ]);
  });

  it("points mlplat:region at aws:region", () => {
    expect(configProblems("dev", { "mlplat:region": "us-east-1" })[0]).toContain("set it as aws:region");
  });

  it("rejects STANDARD_IA before 30 days, as S3 does", () => {
    expect(
      configProblems("dev", {
        "mlplat:dataLake": lakeWith({ lifecycle: { rawToInfrequentAccessDays: 20 } }),
      }),
    ).toEqual([
      "mlplat:dataLake.lifecycle.rawToInfrequentAccessDays: got 20, expected a whole number of days from 30 to 36500",
    ]);
  });

  it("rejects fractional and zero day counts", () => {
    expect(
      configProblems("dev", {
        "mlplat:dataLake": lakeWith({
          lifecycle: { checkpointExpirationDays: 0.5, abortIncompleteMultipartUploadDays: 0 },
        }),
      }),
    ).toEqual([
      "mlplat:dataLake.lifecycle.checkpointExpirationDays: got 0.5, expected a whole number of days from 1 to 36500",
      "mlplat:dataLake.lifecycle.abortIncompleteMultipartUploadDays: got 0, expected a whole number of days from 1 to 36500",
    ]);
  });

  it("requires the four tags", () => {
    expect(configProblems("dev", { "mlplat:tags": { Project: "mlplat", Owner: "" } })).toEqual([
      "mlplat:tags.CostCenter: got nothing, expected a string (this key is required)",
      'mlplat:tags.Owner: got "", expected a non-empty string',
    ]);
  });

  it("refuses reserved aws: tag keys", () => {
    const tags = { Project: "p", CostCenter: "c", Owner: "o@example.com", "aws:team": "x" };
    expect(configProblems("dev", { "mlplat:tags": tags })).toEqual([
      'mlplat:tags.aws:team: got "x", expected a tag under a key that does not start with aws: (reserved by AWS) and has at most 128 characters',
    ]);
  });

  it("requires the environment and the region", () => {
    expect(configProblems("dev", { "mlplat:environment": undefined, "aws:region": "Seoul" })).toEqual([
      "mlplat:environment: got nothing, expected one of local, dev, staging, prod (this key is required)",
      'aws:region: got "Seoul", expected an AWS region name such as ap-northeast-2',
    ]);
  });

  it("never lets production destroy or merely retain its data", () => {
    expect(configProblems("prod", { "mlplat:dataLake": { deletionPolicy: "destroy" } })).toEqual([
      'mlplat:dataLake.deletionPolicy: got "destroy", expected "protect" in a prod environment: production data is never deleted with the stack',
    ]);
    expect(configProblems("prod", { "mlplat:dataLake": { deletionPolicy: "retain" } })).toHaveLength(1);
  });

  it("allows turning the TLS-only policy off only on emulator stacks", () => {
    expect(configProblems("dev", { "mlplat:dataLake": lakeWith({ tlsOnly: false }) })).toEqual([
      "mlplat:dataLake.tlsOnly: got false, expected true in a dev environment: only emulator (local) stacks may accept plain HTTP",
    ]);
  });

  it("rejects an Environment tag that contradicts the environment", () => {
    const tags = { Project: "p", CostCenter: "c", Owner: "o@example.com", Environment: "prod" };
    expect(configProblems("dev", { "mlplat:tags": tags })).toEqual([
      'mlplat:tags.Environment: got "prod", expected "dev", the value of mlplat:environment (or leave it out)',
    ]);
  });

  it("rejects a wrongly typed feature switch and an unknown deletion policy", () => {
    expect(
      configProblems("dev", {
        "mlplat:features": { dataLake: "yes" },
        "mlplat:dataLake": { deletionPolicy: "keep" },
      }),
    ).toEqual([
      'mlplat:features.dataLake: got "yes", expected true or false',
      'mlplat:dataLake.deletionPolicy: got "keep", expected one of protect, retain, destroy',
    ]);
  });

  it("rejects a KMS deletion window outside 7 to 30 days", () => {
    expect(configProblems("dev", { "mlplat:dataLake": { kmsKeyDeletionWindowDays: 3 } })).toEqual([
      "mlplat:dataLake.kmsKeyDeletionWindowDays: got 3, expected a whole number of days from 7 to 30",
    ]);
  });

  it("rejects a section that is not a map", () => {
    expect(configProblems("dev", { "mlplat:dataLake": "on" })).toEqual([
      'mlplat:dataLake: got "on", expected an object',
    ]);
  });
});
