import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { describe, expect, it } from "vitest";

import { REPO_ROOT } from "../harness";

const BIN = path.join(REPO_ROOT, "scripts", "bin", "mlplat.cjs");

/** Runs the CLI as users do, in a process of its own. */
function mlplat(args: string[], cwd = REPO_ROOT) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A scratch copy of the project's Pulumi.yaml with one stack file. */
function projectWith(stackFile: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlplat-plan-"));
  fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), stackFile);
  return dir;
}

describe("mlplat plan", () => {
  it("prints prod's lake as JSON on stdout and nothing else", () => {
    const { code, stdout } = mlplat(["plan", "--stack", "prod", "--format", "json"]);
    expect(code).toBe(0);
    const plan = JSON.parse(stdout) as {
      stack: string;
      resources: { type: string; name: string; inputs: Record<string, unknown> }[];
    };
    expect(plan.stack).toBe("prod");
    const byName = new Map(plan.resources.map((r) => [r.name, r]));
    expect(byName.get("mlplat-prod-lake-data-versioning")?.inputs.versioningConfiguration).toEqual({
      status: "Enabled",
    });
    expect(byName.get("mlplat-prod-lake-data-public-access")?.inputs).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(JSON.stringify(byName.get("mlplat-prod-lake-data-encryption")?.inputs)).toContain(
      '"sseAlgorithm":"aws:kms"',
    );
    expect(JSON.stringify(byName.get("mlplat-prod-lake-data-lifecycle")?.inputs)).toContain(
      '"storageClass":"GLACIER"',
    );
  });

  it("prints a tree in text format", () => {
    const { code, stdout } = mlplat(["plan", "--stack", "dev"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Stack mlplat\/dev: \d+ resources$/m);
    expect(stdout).toMatch(/^ {2}mlplat-dev-lake {2}\(mlplat:data-lake:DataLake\)$/m);
    expect(stdout).toMatch(/^ {4}mlplat-dev-lake-data {2}\(aws:s3\/bucket:Bucket\) {2}\[retainOnDelete\]$/m);
  });

  it("exits 2 naming an unknown key, a wrongly typed value and out-of-order lifecycle days", () => {
    const dir = projectWith(
      [
        "config:",
        "  aws:region: ap-northeast-2",
        "  mlplat:environment: dev",
        "  mlplat:tags: { Project: p, CostCenter: c, Owner: o@example.com }",
        "  mlplat:dataLake:",
        "    lifecycle:",
        "      rawToInfrequentAccessDays: 30",
        "      rawToGlacierDays: 20",
        "    kmsKeyDeletionWindowDays: thirty",
        "    versioning: true",
      ].join("\n"),
    );
    const { code, stdout, stderr } = mlplat(["plan", "--stack", "dev", "--cwd", dir]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain("stack dev: invalid config: 3 problems");
    expect(stderr).toContain("mlplat:dataLake.versioning: got true, expected no such key");
    expect(stderr).toContain(
      'mlplat:dataLake.kmsKeyDeletionWindowDays: got "thirty", expected a whole number of days',
    );
    expect(stderr).toContain("mlplat:dataLake.lifecycle.rawToGlacierDays: got 20, expected at least 60");
  });

  it("exits 2 for a stack without a stack file, listing the stacks there are", () => {
    const { code, stderr } = mlplat(["plan", "--stack", "qa"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/stack "qa": no Pulumi\.qa\.yaml in .* \(stacks here: dev, local, prod\)/);
  });

  it("exits 2 on bad usage", () => {
    expect(mlplat(["plan"]).code).toBe(2);
    expect(mlplat(["plan", "--stack", "dev", "--format", "xml"]).code).toBe(2);
    expect(mlplat(["nonsense"]).code).toBe(2);
  });

  it("exits 2 when the stack file is not valid YAML", () => {
    const dir = projectWith("config: [unclosed");
    const { code, stderr } = mlplat(["plan", "--stack", "dev", "--cwd", dir]);
    expect(code).toBe(2);
    expect(stderr).toContain("not valid YAML");
  });
});
