import { describe, expect, it } from "vitest";

import { ebsVolumeEncrypted } from "../../policies/ebs/volume-encrypted";
import { efsEncrypted } from "../../policies/efs/encrypted";
import { policyProxy } from "../../policies/lib/unknown";
import { templatePolicyPack } from "../../scripts/cli/offline/policy-check";
import {
  evaluatePolicies,
  resolvePolicies,
  type PolicyEvaluation,
} from "../../scripts/cli/offline/policy-engine";
import type { DeclaredResource } from "../../scripts/cli/offline/runner";
import { changed, declared, runOf, TAGS, without } from "./helpers";

const UNKNOWN_STRING = policyProxy.unknownStringValue;

const KEY = "aws:kms/key:Key";
const FILE_SYSTEM = "aws:efs/fileSystem:FileSystem";
const VOLUME = "aws:ebs/volume:Volume";
const ENCRYPTION_BY_DEFAULT = "aws:ebs/encryptionByDefault:EncryptionByDefault";

const KEY_ARN = "arn:aws:kms:ap-northeast-2:123456789012:key/train-key-id";

const STORAGE_POLICIES = [efsEncrypted, ebsVolumeEncrypted];

async function evaluate(policy: string, resources: readonly DeclaredResource[]): Promise<PolicyEvaluation> {
  const pack = { ...templatePolicyPack(), policies: STORAGE_POLICIES.filter((p) => p.name === policy) };
  if (pack.policies.length !== 1) throw new Error(`no storage policy ${policy}`);
  return evaluatePolicies(runOf(resources), pack, resolvePolicies(pack, {}, "test"));
}

async function messagesOf(policy: string, resources: readonly DeclaredResource[]): Promise<string[]> {
  return (await evaluate(policy, resources)).violations.map((v) => v.message);
}

const key = declared(KEY, "train-key", { enableKeyRotation: true, tags: TAGS });

/** The file system as the TrainingStorage component declares it. */
function efs(): DeclaredResource[] {
  return [
    key,
    declared(
      FILE_SYSTEM,
      "train-fs",
      { encrypted: true, kmsKeyId: KEY_ARN, performanceMode: "generalPurpose", tags: TAGS },
      { propertyDependencies: { kmsKeyId: [key.urn] }, dependencies: [key.urn] },
    ),
  ];
}

/** An encrypted scratch volume, and the account's EBS encryption by default. */
function ebs(): DeclaredResource[] {
  return [
    declared(VOLUME, "scratch", {
      availabilityZone: "ap-northeast-2a",
      size: 100,
      type: "gp3",
      encrypted: true,
    }),
    declared(ENCRYPTION_BY_DEFAULT, "ebs-encryption", { enabled: true }),
  ];
}

describe("EFS and EBS policies", () => {
  it("have kebab-case ids, one-sentence descriptions, a severity, remediation and a mandatory default", () => {
    expect(STORAGE_POLICIES.map((p) => [p.name, p.severity, p.enforcementLevel])).toEqual([
      ["efs-encrypted", "high", "mandatory"],
      ["ebs-volume-encrypted", "high", "mandatory"],
    ]);
    for (const p of STORAGE_POLICIES) {
      expect(p.description).toMatch(/^[A-Z][^.]*\.$/);
      expect(p.remediationSteps?.length).toBeGreaterThan(20);
    }
  });

  it("pass what the TrainingStorage component declares and are not applicable without file systems or volumes", async () => {
    expect(await messagesOf("efs-encrypted", efs())).toEqual([]);
    expect(await messagesOf("ebs-volume-encrypted", ebs())).toEqual([]);
    for (const policy of STORAGE_POLICIES.map((p) => p.name)) {
      const { violations, notApplicable } = await evaluate(policy, [key]);
      expect(violations).toEqual([]);
      expect(notApplicable[policy], policy).toBe(1);
    }
  });
});

describe("efs-encrypted", () => {
  const policy = "efs-encrypted";

  it("fails an unencrypted file system", async () => {
    expect(await messagesOf(policy, changed(efs(), "train-fs", { encrypted: false }))).toEqual([
      'EFS file system "train-fs" is not encrypted at rest: set encrypted to true and kmsKeyId',
    ]);
    expect(await messagesOf(policy, changed(efs(), "train-fs", { encrypted: undefined }))).toEqual([
      'EFS file system "train-fs" is not encrypted at rest: set encrypted to true and kmsKeyId',
    ]);
  });

  it("fails the AWS-managed key, left out or named", async () => {
    expect(
      await messagesOf(
        policy,
        changed(efs(), "train-fs", { kmsKeyId: undefined }, { propertyDependencies: {} }),
      ),
    ).toEqual([
      'EFS file system "train-fs" is encrypted with the AWS-managed key aws/elasticfilesystem (no kmsKeyId): set kmsKeyId to a customer-managed KMS key',
    ]);
    const named = changed(
      efs(),
      "train-fs",
      { kmsKeyId: "alias/aws/elasticfilesystem" },
      { propertyDependencies: {} },
    );
    expect(await messagesOf(policy, named)).toEqual([
      `EFS file system "train-fs" is encrypted with AWS's own key "alias/aws/elasticfilesystem": set kmsKeyId to a customer-managed KMS key`,
    ]);
  });

  it("accepts a key ARN unknown during preview when it comes from a key of the stack", async () => {
    expect(await messagesOf(policy, changed(efs(), "train-fs", { kmsKeyId: UNKNOWN_STRING }))).toEqual([]);
  });
});

describe("ebs-volume-encrypted", () => {
  const policy = "ebs-volume-encrypted";

  it("fails a volume that turns encryption off", async () => {
    expect(await messagesOf(policy, changed(ebs(), "scratch", { encrypted: false }))).toEqual([
      'EBS volume "scratch" is not encrypted: set encrypted to true',
    ]);
  });

  it("accepts a volume that leaves encryption to the account's default, only when the stack turns it on", async () => {
    const unset = changed(ebs(), "scratch", { encrypted: undefined });
    expect(await messagesOf(policy, unset)).toEqual([]);
    expect(await messagesOf(policy, without(unset, "ebs-encryption"))).toEqual([
      'EBS volume "scratch" leaves encrypted unset and the stack does not turn on EBS encryption by default: set encrypted to true',
    ]);
    expect(await messagesOf(policy, changed(unset, "ebs-encryption", { enabled: false }))).toEqual([
      'EBS volume "scratch" leaves encrypted unset and the stack does not turn on EBS encryption by default: set encrypted to true',
    ]);
  });
});
