import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { describe, expect, it } from "vitest";

import { findProjectRoot, readStackConfig, SECRET_PLACEHOLDER } from "../../scripts/cli/offline/stack-file";

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlplat-stackfile-"));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

describe("reading stack files", () => {
  it("merges project defaults under stack values, namespaces bare keys and passes maps as JSON", () => {
    const dir = project({
      "Pulumi.yaml": [
        "name: demo",
        "runtime: nodejs",
        "config:",
        "  replicas: { type: integer, default: 2 }",
        "  owner: team-a",
        "  tier: { type: string }",
      ].join("\n"),
      "Pulumi.qa.yaml": [
        "config:",
        "  aws:region: eu-west-1",
        "  demo:owner: team-b",
        "  flag: true",
        "  demo:limits: { days: 30, classes: [STANDARD_IA, GLACIER] }",
      ].join("\n"),
    });
    const file = readStackConfig(dir, "qa");
    expect(file.project).toBe("demo");
    expect(file.config).toEqual({
      "demo:replicas": "2",
      "demo:owner": "team-b",
      "aws:region": "eu-west-1",
      "demo:flag": "true",
      "demo:limits": '{"days":30,"classes":["STANDARD_IA","GLACIER"]}',
    });
    expect(file.secretKeys).toEqual([]);
  });

  it("never decrypts secure values: they become placeholders and are marked secret", () => {
    const dir = project({
      "Pulumi.yaml": "name: demo\n",
      "Pulumi.dev.yaml": [
        "config:",
        "  demo:token: { secure: v1:abc }",
        "  demo:db: { user: admin, password: { secure: v1:def } }",
      ].join("\n"),
    });
    const file = readStackConfig(dir, "dev");
    expect(file.config["demo:token"]).toBe(SECRET_PLACEHOLDER);
    expect(file.config["demo:db"]).toBe(`{"user":"admin","password":"${SECRET_PLACEHOLDER}"}`);
    expect(file.secretKeys.sort()).toEqual(["demo:db", "demo:token"]);
  });

  it("finds the project folder from a subfolder", () => {
    const dir = project({ "Pulumi.yaml": "name: demo\n" });
    fs.mkdirSync(path.join(dir, "a", "b"), { recursive: true });
    expect(findProjectRoot(path.join(dir, "a", "b"))).toBe(dir);
  });

  it("names the file and the problem when a stack file's config is not a map", () => {
    const dir = project({ "Pulumi.yaml": "name: demo\n", "Pulumi.dev.yaml": "config: [1, 2]\n" });
    expect(() => readStackConfig(dir, "dev")).toThrow(
      /Pulumi\.dev\.yaml: config: expected a map, got \[1,2\]/,
    );
  });
});
