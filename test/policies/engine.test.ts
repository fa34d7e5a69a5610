import type { PolicyPackConfig, StackValidationPolicy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";

import { templatePolicyPack } from "../../scripts/cli/offline/policy-check";
import {
  evaluatePolicies,
  PolicyConfigError,
  resolvePolicies,
  type PolicyPackDefinition,
} from "../../scripts/cli/offline/policy-engine";
import { compliantLake, declared, runOf, T, without } from "./helpers";

const pack = templatePolicyPack();
const levels = (config: PolicyPackConfig) =>
  Object.fromEntries(resolvePolicies(pack, config, "test").map((p) => [p.policy.name, p.level]));

describe("enforcement levels", () => {
  it("keeps each policy's own level without pack config", () => {
    expect(levels({})).toMatchObject({ "s3-bucket-tls-only": "mandatory", "required-tags": "advisory" });
  });

  it("lets a policy's pack config entry override `all`, and `all` override the policy's own level", () => {
    const resolved = levels({
      all: "advisory",
      "kms-key-rotation": { enforcementLevel: "disabled" },
      "required-tags": "mandatory",
    });
    expect(resolved["s3-bucket-tls-only"]).toBe("advisory");
    expect(resolved["kms-key-rotation"]).toBe("disabled");
    expect(resolved["required-tags"]).toBe("mandatory");
  });

  it("skips disabled policies and reports remediate as mandatory", async () => {
    const lake = without(compliantLake(), "lake-data-policy");
    // The fixture is a lake, not a whole stack: its missing budget is not what this test is about.
    const run = async (config: PolicyPackConfig) =>
      (
        await evaluatePolicies(
          runOf(lake),
          pack,
          resolvePolicies(pack, { "cost-budget-exists": "disabled", ...config }, "test"),
        )
      ).violations.map((v) => `${v.policy}:${v.level}`);
    expect(await run({ "s3-bucket-tls-only": "disabled" })).toEqual([]);
    expect(await run({ "s3-bucket-tls-only": "remediate" })).toEqual(["s3-bucket-tls-only:mandatory"]);
    expect(await run({ "s3-bucket-tls-only": "advisory" })).toEqual(["s3-bucket-tls-only:advisory"]);
  });
});

describe("policy config", () => {
  it("gives every policy its configSchema defaults", () => {
    const resolved = resolvePolicies(pack, {}, "test");
    const config = Object.fromEntries(resolved.map((p) => [p.policy.name, p.config]));
    expect(config["kms-key-rotation"]).toEqual({ maxRotationPeriodDays: 365, exceptions: [] });
    expect(config["required-tags"]).toEqual({
      requiredTags: ["Project", "Environment", "CostCenter", "Owner"],
      exceptions: [],
    });
  });

  it("reports every problem at once: unknown policy, bad level, wrong type, unknown property", () => {
    const bad = {
      "no-such-policy": "mandatory",
      "kms-key-rotation": { enforcementLevel: "strict", maxRotationPeriodDays: "yearly" },
      "required-tags": { requiredTag: ["Owner"] },
    } as unknown as PolicyPackConfig;
    let error: unknown;
    try {
      resolvePolicies(pack, bad, "policies/config/qa.json");
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PolicyConfigError);
    expect((error as PolicyConfigError).problems).toEqual([
      expect.stringMatching(
        /^no-such-policy: got a policy this pack does not have; its policies are s3-bucket-kms-encryption, /,
      ) as string,
      'kms-key-rotation.enforcementLevel: got "strict", expected one of advisory, mandatory, remediate, disabled',
      'kms-key-rotation.maxRotationPeriodDays: got "yearly", expected number',
      "required-tags: got the properties requiredTag, expected only requiredTags, exceptions",
    ]);
    expect((error as Error).message).toMatch(
      /^policies\/config\/qa\.json: invalid policy pack config: 4 problems\n {2}- no-such-policy/,
    );
  });

  it("rejects an exception without an id or a reason", () => {
    expect(() =>
      resolvePolicies(
        pack,
        { "s3-bucket-tls-only": { exceptions: [{ resource: "lake-*", reason: "" }] } },
        "test",
      ),
    ).toThrow(PolicyConfigError);
  });
});

describe("exceptions", () => {
  it("drop the violations of the resources they name, by name glob or URN, and no others", async () => {
    const lake = without(without(compliantLake(), "lake-data-policy"), "lake-logs-policy");
    const run = async (resource: string) =>
      (
        await evaluatePolicies(
          runOf(lake),
          pack,
          resolvePolicies(
            pack,
            {
              "s3-bucket-tls-only": {
                exceptions: [{ id: "EXC-1", resource, reason: "accepted for this test" }],
              },
              // The fixture is a lake, not a whole stack: its missing budget is not what this test is about.
              "cost-budget-exists": "disabled",
            },
            "test",
          ),
        )
      ).violations.map((v) => v.name);
    expect(await run("lake-*")).toEqual([]);
    expect(await run("lake-data")).toEqual(["lake-logs"]);
    expect(await run("urn:pulumi:test::fx::aws:s3/bucket:Bucket::lake-logs")).toEqual(["lake-data"]);
  });
});

describe("evaluation semantics", () => {
  const custom = (validateStack: StackValidationPolicy["validateStack"]): PolicyPackDefinition => ({
    name: "custom",
    version: "1.0.0",
    policies: [
      { name: "custom-stack", description: "A test policy.", enforcementLevel: "mandatory", validateStack },
    ],
  });

  it("attributes a stack violation without a URN to the stack", async () => {
    const p = custom((_args, report) => {
      report("the stack as a whole");
    });
    const { violations } = await evaluatePolicies(runOf([]), p, resolvePolicies(p, {}, "test"));
    expect(violations).toEqual([
      {
        policy: "custom-stack",
        level: "mandatory",
        urn: "urn:pulumi:test::fx::pulumi:pulumi:Stack::fx-test",
        type: "pulumi:pulumi:Stack",
        name: "fx-test",
        message: "the stack as a whole",
      },
    ]);
  });

  it("links parents, dependencies and property dependencies for stack policies", async () => {
    const seen: string[] = [];
    const p = custom((args) => {
      for (const r of args.resources) {
        seen.push(
          `${r.name}<-${Object.entries(r.propertyDependencies)
            .map(([k, deps]) => `${k}:${deps.map((d) => d.name).join("+")}`)
            .join(",")}`,
        );
      }
    });
    const bucket = declared(T.bucket, "b", {});
    const versioning = declared(
      T.versioning,
      "v",
      { bucket: "b" },
      { dependencies: [bucket.urn], propertyDependencies: { bucket: [bucket.urn] } },
    );
    await evaluatePolicies(runOf([bucket, versioning]), p, resolvePolicies(p, {}, "test"));
    expect(seen).toEqual(["b<-", "v<-bucket:b"]);
  });

  it("turns an error thrown by a policy into a failure that names the policy", async () => {
    const p = custom(() => {
      throw new Error("boom");
    });
    await expect(evaluatePolicies(runOf([]), p, resolvePolicies(p, {}, "test"))).rejects.toThrow(
      "policy 'custom-stack' from policy pack 'custom@v1.0.0' failed: boom",
    );
  });

  it("reads a secret input (a placeholder offline) as unknown: the policy is noted as not run", async () => {
    const secretPolicy = declared(T.rolePolicy, "rp", { role: "r", policy: "[secret]" });
    const iam = resolvePolicies(pack, {}, "test").filter((p) => p.policy.name.startsWith("iam-"));
    const { violations } = await evaluatePolicies(runOf([secretPolicy]), pack, iam);
    expect(violations.map((v) => [v.policy, v.level, v.name, v.message])).toEqual(
      [
        "iam-no-wildcard-action",
        "iam-no-service-wildcard-on-all-resources",
        "iam-no-write-on-all-resources",
        "iam-no-full-iam-access",
        "iam-no-privilege-escalation",
        "iam-no-credentials-exposure",
        "iam-no-data-exfiltration",
        "iam-no-restrictable-action-on-all-resources",
      ].map((p) => [
        p,
        "advisory",
        "rp",
        `can't run policy '${p}' from policy pack 'mlplat-guardrails@v0.1.0' during preview: string value at .policy can't be known during preview`,
      ]),
    );
  });
});
