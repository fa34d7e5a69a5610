import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { locateProgram, ProgramLocationError } from "../../scripts/cli/offline/program";
import { REPO_ROOT } from "../harness";

const FIXTURE = path.join(REPO_ROOT, "test", "fixtures", "noncompliant");
const SDK_DIR = path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi");

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
});

/** A scratch Pulumi project whose node_modules is the repository's (so that it resolves the same packages). */
function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlplat-program-"));
  scratch.push(dir);
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

describe("locateProgram (--program)", () => {
  it("finds the entry from Pulumi.yaml main, and the @pulumi/pulumi copy the program resolves", () => {
    expect(locateProgram(FIXTURE)).toEqual({
      projectDir: FIXTURE,
      entry: path.join(FIXTURE, "index.ts"),
      sdkDir: SDK_DIR,
    });
  });

  it("accepts the entry file itself, finding its project folder above it", () => {
    const dir = project({ "Pulumi.yaml": "name: p\nruntime: nodejs\n", "src/main.ts": "export {};\n" });
    expect(locateProgram(path.join(dir, "src", "main.ts"))).toMatchObject({
      projectDir: dir,
      entry: path.join(dir, "src", "main.ts"),
    });
  });

  it("follows a main folder to its package.json main, else its index.ts", () => {
    const withPackage = project({
      "Pulumi.yaml": "name: p\nruntime: nodejs\nmain: app/\n",
      "app/package.json": JSON.stringify({ main: "start.ts" }),
      "app/start.ts": "export {};\n",
    });
    expect(locateProgram(withPackage).entry).toBe(path.join(withPackage, "app", "start.ts"));
    const withIndex = project({ "Pulumi.yaml": "name: p\nruntime: nodejs\n", "index.ts": "export {};\n" });
    expect(locateProgram(withIndex).entry).toBe(path.join(withIndex, "index.ts"));
  });

  it("names the path and what is expected when it is not a Pulumi program", () => {
    expect(() => locateProgram("no/such/dir")).toThrow(
      new ProgramLocationError(
        `--program: got "no/such/dir", which does not exist; expected a Pulumi project folder or its entry file`,
      ),
    );
    const bare = fs.mkdtempSync(path.join(os.tmpdir(), "mlplat-bare-"));
    scratch.push(bare);
    expect(() => locateProgram(bare)).toThrow(`expected a folder with Pulumi.yaml (or a file inside one)`);
    const empty = project({ "Pulumi.yaml": "name: p\nruntime: nodejs\n" });
    expect(() => locateProgram(empty)).toThrow(`--program: no entry file in ${empty}`);
  });

  it("runs a program given as its entry file, calling an exported default function (mlplat check)", () => {
    const dir = project({
      "Pulumi.yaml": "name: fn-program\nruntime: nodejs\nmain: index.ts\n",
      "Pulumi.dev.yaml": "config:\n  aws:region: us-east-1\n",
      "index.ts": [
        'import * as aws from "@pulumi/aws";',
        "export default async () => {",
        '  const key = new aws.kms.Key("fn-key", { enableKeyRotation: false });',
        "  return { keyArn: key.arn };",
        "};",
        "",
      ].join("\n"),
    });
    const bin = path.join(REPO_ROOT, "scripts", "bin", "mlplat.cjs");
    const result = spawnSync(
      process.execPath,
      [bin, "check", "--stack", "dev", "--program", path.join(dir, "index.ts"), "--format", "json"],
      {
        cwd: REPO_ROOT,
        encoding: "utf8",
        timeout: 60_000,
        // The host's type check is program-typecheck.test.ts's: skipped here as the host skips it.
        env: { ...process.env, PULUMI_NODEJS_TRANSPILE_ONLY: "true" },
      },
    );
    expect(result.status).toBe(1);
    const doc = JSON.parse(result.stdout) as {
      violations: { policy: string; level: string; message: string }[];
    };
    expect(
      doc.violations.filter((v) => v.level === "mandatory").map((v) => `${v.policy}: ${v.message}`),
    ).toEqual([
      `kms-key-rotation: KMS key "fn-key" does not rotate: set enableKeyRotation to true`,
      "cost-budget-exists: The stack declares billable resources but no AWS Budget: nothing alerts anyone when its monthly cost runs over",
    ]);
  });
});
