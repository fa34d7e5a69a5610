import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { CreateBucketCommand, ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, describe, expect, it } from "vitest";

import { findPulumiCli } from "../../scripts/cli/emulator/deploy";
import { isAlive } from "../../scripts/cli/emulator/process";
import { REPO_ROOT } from "../harness";
import { emulator, unique } from "./support";

const BIN = path.join(REPO_ROOT, "scripts", "bin", "mlplat.cjs");
const hasPulumiCli = findPulumiCli() !== undefined;
const kind = emulator().kind;
// Each run of this file gets its own sandbox folder, so a developer's own sandbox (.mlplat/) is never touched.
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "mlplat-sandbox-"));

/** Runs the CLI as people do, in its own process, against this file's sandbox folder. */
function mlplat(args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, MLPLAT_STATE_DIR: stateDir, MLPLAT_EMULATOR: kind };
  delete env.AWS_ENDPOINT_URL;
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: REPO_ROOT,
    env,
    encoding: "utf8",
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The `export KEY=value` lines of `sandbox up`'s output. */
function exportsOf(stdout: string): Record<string, string> {
  return Object.fromEntries(
    stdout
      .split("\n")
      .filter((line) => line.startsWith("export "))
      .map((line) => line.slice("export ".length).split("=", 2) as [string, string]),
  );
}

interface Status {
  running: boolean;
  health?: string;
  state?: { pid: number; endpoint: string; kind: string };
}

function status(): { code: number | null; status: Status; stderr: string } {
  const result = mlplat(["sandbox", "status", "--format", "json"]);
  return { code: result.code, status: JSON.parse(result.stdout) as Status, stderr: result.stderr };
}

/** SDK clients configured only from the environment `sandbox up` printed, as boto3 or the AWS CLI would be. */
function clientsFrom(env: Record<string, string>) {
  const config = {
    endpoint: env.AWS_ENDPOINT_URL,
    region: env.AWS_REGION,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? "",
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? "",
    },
    forcePathStyle: true,
    maxAttempts: 2,
  };
  return { s3: new S3Client(config), kms: new KMSClient(config) };
}

afterAll(() => {
  mlplat(["sandbox", "down"]);
});

describe(`mlplat sandbox on ${kind}`, () => {
  let env: Record<string, string> = {};
  let pid = 0;

  it("up starts a detached emulator and prints the environment that SDKs use unchanged", async () => {
    const up = mlplat(["sandbox", "up", "--port", "0", "--no-deploy"]);
    expect(up.code, up.stderr).toBe(0);
    env = exportsOf(up.stdout);
    expect(Object.keys(env)).toEqual([
      "AWS_ENDPOINT_URL",
      "AWS_REGION",
      "AWS_DEFAULT_REGION",
      "AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY",
    ]);
    expect(env.AWS_ENDPOINT_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(up.stderr).toMatch(/ready at http:\/\/127\.0\.0\.1:\d+ in \d+\.\d s/);

    // The CLI process has exited; the emulator it started still runs, and `status` finds it from here.
    const { code, status: s } = status();
    expect(code).toBe(0);
    expect(s).toMatchObject({
      running: true,
      health: "running",
      state: { endpoint: env.AWS_ENDPOINT_URL, kind },
    });
    pid = s.state?.pid ?? 0;
    expect(isAlive(pid)).toBe(true);

    const { s3 } = clientsFrom(env);
    const bucket = `sandbox-${unique()}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const listed = await s3.send(new ListBucketsCommand({}));
    expect(listed.Buckets?.map((b) => b.Name)).toContain(bucket);
  });

  it("up twice keeps the running emulator", () => {
    const again = mlplat(["sandbox", "up", "--no-deploy"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`the sandbox already runs:`);
    expect(exportsOf(again.stdout)).toEqual(env);
    expect(status().status.state?.pid).toBe(pid);
  });

  it.skipIf(hasPulumiCli)(
    "up without the Pulumi CLI says what is missing and how to install it, and leaves the emulator usable (runs only where the Pulumi CLI is absent)",
    () => {
      const up = mlplat(["sandbox", "up"]);
      expect(up.code, up.stderr).toBe(0);
      expect(up.stderr).toContain(
        "not deployed: the Pulumi CLI is not installed (no `pulumi` on PATH or in ~/.pulumi/bin)",
      );
      expect(up.stderr).toContain("curl -fsSL https://get.pulumi.com | sh");
      expect(exportsOf(up.stdout)).toEqual(env);
      expect(status().status.running).toBe(true);
    },
  );

  it("mlplat lake works against the sandbox without an endpoint flag", async () => {
    const { s3, kms } = clientsFrom(env);
    const bucket = `sandbox-lake-${unique()}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.Arn ?? "";
    const file = path.join(stateDir, "hello.csv");
    fs.writeFileSync(file, "a,b\n");
    const upload = mlplat([
      "lake",
      "upload",
      file,
      "--zone",
      "raw",
      "--key",
      "2024/hello.csv",
      "--bucket",
      bucket,
      "--kms-key",
      key,
    ]);
    expect(upload.code, upload.stderr).toBe(0);
    expect(upload.stdout).toBe(`s3://${bucket}/raw/2024/hello.csv  4 bytes, one request, SSE-KMS\n`);
    expect(upload.stderr).toContain(`using the sandbox at ${env.AWS_ENDPOINT_URL}`);
    const ls = mlplat(["lake", "ls", "raw", "--bucket", bucket, "--kms-key", key]);
    expect(ls.stdout.trim()).toBe("4  raw/2024/hello.csv");
  });

  it("an emulator killed behind its back gives a clear error, and up replaces it", async () => {
    process.kill(-pid, "SIGKILL");
    while (isAlive(pid)) await new Promise((r) => setTimeout(r, 20));

    const dead = status();
    expect(dead.code).toBe(1);
    expect(dead.status).toMatchObject({ running: false, health: "gone" });
    expect(dead.stderr).toContain("is no longer running: it was stopped outside mlplat");
    expect(dead.stderr).toContain("Run mlplat sandbox down, then mlplat sandbox up");

    const ls = mlplat(["lake", "ls", "--bucket", "any-bucket", "--kms-key", "alias/any"]);
    expect(ls.code).toBe(1);
    expect(ls.stderr).toContain(
      `cannot reach S3 at ${env.AWS_ENDPOINT_URL} (ECONNREFUSED); if it is a sandbox, is it running? (mlplat sandbox status)`,
    );

    const up = mlplat(["sandbox", "up", "--port", "0", "--no-deploy"]);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toContain("is gone: starting a new one");
    const fresh = status();
    expect(fresh.status.running).toBe(true);
    expect(fresh.status.state?.pid).not.toBe(pid);
    pid = fresh.status.state?.pid ?? 0;
  });

  it("down stops the emulator and its processes, and down twice is harmless", () => {
    const down = mlplat(["sandbox", "down"]);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stderr).toContain("sandbox stopped");
    expect(isAlive(pid)).toBe(false);
    expect(status().status).toEqual({ running: false });
    const again = mlplat(["sandbox", "down"]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("no sandbox was running");
  });
});
