import { describe, expect, it } from "vitest";

import { policyProxy } from "../../policies/lib/unknown";
import { declared, evaluateOne, messagesOf, T, TAGS } from "./helpers";

const policy = "kms-key-rotation";
const key = (inputs: Record<string, unknown>) => [declared(T.key, "lake-key", { tags: TAGS, ...inputs })];

describe("kms-key-rotation", () => {
  it("passes a symmetric key with rotation on, yearly by default", async () => {
    expect(await messagesOf(policy, key({ enableKeyRotation: true }))).toEqual([]);
    expect(await messagesOf(policy, key({ enableKeyRotation: true, rotationPeriodInDays: 365 }))).toEqual([]);
  });

  it("fails a key without rotation", async () => {
    expect(await messagesOf(policy, key({}))).toEqual([
      `KMS key "lake-key" does not rotate: set enableKeyRotation to true`,
    ]);
    expect(await messagesOf(policy, key({ enableKeyRotation: false }))).toEqual([
      `KMS key "lake-key" does not rotate: set enableKeyRotation to true`,
    ]);
  });

  it("fails a rotation period beyond maxRotationPeriodDays, which the pack config can raise", async () => {
    const slow = key({ enableKeyRotation: true, rotationPeriodInDays: 730 });
    expect(await messagesOf(policy, slow)).toEqual([
      `KMS key "lake-key" rotates every 730 days, longer than the 365 allowed`,
    ]);
    expect(await messagesOf(policy, slow, { maxRotationPeriodDays: 730 })).toEqual([]);
  });

  it("is not applicable to asymmetric keys and to other types", async () => {
    const { violations, notApplicable } = await evaluateOne(policy, [
      ...key({ customerMasterKeySpec: "RSA_3072" }),
      declared(T.bucket, "b", {}),
    ]);
    expect(violations).toEqual([]);
    expect(notApplicable).toEqual({ [policy]: 2 });
  });

  it("is reported as not run (advisory, on the key) when rotation is unknown during preview", async () => {
    const { violations } = await evaluateOne(
      policy,
      key({ enableKeyRotation: policyProxy.unknownStringValue }),
    );
    expect(violations).toEqual([
      {
        policy,
        level: "advisory",
        urn: "urn:pulumi:test::fx::aws:kms/key:Key::lake-key",
        type: T.key,
        name: "lake-key",
        message:
          "can't run policy 'kms-key-rotation' from policy pack 'mlplat-guardrails@v0.1.0' during preview: string value at .enableKeyRotation can't be known during preview",
      },
    ]);
  });
});
