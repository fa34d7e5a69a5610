import { beforeAll, describe, expect, it } from "vitest";

import { estimateCost, parseUsageProfile, RULES } from "../../components/catalog/cost";
import { freeTypes } from "../../components/catalog/pricing";
import {
  resolveTrainingStorageSettings,
  trainingStorageEnvironmentIssues,
  TrainingStorage,
  transitionValue,
  validateTrainingStorageSettings,
  validateTrainingStorageTarget,
  type TrainingStorageArgs,
} from "../../components/storage";
import { formatIssue, isValidationError } from "../../components/validation";
import type { DeclaredResource, ProgramRun } from "../../scripts/cli/offline/runner";
import { policyOf, resource, resourcesOfType, runInline } from "../harness";
import { componentMandatoryViolations } from "../policies/helpers";

const FILE_SYSTEM = "aws:efs/fileSystem:FileSystem";
const MOUNT_TARGET = "aws:efs/mountTarget:MountTarget";
const ACCESS_POINT = "aws:efs/accessPoint:AccessPoint";
const BACKUP_POLICY = "aws:efs/backupPolicy:BackupPolicy";
const FS_POLICY = "aws:efs/fileSystemPolicy:FileSystemPolicy";
const ENCRYPTION_BY_DEFAULT = "aws:ebs/encryptionByDefault:EncryptionByDefault";
const DEFAULT_KEY = "aws:ebs/defaultKmsKey:DefaultKmsKey";
const KEY = "aws:kms/key:Key";
const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";

const KEY_ARN = "arn:aws:kms:ap-northeast-2:123456789012:key/train-key-key-id";
const EBS_KEY_ARN = "arn:aws:kms:ap-northeast-2:123456789012:key/train-ebs-key-key-id";
const FS_ARN = "arn:aws:efs:ap-northeast-2:123456789012:filesystem/train-fs";
const TAGS = { Project: "mlplat", Environment: "test", CostCenter: "ml", Owner: "data@example.com" };

/** Training storage in a two-subnet VPC, open to the training and node security groups. */
function declare(settings: Partial<TrainingStorageArgs> = {}): () => Record<string, unknown> {
  return () => {
    const storage = new TrainingStorage("train", {
      vpcId: "vpc-1",
      subnetIds: ["subnet-a", "subnet-b"],
      sourceSecurityGroupIds: ["sg-training", "sg-nodes"],
      tags: TAGS,
      ...settings,
    });
    return {
      fileSystemId: storage.fileSystemId,
      accessPointArns: storage.accessPointArns,
      accessPointIds: storage.accessPointIds,
      securityGroupId: storage.securityGroupId,
      kmsKeyArn: storage.kmsKeyArn,
      ...(storage.ebsDefaultKmsKeyArn ? { ebsDefaultKmsKeyArn: storage.ebsDefaultKmsKeyArn } : {}),
    };
  };
}

function keepOf(r: DeclaredResource): { protect?: boolean; retainOnDelete?: boolean } {
  return {
    ...(r.protect ? { protect: true } : {}),
    ...(r.retainOnDelete ? { retainOnDelete: true } : {}),
  };
}

describe("training storage settings", () => {
  it("defaults to elastic throughput, Infrequent Access after 30 days, a /datasets access point, backups and EBS encryption", () => {
    expect(resolveTrainingStorageSettings()).toEqual({
      throughputMode: "elastic",
      transitionToInfrequentAccessDays: 30,
      transitionToPrimaryOnAccess: true,
      accessPoints: [{ name: "datasets", path: "/datasets", uid: 1000, gid: 1000, permissions: "0755" }],
      rootAccess: false,
      automaticBackups: true,
      ebsEncryptionByDefault: true,
      deletionPolicy: "protect",
    });
    expect(validateTrainingStorageSettings(resolveTrainingStorageSettings())).toEqual([]);
    expect(resolveTrainingStorageSettings({ deletionPolicy: "destroy" }).automaticBackups).toBe(false);
    expect([transitionValue(1), transitionValue(30)]).toEqual(["AFTER_1_DAY", "AFTER_30_DAYS"]);
  });

  it("names every problem with its path, the value and what is expected", () => {
    const s = resolveTrainingStorageSettings({
      throughputMode: "provisioned" as "elastic",
      transitionToInfrequentAccessDays: 45,
      rootAccess: "yes" as unknown as boolean,
      accessPoints: [
        { name: "datasets", path: "/datasets" },
        { name: "datasets", path: "datasets/../x", uid: -1, permissions: "rwx" },
        { name: "Models", path: "/datasets" },
      ],
      deletionPolicy: "keep" as "retain",
    });
    expect(validateTrainingStorageSettings(s).map(formatIssue)).toEqual([
      'throughputMode: got "provisioned", expected one of elastic, bursting',
      "transitionToInfrequentAccessDays: got 45, expected one of EFS's lifecycle periods: 1, 7, 14, 30, 60, 90, 180, 270, 365",
      'rootAccess: got "yes", expected true or false',
      'accessPoints.1.name: got "datasets", expected a name no other access point has',
      'accessPoints.1.path: got "datasets/../x", expected an absolute directory path below / of up to 100 characters, e.g. /datasets, without . or .. segments',
      "accessPoints.1.uid: got -1, expected a whole number from 0 to 4294967295 (a POSIX user id)",
      'accessPoints.1.permissions: got "rwx", expected octal permissions such as "0755" or "750"',
      'accessPoints.2.name: got "Models", expected 2 to 32 lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen',
      'accessPoints.2.path: got "/datasets", expected a directory no other access point uses',
      'deletionPolicy: got "keep", expected one of protect, retain, destroy',
    ]);
  });

  it("requires protect and backups in production and nowhere else", () => {
    const loose = resolveTrainingStorageSettings({ deletionPolicy: "retain", automaticBackups: false });
    expect(trainingStorageEnvironmentIssues("prod", loose).map(formatIssue)).toEqual([
      'deletionPolicy: got "retain", expected "protect" in a prod environment: production data is never deleted with the stack',
      "automaticBackups: got false, expected true in a prod environment: production files are backed up",
    ]);
    expect(trainingStorageEnvironmentIssues("dev", loose)).toEqual([]);
    expect(trainingStorageEnvironmentIssues("prod", resolveTrainingStorageSettings())).toEqual([]);
  });

  it("requires a subnet and a usable name", () => {
    expect(validateTrainingStorageTarget("Train--x", { subnetIds: [] }).map(formatIssue)).toEqual([
      'name: got "Train--x", expected 2 to 64 lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen, without two hyphens in a row',
      "subnetIds.length: got 0, expected at least 1 private subnet (one mount target per Availability Zone)",
    ]);
  });
});

describe("TrainingStorage (defaults)", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runInline("dev", declare());
  });

  it("declares an EFS file system encrypted with its own key, general purpose, elastic, IA after 30 days", () => {
    expect(resource(run, FILE_SYSTEM, "train-fs").inputs).toEqual({
      encrypted: true,
      kmsKeyId: KEY_ARN,
      performanceMode: "generalPurpose",
      throughputMode: "elastic",
      lifecyclePolicies: [
        { transitionToIa: "AFTER_30_DAYS" },
        { transitionToPrimaryStorageClass: "AFTER_1_ACCESS" },
      ],
      tags: { ...TAGS, Name: "train" },
    });
    expect(resource(run, KEY, "train-key").inputs.enableKeyRotation).toBe(true);
    expect(resource(run, BACKUP_POLICY, "train-backup").inputs.backupPolicy).toEqual({ status: "ENABLED" });
  });

  it("mounts in each private subnet behind a group that admits NFS from the given groups only", () => {
    const mounts = resourcesOfType(run, MOUNT_TARGET);
    expect(mounts.map((m) => [m.name, m.inputs.subnetId, m.inputs.securityGroups])).toEqual([
      ["train-mount-0", "subnet-a", ["train-sg-id"]],
      ["train-mount-1", "subnet-b", ["train-sg-id"]],
    ]);
    const sg = resource(run, SECURITY_GROUP, "train-sg").inputs;
    expect(sg.ingress).toEqual([
      expect.objectContaining({
        protocol: "tcp",
        fromPort: 2049,
        toPort: 2049,
        securityGroups: ["sg-training", "sg-nodes"],
      }),
    ]);
    expect(sg.egress).toEqual([]);
  });

  it("denies every request without TLS and root access, and allows mounts only through mount targets", () => {
    const statements = policyOf(resource(run, FS_POLICY, "train-policy")).Statement;
    expect(statements).toEqual([
      {
        Sid: "MountThroughMountTargets",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
        Resource: FS_ARN,
        Condition: { Bool: { "elasticfilesystem:AccessedViaMountTarget": "true" } },
      },
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: "*",
        Resource: FS_ARN,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
  });

  it("gives /datasets one POSIX owner through an access point", () => {
    expect(resource(run, ACCESS_POINT, "train-ap-datasets").inputs).toMatchObject({
      fileSystemId: "train-fs-id",
      posixUser: { uid: 1000, gid: 1000 },
      rootDirectory: {
        path: "/datasets",
        creationInfo: { ownerUid: 1000, ownerGid: 1000, permissions: "0755" },
      },
    });
    expect(run.outputs).toMatchObject({
      fileSystemId: "train-fs-id",
      accessPointIds: { datasets: "train-ap-datasets-id" },
      securityGroupId: "train-sg-id",
      kmsKeyArn: KEY_ARN,
      ebsDefaultKmsKeyArn: EBS_KEY_ARN,
    });
    expect(Object.keys(run.outputs.accessPointArns as object)).toEqual(["datasets"]);
  });

  it("turns on EBS encryption by default with a key the account may use through EC2 only", () => {
    expect(resource(run, ENCRYPTION_BY_DEFAULT, "train-ebs-encryption").inputs).toEqual({ enabled: true });
    expect(resource(run, DEFAULT_KEY, "train-ebs-default-key").inputs).toEqual({ keyArn: EBS_KEY_ARN });
    const key = resource(run, KEY, "train-ebs-key");
    expect(key.inputs.enableKeyRotation).toBe(true);
    expect(policyOf(key).Statement.find((s) => s.Sid === "AccountUsesKeyThroughEc2")).toMatchObject({
      Principal: { AWS: "*" },
      Condition: {
        StringEquals: {
          "kms:CallerAccount": "123456789012",
          "kms:ViaService": "ec2.ap-northeast-2.amazonaws.com",
        },
      },
    });
  });

  it("keeps the file system and keys; the account's EBS settings are never removed with the stack", () => {
    expect(keepOf(resource(run, FILE_SYSTEM, "train-fs"))).toEqual({ protect: true, retainOnDelete: true });
    expect(keepOf(resource(run, KEY, "train-key"))).toEqual({ protect: true, retainOnDelete: true });
    expect(keepOf(resource(run, KEY, "train-ebs-key"))).toEqual({ protect: true, retainOnDelete: true });
    expect(keepOf(resource(run, ENCRYPTION_BY_DEFAULT, "train-ebs-encryption"))).toEqual({
      retainOnDelete: true,
    });
    expect(keepOf(resource(run, DEFAULT_KEY, "train-ebs-default-key"))).toEqual({ retainOnDelete: true });
  });

  it("passes the pack and the EFS and EBS policies with no mandatory violation", async () => {
    expect(await componentMandatoryViolations(run)).toEqual([]);
  });

  it("is priced: two keys fixed, storage, throughput and backups from usage", () => {
    const free = freeTypes();
    const types = [...new Set(run.resources.filter((r) => r.custom).map((r) => r.type))];
    expect(types.filter((t) => RULES[t] === undefined && free.reason(t) === undefined)).toEqual([]);
    const idle = estimateCost(run.resources, { region: "us-east-1" });
    expect(idle.unpriced).toEqual([]);
    expect(idle.totals.fixedUsd).toBe("2");
    const usage = parseUsageProfile(
      [
        "efs:",
        "  - { standardGb: 100, infrequentAccessGb: 1000, readGb: 500, writeGb: 100, backupGb: 200 }",
      ].join("\n"),
      "profile.yaml",
    );
    const busy = estimateCost(run.resources, { region: "us-east-1", usage });
    const fs = busy.resources.find((r) => r.name === "train-fs");
    // 100 x 0.30 + 1000 x 0.016 + 500 x 0.03 + 100 x 0.06 + 200 x 0.05
    expect(fs?.lines.map((l) => [l.price.key, l.price.item, l.monthlyUsd])).toEqual([
      ["efs.storage", "standard", "30"],
      ["efs.storage", "infrequentAccess", "16"],
      ["efs.elasticThroughput", "read", "15"],
      ["efs.elasticThroughput", "write", "6"],
      ["backup.efsWarmStorage", undefined, "10"],
    ]);
  });
});

describe("TrainingStorage options", () => {
  it("destroy, without EBS settings: no backups, nothing kept, one key; root access when asked", async () => {
    const run = await runInline(
      "dev",
      declare({ deletionPolicy: "destroy", ebsEncryptionByDefault: false, rootAccess: true }),
    );
    expect(resource(run, BACKUP_POLICY, "train-backup").inputs.backupPolicy).toEqual({ status: "DISABLED" });
    expect(keepOf(resource(run, FILE_SYSTEM, "train-fs"))).toEqual({});
    expect(resourcesOfType(run, KEY).map((k) => k.name)).toEqual(["train-key"]);
    expect(resourcesOfType(run, ENCRYPTION_BY_DEFAULT)).toEqual([]);
    expect(resourcesOfType(run, DEFAULT_KEY)).toEqual([]);
    expect(policyOf(resource(run, FS_POLICY, "train-policy")).Statement[0]?.Action).toContain(
      "elasticfilesystem:ClientRootAccess",
    );
  });

  it("the EBS key is retained even when the stack destroys its data", async () => {
    const run = await runInline("dev", declare({ deletionPolicy: "destroy" }));
    expect(keepOf(resource(run, KEY, "train-ebs-key"))).toEqual({ retainOnDelete: true });
  });

  it("uses a given key for the file system, bursting throughput and several access points", async () => {
    const given = "arn:aws:kms:ap-northeast-2:123456789012:key/shared";
    const run = await runInline(
      "dev",
      declare({
        kmsKeyArn: given,
        ebsEncryptionByDefault: false,
        throughputMode: "bursting",
        transitionToPrimaryOnAccess: false,
        transitionToInfrequentAccessDays: 7,
        accessPoints: [
          { name: "datasets", path: "/datasets" },
          { name: "checkpoints", path: "/checkpoints", uid: 0, gid: 0, permissions: "0700" },
        ],
      }),
    );
    expect(resourcesOfType(run, KEY)).toEqual([]);
    expect(resource(run, FILE_SYSTEM, "train-fs").inputs).toMatchObject({
      kmsKeyId: given,
      throughputMode: "bursting",
      lifecyclePolicies: [{ transitionToIa: "AFTER_7_DAYS" }],
    });
    expect(resourcesOfType(run, ACCESS_POINT).map((a) => [a.name, a.inputs.posixUser])).toEqual([
      ["train-ap-checkpoints", { uid: 0, gid: 0 }],
      ["train-ap-datasets", { uid: 1000, gid: 1000 }],
    ]);
  });

  it("refuses invalid settings before declaring anything", async () => {
    let error: unknown;
    const run = await runInline("dev", () => {
      try {
        new TrainingStorage("train", { vpcId: "vpc-1", subnetIds: [], transitionToInfrequentAccessDays: 0 });
      } catch (err) {
        error = err;
      }
      return {};
    });
    expect(isValidationError(error) && error.message).toBe(
      "TrainingStorage train: 2 problems\n" +
        "  - transitionToInfrequentAccessDays: got 0, expected one of EFS's lifecycle periods: 1, 7, 14, 30, 60, 90, 180, 270, 365\n" +
        "  - subnetIds.length: got 0, expected at least 1 private subnet (one mount target per Availability Zone)",
    );
    expect(run.resources).toEqual([]);
  });
});
