/**
 * The pack under the real Pulumi CLI: `pulumi preview --policy-pack policies` on the dev stack, as the PR
 * pipeline's credentialed job runs it. Needs the Pulumi CLI and AWS credentials (the aws provider is
 * configured during a preview), so it is skipped, with that reason in its name, where either is missing.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { describe, expect, it } from "vitest";

import { findPulumiCli } from "../../scripts/cli/emulator/deploy";
import { REPO_ROOT } from "../harness";

const pulumi = findPulumiCli();
const hasAwsCredentials = Boolean(
  process.env.AWS_ACCESS_KEY_ID ?? process.env.AWS_PROFILE ?? process.env.AWS_WEB_IDENTITY_TOKEN_FILE,
);

describe("pulumi preview with the policy pack", () => {
  it.skipIf(pulumi === undefined || !hasAwsCredentials)(
    "passes the dev stack with policies/config/dev.json (needs the Pulumi CLI and AWS credentials)",
    () => {
      // A scratch project around the template's program, so that `stack init` writes its salt and state there.
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlplat-preview-"));
      fs.mkdirSync(path.join(dir, "state"));
      fs.writeFileSync(
        path.join(dir, "Pulumi.yaml"),
        fs
          .readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")
          .replace(/^main: .*$/m, `main: ${path.relative(dir, path.join(REPO_ROOT, "infra", "index.ts"))}`),
      );
      fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), path.join(dir, "Pulumi.dev.yaml"));
      fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"));
      fs.copyFileSync(path.join(REPO_ROOT, "tsconfig.json"), path.join(dir, "tsconfig.json"));
      const env = {
        ...process.env,
        PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`,
        PULUMI_CONFIG_PASSPHRASE: "mlplat-policy-preview",
        PULUMI_SKIP_UPDATE_CHECK: "true",
      };
      const run = (args: string[]) =>
        spawnSync(pulumi ?? "pulumi", args, { cwd: dir, env, encoding: "utf8", timeout: 600_000 });
      expect(run(["stack", "init", "dev", "--secrets-provider", "passphrase"]).status).toBe(0);
      const preview = run([
        "preview",
        "--stack",
        "dev",
        "--non-interactive",
        "--policy-pack",
        path.join(REPO_ROOT, "policies"),
        "--policy-pack-config",
        path.join(REPO_ROOT, "policies", "config", "dev.json"),
      ]);
      const output = `${preview.stdout}\n${preview.stderr}`;
      expect({ status: preview.status, output }).toMatchObject({ status: 0 });
      expect(output).toContain("mlplat-guardrails");
      expect(output).not.toMatch(/mandatory/i);
    },
  );
});
