import { describe, expect, it } from "vitest";

import { emrSecurityConfiguration } from "../../policies/emr/security-configuration";
import { emrServerlessAutoStop } from "../../policies/emr/serverless-auto-stop";
import { policyProxy } from "../../policies/lib/unknown";
import { templatePolicyPack } from "../../scripts/cli/offline/policy-check";
import {
  evaluatePolicies,
  resolvePolicies,
  type PackConfig,
  type PolicyEvaluation,
} from "../../scripts/cli/offline/policy-engine";
import type { DeclaredResource } from "../../scripts/cli/offline/runner";
import { changed, declared, runOf, TAGS } from "./helpers";

const UNKNOWN_STRING = policyProxy.unknownStringValue;

const APPLICATION = "aws:emrserverless/application:Application";
const CLUSTER = "aws:emr/cluster:Cluster";
const SECURITY_CONFIGURATION = "aws:emr/securityConfiguration:SecurityConfiguration";
const KEY = "aws:kms/key:Key";

const KEY_ARN = "arn:aws:kms:ap-northeast-2:123456789012:key/lake-key-id";

/** The EMR policies, evaluated with the pack's engine. */
const EMR_POLICIES = [emrServerlessAutoStop, emrSecurityConfiguration];

async function evaluate(
  policy: string,
  resources: readonly DeclaredResource[],
  config?: PackConfig[string],
): Promise<PolicyEvaluation> {
  const pack = { ...templatePolicyPack(), policies: EMR_POLICIES.filter((p) => p.name === policy) };
  if (pack.policies.length !== 1) throw new Error(`no EMR policy ${policy}`);
  const resolved = resolvePolicies(pack, config === undefined ? {} : { [policy]: config }, "test");
  return evaluatePolicies(runOf(resources), pack, resolved);
}

async function messagesOf(
  policy: string,
  resources: readonly DeclaredResource[],
  config?: PackConfig[string],
): Promise<string[]> {
  return (await evaluate(policy, resources, config)).violations.map((v) => v.message);
}

const key = declared(KEY, "lake-key", { enableKeyRotation: true, tags: TAGS });

/** The Spark application as the SparkProcessing component declares it. */
function serverless(): DeclaredResource[] {
  return [
    key,
    declared(APPLICATION, "spark-app", {
      name: "spark",
      type: "spark",
      releaseLabel: "emr-7.12.0",
      autoStartConfiguration: { enabled: true },
      autoStopConfiguration: { enabled: true, idleTimeoutMinutes: 15 },
      maximumCapacity: { cpu: "16 vCPU", memory: "64 GB", disk: "400 GB" },
      tags: TAGS,
    }),
  ];
}

const SECURITY_DOCUMENT = {
  EncryptionConfiguration: {
    EnableAtRestEncryption: true,
    EnableInTransitEncryption: true,
    AtRestEncryptionConfiguration: {
      S3EncryptionConfiguration: { EncryptionMode: "SSE-KMS", AwsKmsKey: KEY_ARN },
      LocalDiskEncryptionConfiguration: { EncryptionKeyProviderType: "AwsKms", AwsKmsKey: KEY_ARN },
    },
    InTransitEncryptionConfiguration: {
      TLSCertificateConfiguration: { CertificateProviderType: "PEM", S3Object: "s3://certs/emr.zip" },
    },
  },
};

/** An EMR on EC2 cluster under the security configuration the component declares. */
function onEc2(document: unknown = SECURITY_DOCUMENT): DeclaredResource[] {
  const config = declared(SECURITY_CONFIGURATION, "spark-ec2-security", {
    name: "spark-ec2-security",
    configuration: JSON.stringify(document),
  });
  const cluster = declared(
    CLUSTER,
    "etl-cluster",
    { releaseLabel: "emr-7.12.0", securityConfiguration: "spark-ec2-security", tags: TAGS },
    { propertyDependencies: { securityConfiguration: [config.urn] }, dependencies: [config.urn] },
  );
  return [key, config, cluster];
}

describe("EMR policies", () => {
  it("have kebab-case ids, one-sentence descriptions, a severity, remediation and a mandatory default", () => {
    expect(EMR_POLICIES.map((p) => [p.name, p.severity, p.enforcementLevel])).toEqual([
      ["emr-serverless-auto-stop", "medium", "mandatory"],
      ["emr-security-configuration", "high", "mandatory"],
    ]);
    for (const p of EMR_POLICIES) {
      expect(p.description).toMatch(/^[A-Z][^.]*(\.[^ .][^.]*)*\.$/);
      expect(p.remediationSteps?.length).toBeGreaterThan(20);
    }
  });

  it("pass what the component declares, and an EMR on EC2 cluster under its security configuration", async () => {
    expect(await messagesOf("emr-serverless-auto-stop", serverless())).toEqual([]);
    expect(await messagesOf("emr-security-configuration", onEc2())).toEqual([]);
  });

  it("are not applicable to a stack without EMR", async () => {
    for (const policy of EMR_POLICIES.map((p) => p.name)) {
      const { violations, notApplicable } = await evaluate(policy, [key]);
      expect(violations).toEqual([]);
      expect(notApplicable[policy], policy).toBe(1);
    }
  });
});

describe("emr-serverless-auto-stop", () => {
  const policy = "emr-serverless-auto-stop";

  it("fails an application without auto-stop, or with it turned off", async () => {
    expect(
      await messagesOf(policy, changed(serverless(), "spark-app", { autoStopConfiguration: undefined })),
    ).toEqual([
      'EMR Serverless application "spark-app" does not declare autoStopConfiguration: set it to { enabled: true, idleTimeoutMinutes: 15 } (at most 60)',
    ]);
    expect(
      await messagesOf(
        policy,
        changed(serverless(), "spark-app", { autoStopConfiguration: { enabled: false } }),
      ),
    ).toEqual([
      'EMR Serverless application "spark-app" turns auto-stop off: a started application bills until it is stopped by hand; set autoStopConfiguration.enabled to true',
    ]);
  });

  it("fails an idle timeout above the stack's maximum, which the pack config sets", async () => {
    const slow = changed(serverless(), "spark-app", {
      autoStopConfiguration: { enabled: true, idleTimeoutMinutes: 120 },
    });
    expect(await messagesOf(policy, slow)).toEqual([
      'EMR Serverless application "spark-app" stops after 120 idle minutes, above this stack\'s maximum of 60 (maxIdleTimeoutMinutes)',
    ]);
    expect(await messagesOf(policy, slow, { maxIdleTimeoutMinutes: 120 })).toEqual([]);
    expect(await messagesOf(policy, serverless(), { maxIdleTimeoutMinutes: 10 })).toEqual([
      'EMR Serverless application "spark-app" stops after 15 idle minutes, above this stack\'s maximum of 10 (maxIdleTimeoutMinutes)',
    ]);
  });

  it("takes AWS's 15 minutes when auto-stop is enabled without a timeout", async () => {
    const enabledOnly = changed(serverless(), "spark-app", { autoStopConfiguration: { enabled: true } });
    expect(await messagesOf(policy, enabledOnly)).toEqual([]);
    expect(await messagesOf(policy, enabledOnly, { maxIdleTimeoutMinutes: 5 })).toEqual([
      'EMR Serverless application "spark-app" stops after 15 idle minutes, above this stack\'s maximum of 5 (maxIdleTimeoutMinutes)',
    ]);
  });
});

describe("emr-security-configuration", () => {
  const policy = "emr-security-configuration";

  it("fails a cluster without a security configuration", async () => {
    const none = changed(
      onEc2(),
      "etl-cluster",
      { securityConfiguration: undefined },
      { propertyDependencies: {} },
    );
    expect(await messagesOf(policy, none)).toEqual([
      'EMR cluster "etl-cluster" has no securityConfiguration: give it one that enables at-rest and in-transit encryption',
    ]);
  });

  it("fails a security configuration that leaves at-rest or in-transit encryption off", async () => {
    const noTransit = {
      EncryptionConfiguration: {
        ...SECURITY_DOCUMENT.EncryptionConfiguration,
        EnableInTransitEncryption: false,
      },
    };
    expect(await messagesOf(policy, onEc2(noTransit))).toEqual([
      'EMR security configuration "spark-ec2-security" does not enable in-transit encryption (EncryptionConfiguration.EnableInTransitEncryption): set it to true with a TLS certificate provider',
    ]);
    expect(await messagesOf(policy, onEc2({ EncryptionConfiguration: {} }))).toEqual([
      'EMR security configuration "spark-ec2-security" does not enable at-rest encryption (EncryptionConfiguration.EnableAtRestEncryption): set it to true with S3 SSE-KMS and local disk KMS encryption',
      'EMR security configuration "spark-ec2-security" does not enable in-transit encryption (EncryptionConfiguration.EnableInTransitEncryption): set it to true with a TLS certificate provider',
    ]);
  });

  it("fails a configuration that is not a JSON object", async () => {
    const broken = changed(onEc2(), "spark-ec2-security", { configuration: "{not json" });
    expect(await messagesOf(policy, broken)).toEqual([
      'EMR security configuration "spark-ec2-security" has a configuration that is not a JSON object: it enables no encryption',
    ]);
  });

  it("reports an advisory 'can't run' note when the configuration is unknown during preview", async () => {
    const unknown = changed(onEc2(), "spark-ec2-security", { configuration: UNKNOWN_STRING });
    const { violations } = await evaluate(policy, unknown);
    expect(violations.map((v) => [v.level, v.message])).toEqual([
      [
        "advisory",
        "can't run policy 'emr-security-configuration' from policy pack 'mlplat-guardrails@v0.1.0' during preview: string value at .configuration can't be known during preview",
      ],
    ]);
  });
});
