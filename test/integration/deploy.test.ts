import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import {
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
} from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";

import { deployLocalStack, destroyLocalStack, findPulumiCli } from "../../scripts/cli/emulator/deploy";
import { REPO_ROOT } from "../harness";
import { emulator, resetBetweenSuites, s3Client } from "./support";

const pulumiCli = findPulumiCli();
const hasPulumiCli = pulumiCli !== undefined;

interface LakeOutputs {
  bucketName: string;
  kmsKeyArn: string;
  logBucketName: string;
}

describe(`the local stack on ${emulator().kind}`, () => {
  it.skipIf(!hasPulumiCli)(
    "deploys with the Automation API: the lake exists with its lifecycle, encryption and versioning, then is destroyed (needs the Pulumi CLI)",
    async () => {
      await resetBetweenSuites();
      const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "mlplat-deploy-"));
      const target = { endpoint: emulator().endpoint, stateDir, pulumiCli: pulumiCli ?? "" };
      const outputs = await deployLocalStack(target);
      const lake = outputs.dataLake as LakeOutputs;
      expect(outputs.emulatorEndpoint).toBe(emulator().endpoint);
      const s3 = s3Client();
      try {
        const lifecycle = await s3.send(
          new GetBucketLifecycleConfigurationCommand({ Bucket: lake.bucketName }),
        );
        expect(lifecycle.Rules?.map((r) => r.ID).sort()).toEqual([
          "AbortIncompleteMultipartUploads",
          "DeleteOldCheckpoints",
          "ExpireNoncurrentVersions",
          "MoveOldDataToGlacier",
        ]);
        const glacier = lifecycle.Rules?.find((r) => r.ID === "MoveOldDataToGlacier");
        expect(glacier?.Transitions?.map((t) => [t.Days, t.StorageClass])).toEqual([
          [30, "STANDARD_IA"],
          [90, "GLACIER"],
        ]);
        const encryption = await s3.send(new GetBucketEncryptionCommand({ Bucket: lake.bucketName }));
        expect(encryption.ServerSideEncryptionConfiguration?.Rules?.[0]).toMatchObject({
          ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: lake.kmsKeyArn },
          BucketKeyEnabled: true,
        });
        const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket: lake.bucketName }));
        expect(versioning.Status).toBe("Enabled");
        const block = await s3.send(new GetPublicAccessBlockCommand({ Bucket: lake.bucketName }));
        expect(block.PublicAccessBlockConfiguration).toEqual({
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        });
      } finally {
        await destroyLocalStack({ ...target, emulatorAlive: true });
      }
      await expect(s3.send(new HeadBucketCommand({ Bucket: lake.bucketName }))).rejects.toThrow();
    },
    300_000,
  );

  it.skipIf(!hasPulumiCli)(
    "sandbox up deploys the stack and prints its outputs; mlplat lake then needs no flags (needs the Pulumi CLI)",
    () => {
      const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "mlplat-sandbox-deploy-"));
      const run = (args: string[]) => {
        const env: NodeJS.ProcessEnv = { ...process.env, MLPLAT_STATE_DIR: stateDir };
        delete env.AWS_ENDPOINT_URL;
        return spawnSync(process.execPath, [path.join(REPO_ROOT, "scripts", "bin", "mlplat.cjs"), ...args], {
          cwd: REPO_ROOT,
          env,
          encoding: "utf8",
          timeout: 300_000,
        });
      };
      try {
        const up = run(["sandbox", "up", "--port", "0"]);
        expect(up.status, up.stderr).toBe(0);
        expect(up.stdout).toMatch(/^# {3}dataLake\.bucketName: mlplat-local-lake-data/m);
        const file = path.join(stateDir, "rows.csv");
        fs.writeFileSync(file, "a\n");
        const upload = run(["lake", "upload", file, "--zone", "raw"]);
        expect(upload.status, upload.stderr).toBe(0);
        expect(run(["lake", "ls", "raw"]).stdout).toContain("raw/rows.csv");
      } finally {
        const down = run(["sandbox", "down"]);
        expect(down.status, down.stderr).toBe(0);
      }
    },
    300_000,
  );
});
