import { describe, expect, it } from "vitest";

import { dynamodbKms } from "../../policies/dynamodb/kms";
import { dynamodbPitr } from "../../policies/dynamodb/pitr";
import { policyProxy } from "../../policies/lib/unknown";
import { templatePolicyPack } from "../../scripts/cli/offline/policy-check";
import {
  evaluatePolicies,
  resolvePolicies,
  type PackConfig,
  type PolicyEvaluation,
} from "../../scripts/cli/offline/policy-engine";
import type { DeclaredResource } from "../../scripts/cli/offline/runner";
import { changed, declared, runOf, T, TAGS } from "./helpers";

const UNKNOWN_STRING = policyProxy.unknownStringValue;

const KEY_ARN = "arn:aws:kms:ap-northeast-2:123456789012:key/fs-key-id";
const PACK_NAME = "mlplat-guardrails@v0.1.0";

/** The DynamoDB policies, evaluated with the pack's engine (the pack's name and version, these policies). */
const DYNAMODB_POLICIES = [dynamodbPitr, dynamodbKms];

async function evaluate(
  policy: string,
  resources: readonly DeclaredResource[],
  config?: PackConfig[string],
): Promise<PolicyEvaluation> {
  const pack = { ...templatePolicyPack(), policies: DYNAMODB_POLICIES.filter((p) => p.name === policy) };
  if (pack.policies.length !== 1) throw new Error(`no DynamoDB policy ${policy}`);
  const resolved = resolvePolicies(pack, config === undefined ? {} : { [policy]: config }, "test");
  return evaluatePolicies(runOf(resources), pack, resolved);
}

async function messagesOf(policy: string, resources: readonly DeclaredResource[]): Promise<string[]> {
  return (await evaluate(policy, resources)).violations.map((v) => v.message);
}

const key = declared(T.key, "fs-key", { enableKeyRotation: true, tags: TAGS }, { protect: true });

/** A features table as the FeatureStore component declares it: on-demand, CMK, PITR, TTL, protected. */
function store(): DeclaredResource[] {
  const table = declared(
    T.table,
    "fs-features",
    {
      name: "fs-features",
      billingMode: "PAY_PER_REQUEST",
      hashKey: "entityId",
      rangeKey: "featureKey",
      attributes: [
        { name: "entityId", type: "S" },
        { name: "featureKey", type: "S" },
      ],
      ttl: { attributeName: "expiresAt", enabled: true },
      pointInTimeRecovery: { enabled: true, recoveryPeriodInDays: 35 },
      serverSideEncryption: { enabled: true, kmsKeyArn: KEY_ARN },
      deletionProtectionEnabled: true,
      tags: TAGS,
    },
    {
      protect: true,
      dependencies: [key.urn],
      propertyDependencies: { serverSideEncryption: [key.urn] },
    },
  );
  return [key, table];
}

describe("DynamoDB policies", () => {
  it("pass the tables the FeatureStore component declares", async () => {
    for (const policy of DYNAMODB_POLICIES.map((p) => p.name)) {
      expect(await messagesOf(policy, store()), policy).toEqual([]);
    }
  });

  it("are not applicable to other resource types", async () => {
    for (const policy of DYNAMODB_POLICIES.map((p) => p.name)) {
      const { violations, notApplicable } = await evaluate(policy, [key]);
      expect(violations).toEqual([]);
      expect(notApplicable[policy], policy).toBe(1);
    }
  });

  it("are mandatory unless the pack config says otherwise", () => {
    expect(DYNAMODB_POLICIES.map((p) => [p.name, p.enforcementLevel])).toEqual([
      ["dynamodb-pitr", "mandatory"],
      ["dynamodb-kms", "mandatory"],
    ]);
  });
});

describe("dynamodb-pitr", () => {
  const policy = "dynamodb-pitr";
  const expected =
    'DynamoDB table "fs-features" has no point-in-time recovery: set pointInTimeRecovery.enabled to true, so that it can be restored to any second of its recovery period';

  it("fails a table without the pointInTimeRecovery block (DynamoDB's default is off)", async () => {
    expect(
      await messagesOf(policy, changed(store(), "fs-features", { pointInTimeRecovery: undefined })),
    ).toEqual([expected]);
  });

  it("fails a table with point-in-time recovery disabled", async () => {
    expect(
      await messagesOf(policy, changed(store(), "fs-features", { pointInTimeRecovery: { enabled: false } })),
    ).toEqual([expected]);
  });

  it("fails each replica of a global table without point-in-time recovery, naming its region", async () => {
    const global = changed(store(), "fs-features", {
      replicas: [
        { regionName: "us-east-1", pointInTimeRecovery: true, kmsKeyArn: "arn:aws:kms:us-east-1:1:key/k" },
        { regionName: "eu-west-1", kmsKeyArn: "arn:aws:kms:eu-west-1:1:key/k" },
      ],
    });
    expect(await messagesOf(policy, global)).toEqual([
      'DynamoDB table "fs-features" has a replica in "eu-west-1" without point-in-time recovery: set pointInTimeRecovery to true on the replica',
    ]);
  });

  it("reports an advisory 'can't run' note when the setting is unknown during preview", async () => {
    const unknown = changed(store(), "fs-features", { pointInTimeRecovery: { enabled: UNKNOWN_STRING } });
    const { violations } = await evaluate(policy, unknown);
    expect(violations.map((v) => [v.level, v.message])).toEqual([
      [
        "advisory",
        `can't run policy 'dynamodb-pitr' from policy pack '${PACK_NAME}' during preview: string value at .pointInTimeRecovery.enabled can't be known during preview`,
      ],
    ]);
  });

  it("honours a written exception", async () => {
    const off = changed(store(), "fs-features", { pointInTimeRecovery: undefined });
    const { violations } = await evaluate(policy, off, {
      exceptions: [{ id: "FS-1", resource: "fs-*", reason: "a scratch table rebuilt from the lake nightly" }],
    });
    expect(violations).toEqual([]);
  });
});

describe("dynamodb-kms", () => {
  const policy = "dynamodb-kms";

  it("fails a table with no serverSideEncryption block, or encryption not enabled (an AWS-owned key)", async () => {
    const expected =
      'DynamoDB table "fs-features" is encrypted with an AWS-owned key (serverSideEncryption not enabled): set serverSideEncryption.enabled to true and kmsKeyArn to a customer-managed KMS key';
    expect(
      await messagesOf(policy, changed(store(), "fs-features", { serverSideEncryption: undefined })),
    ).toEqual([expected]);
    expect(
      await messagesOf(policy, changed(store(), "fs-features", { serverSideEncryption: { enabled: false } })),
    ).toEqual([expected]);
  });

  it("fails encryption without a kmsKeyArn (the AWS-managed key)", async () => {
    expect(
      await messagesOf(policy, changed(store(), "fs-features", { serverSideEncryption: { enabled: true } })),
    ).toEqual([
      'DynamoDB table "fs-features" is encrypted with the AWS-managed key aws/dynamodb (no kmsKeyArn): set serverSideEncryption.kmsKeyArn to a customer-managed KMS key',
    ]);
  });

  it("fails AWS's own key named by alias", async () => {
    const alias = "arn:aws:kms:ap-northeast-2:123456789012:alias/aws/dynamodb";
    expect(
      await messagesOf(
        policy,
        changed(store(), "fs-features", { serverSideEncryption: { enabled: true, kmsKeyArn: alias } }),
      ),
    ).toEqual([
      `DynamoDB table "fs-features" is encrypted with AWS's own key "${alias}": set serverSideEncryption.kmsKeyArn to a customer-managed KMS key`,
    ]);
  });

  it("fails a replica without a key of its own, naming its region", async () => {
    const global = changed(store(), "fs-features", {
      replicas: [
        { regionName: "us-east-1", pointInTimeRecovery: true, kmsKeyArn: "arn:aws:kms:us-east-1:1:key/k" },
        { regionName: "eu-west-1", pointInTimeRecovery: true },
      ],
    });
    expect(await messagesOf(policy, global)).toEqual([
      'DynamoDB table "fs-features" has a replica in "eu-west-1" encrypted with the AWS-managed key aws/dynamodb (no kmsKeyArn): set kmsKeyArn on the replica to a customer-managed KMS key in its region',
    ]);
  });

  it("passes a key ARN unknown during preview: only a resource of the stack makes one", async () => {
    const unknown = changed(store(), "fs-features", {
      serverSideEncryption: { enabled: true, kmsKeyArn: UNKNOWN_STRING },
    });
    expect(await messagesOf(policy, unknown)).toEqual([]);
  });

  it("reports an advisory 'can't run' note when enabled is unknown during preview", async () => {
    const unknown = changed(store(), "fs-features", {
      serverSideEncryption: { enabled: UNKNOWN_STRING, kmsKeyArn: KEY_ARN },
    });
    const { violations } = await evaluate(policy, unknown);
    expect(violations.map((v) => [v.level, v.message])).toEqual([
      [
        "advisory",
        `can't run policy 'dynamodb-kms' from policy pack '${PACK_NAME}' during preview: string value at .serverSideEncryption.enabled can't be known during preview`,
      ],
    ]);
  });
});
