import * as fs from "node:fs";
import * as path from "node:path";

import { describe, expect, it } from "vitest";

import { POLICY_PACK_DIR, readPackConfig, templatePolicyPack } from "../../scripts/cli/offline/policy-check";
import { resolvePolicies } from "../../scripts/cli/offline/policy-engine";

const pack = templatePolicyPack();
const levelsIn = (stack: string) =>
  Object.fromEntries(
    resolvePolicies(pack, readPackConfig(path.join(POLICY_PACK_DIR, "config", `${stack}.json`)), stack).map(
      (p) => [p.policy.name, p.level],
    ),
  );

describe("policy inventory", () => {
  it("pins every policy id with its level in each stack", () => {
    const M = "mandatory";
    expect({ dev: levelsIn("dev"), prod: levelsIn("prod"), local: levelsIn("local") }).toEqual({
      dev: {
        "s3-bucket-kms-encryption": M,
        "s3-bucket-public-access-block": M,
        "s3-bucket-versioning": M,
        "s3-bucket-lifecycle-rules": M,
        "s3-bucket-tls-only": M,
        "kms-key-rotation": M,
        "iam-no-wildcard-action": M,
        "iam-no-service-wildcard-on-all-resources": M,
        "iam-no-write-on-all-resources": M,
        "required-tags": "advisory",
        "stateful-resources-protected": "disabled",
        "sagemaker-endpoint-config-kms": M,
        "sagemaker-model-vpc-isolation": M,
        "sagemaker-endpoint-autoscaling": M,
        "sagemaker-training-spot-checkpoints": M,
        "sagemaker-instance-type-allowlist": M,
        "sagemaker-notebook-instance-secure": M,
        "eks-cluster-endpoint-private": M,
        "eks-cluster-secrets-encrypted": M,
        "eks-cluster-control-plane-logging": M,
        "eks-cluster-version-supported": M,
        "eks-gpu-node-group-tainted": M,
        "eks-gpu-node-group-scale-to-zero": M,
        "eks-gpu-node-group-spot": "advisory",
        "eks-node-group-instance-allowlist": M,
        "bedrock-invoke-scoped-to-models": M,
        "bedrock-invocation-logging": M,
        "lambda-function-limits": M,
        "lambda-reserved-concurrency": M,
        "lambda-failure-destination": M,
        "lambda-tracing-active": M,
        "lambda-function-url-auth": M,
      },
      prod: {
        "s3-bucket-kms-encryption": M,
        "s3-bucket-public-access-block": M,
        "s3-bucket-versioning": M,
        "s3-bucket-lifecycle-rules": M,
        "s3-bucket-tls-only": M,
        "kms-key-rotation": M,
        "iam-no-wildcard-action": M,
        "iam-no-service-wildcard-on-all-resources": M,
        "iam-no-write-on-all-resources": M,
        "required-tags": M,
        "stateful-resources-protected": M,
        "sagemaker-endpoint-config-kms": M,
        "sagemaker-model-vpc-isolation": M,
        "sagemaker-endpoint-autoscaling": M,
        "sagemaker-training-spot-checkpoints": "advisory",
        "sagemaker-instance-type-allowlist": M,
        "sagemaker-notebook-instance-secure": M,
        "eks-cluster-endpoint-private": M,
        "eks-cluster-secrets-encrypted": M,
        "eks-cluster-control-plane-logging": M,
        "eks-cluster-version-supported": M,
        "eks-gpu-node-group-tainted": M,
        "eks-gpu-node-group-scale-to-zero": "advisory",
        "eks-gpu-node-group-spot": "advisory",
        "eks-node-group-instance-allowlist": M,
        "bedrock-invoke-scoped-to-models": M,
        "bedrock-invocation-logging": M,
        "lambda-function-limits": M,
        "lambda-reserved-concurrency": M,
        "lambda-failure-destination": M,
        "lambda-tracing-active": M,
        "lambda-function-url-auth": M,
      },
      local: {
        "s3-bucket-kms-encryption": M,
        "s3-bucket-public-access-block": M,
        "s3-bucket-versioning": M,
        "s3-bucket-lifecycle-rules": M,
        "s3-bucket-tls-only": M,
        "kms-key-rotation": M,
        "iam-no-wildcard-action": M,
        "iam-no-service-wildcard-on-all-resources": M,
        "iam-no-write-on-all-resources": M,
        "required-tags": "advisory",
        "stateful-resources-protected": "disabled",
        "sagemaker-endpoint-config-kms": M,
        "sagemaker-model-vpc-isolation": M,
        "sagemaker-endpoint-autoscaling": M,
        "sagemaker-training-spot-checkpoints": M,
        "sagemaker-instance-type-allowlist": M,
        "sagemaker-notebook-instance-secure": M,
        "eks-cluster-endpoint-private": M,
        "eks-cluster-secrets-encrypted": M,
        "eks-cluster-control-plane-logging": M,
        "eks-cluster-version-supported": M,
        "eks-gpu-node-group-tainted": M,
        "eks-gpu-node-group-scale-to-zero": M,
        "eks-gpu-node-group-spot": "advisory",
        "eks-node-group-instance-allowlist": M,
        "bedrock-invoke-scoped-to-models": M,
        "bedrock-invocation-logging": M,
        "lambda-function-limits": M,
        "lambda-reserved-concurrency": M,
        "lambda-failure-destination": M,
        "lambda-tracing-active": M,
        "lambda-function-url-auth": M,
      },
    });
  });

  it("has a pack config for every stack file, and only for them", () => {
    const stacks = (dir: string, re: RegExp) =>
      fs
        .readdirSync(dir)
        .map((f) => re.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
    expect(stacks(path.join(POLICY_PACK_DIR, "config"), /^(.+)\.json$/)).toEqual(
      stacks(path.join(POLICY_PACK_DIR, ".."), /^Pulumi\.(.+)\.yaml$/),
    );
  });

  it("gives each policy a kebab-case id, one-sentence description, severity and remediation", () => {
    for (const p of pack.policies) {
      expect(p.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(p.description).toMatch(/^[A-Z][^.]*(\.[^ .][^.]*)*\.$/);
      expect(p.severity).toMatch(/^(low|medium|high|critical)$/);
      expect(p.remediationSteps?.length).toBeGreaterThan(20);
    }
  });

  it("grants an exception only with an id and a written reason (local's TLS exception)", () => {
    const local = resolvePolicies(
      pack,
      readPackConfig(path.join(POLICY_PACK_DIR, "config", "local.json")),
      "local",
    );
    const exceptions = local.flatMap((p) =>
      (p.config.exceptions as { id: string }[]).map((e) => ({ policy: p.policy.name, ...e })),
    );
    expect(exceptions).toEqual([
      {
        policy: "s3-bucket-tls-only",
        id: "LOCAL-TLS-1",
        resource: "mlplat-local-lake-*",
        reason: expect.stringContaining(
          "moto, which enforces bucket policies without their conditions",
        ) as string,
      },
    ]);
  });
});
