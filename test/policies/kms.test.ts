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

const ADMIN = {
  Sid: "AccountAdministersKey",
  Effect: "Allow",
  Principal: { AWS: "arn:aws:iam::123456789012:root" },
  Action: "kms:*",
  Resource: "*",
};
const doc = (...statements: Record<string, unknown>[]) =>
  JSON.stringify({ Version: "2012-10-17", Statement: statements });
const KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy";

describe("kms-key-enabled", () => {
  const policy = "kms-key-enabled";

  it("passes a key left enabled, or enabled explicitly", async () => {
    expect(await messagesOf(policy, key({ enableKeyRotation: true }))).toEqual([]);
    expect(await messagesOf(policy, key({ enableKeyRotation: true, isEnabled: true }))).toEqual([]);
  });

  it("fails a disabled key", async () => {
    expect(await messagesOf(policy, key({ isEnabled: false }))).toEqual([
      'KMS key "lake-key" has isEnabled false: nothing can encrypt or decrypt with it; enable it',
    ]);
  });

  it("is not applicable to other types, and is not run while isEnabled is unknown", async () => {
    const { notApplicable } = await evaluateOne(policy, [declared(T.bucket, "b", {})]);
    expect(notApplicable).toEqual({ [policy]: 1 });
    const { violations } = await evaluateOne(policy, key({ isEnabled: policyProxy.unknownStringValue }));
    expect(violations.map((v) => v.level)).toEqual(["advisory"]);
  });
});

describe("kms-key-policy-no-wildcard-principal", () => {
  const policy = "kms-key-policy-no-wildcard-principal";
  const message = (what: string, statement: string) =>
    `${what} policy ${statement} allows principal "*" without a condition: any AWS account can use the key; name the principals or add a condition`;

  it("passes named principals, and a * principal limited by a condition, as a string or an object", async () => {
    const conditioned = {
      Sid: "OrgUses",
      Effect: "Allow",
      Principal: "*",
      Action: ["kms:Decrypt"],
      Resource: "*",
      Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } },
    };
    expect(await messagesOf(policy, key({ policy: doc(ADMIN, conditioned) }))).toEqual([]);
    expect(
      await messagesOf(policy, key({ policy: { Version: "2012-10-17", Statement: [ADMIN, conditioned] } })),
    ).toEqual([]);
    const deny = { Effect: "Deny", Principal: "*", Action: "kms:*", Resource: "*" };
    expect(await messagesOf(policy, key({ policy: doc(ADMIN, deny) }))).toEqual([]);
  });

  it("fails each form of * in an Allow without a condition, on the key and on a separate key policy", async () => {
    for (const principal of ["*", { AWS: "*" }, { AWS: ["arn:aws:iam::123456789012:root", "*"] }]) {
      const open = { Sid: "Open", Effect: "Allow", Principal: principal, Action: "kms:*", Resource: "*" };
      expect(await messagesOf(policy, key({ policy: doc(ADMIN, open) }))).toEqual([
        message('KMS key "lake-key"', 'statement "Open"'),
      ]);
    }
    const separate = declared(KEY_POLICY, "lake-key-policy", {
      keyId: "lake-key-id",
      policy: doc(ADMIN, { Effect: "Allow", Principal: { AWS: "*" }, Action: "kms:Decrypt", Resource: "*" }),
    });
    expect(await messagesOf(policy, [separate])).toEqual([
      message('KMS key policy "lake-key-policy"', "statement 2"),
    ]);
  });

  it("fails a policy that cannot be read", async () => {
    expect(await messagesOf(policy, key({ policy: "{not json" }))).toEqual([
      'KMS key "lake-key" has a policy that cannot be read (not valid JSON: {not json): it cannot be checked',
    ]);
  });

  it("is not applicable to keys with the default policy, and is not run while the policy is unknown", async () => {
    const { violations, notApplicable } = await evaluateOne(policy, key({ enableKeyRotation: true }));
    expect(violations).toEqual([]);
    expect(notApplicable).toEqual({ [policy]: 1 });
    const unknown = await evaluateOne(policy, key({ policy: policyProxy.unknownStringValue }));
    expect(unknown.violations.map((v) => v.level)).toEqual(["advisory"]);
  });
});

describe("kms-key-policy-defined", () => {
  const policy = "kms-key-policy-defined";

  it("passes a key with its policy, or with a separate key policy naming it, or an unknown one", async () => {
    expect(await messagesOf(policy, key({ policy: doc(ADMIN) }))).toEqual([]);
    const separate = declared(
      KEY_POLICY,
      "lake-key-policy",
      { keyId: "lake-key-id", policy: doc(ADMIN) },
      { propertyDependencies: { keyId: ["urn:pulumi:test::fx::aws:kms/key:Key::lake-key"] } },
    );
    expect(await messagesOf(policy, [...key({}), separate])).toEqual([]);
    expect(await messagesOf(policy, key({ policy: policyProxy.unknownStringValue }))).toEqual([]);
  });

  it("advises writing the policy of a key that has the default one", async () => {
    const { violations } = await evaluateOne(policy, key({ enableKeyRotation: true }));
    expect(violations.map((v) => [v.level, v.message])).toEqual([
      [
        "advisory",
        'KMS key "lake-key" has no key policy (policy is not set and no aws.kms.KeyPolicy names it): KMS applies its default policy; write the key\'s policy in the program',
      ],
    ]);
  });

  it("is not applicable to a stack without keys", async () => {
    const { notApplicable } = await evaluateOne(policy, [declared(T.bucket, "b", {})]);
    expect(notApplicable).toEqual({ [policy]: 1 });
  });
});
