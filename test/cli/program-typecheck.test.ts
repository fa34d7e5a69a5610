/**
 * `mlplat check --program` type-checks a TypeScript program as Pulumi's Node.js host does before it runs it: a
 * program that does not compile against its installed SDK fails `pulumi preview`, so its offline run is
 * incomplete. (Its own file: the first type check of a program is slow, and runs beside the other test files.)
 */
import { spawnSync } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";

import { describe, expect, it } from "vitest";

import { REPO_ROOT } from "../harness";

const BIN = path.join(REPO_ROOT, "scripts", "bin", "mlplat.cjs");
const PROGRAM = path.join(REPO_ROOT, "test", "fixtures", "programs", "typeerror");

function check(env: Record<string, string> = {}) {
  const result = spawnSync(
    process.execPath,
    [BIN, "check", "--stack", "dev", "--program", PROGRAM, "--format", "json"],
    { cwd: os.tmpdir(), encoding: "utf8", timeout: 170_000, env: { ...process.env, ...env } },
  );
  return {
    code: result.status,
    doc: JSON.parse(result.stdout) as {
      complete: boolean;
      failures: { kind: string; message: string; location?: { file: string; line: number } }[];
      resources: { name: string; inputs: Record<string, unknown> }[];
    },
  };
}

describe("the type check of mlplat check --program", () => {
  // The first type check of a program reads @pulumi/aws's declarations: slow, all the more beside other tests.
  it(
    "reports a property the installed provider no longer has, at its line, and exits 3",
    { timeout: 180_000 },
    () => {
      const { code, doc } = check({ PULUMI_NODEJS_TRANSPILE_ONLY: "" });
      expect(code).toBe(3);
      expect(doc.complete).toBe(false);
      expect(doc.failures).toEqual([
        {
          kind: "typecheck",
          message:
            "error TS2561: Object literal may only specify known properties, but 'computeEnvironments' does not " +
            "exist in type 'JobQueueArgs'. Did you mean to write 'computeEnvironmentOrders'?",
          location: { file: path.join(PROGRAM, "index.ts"), line: 6, column: 3 },
        },
      ]);
      // What the provider would have received: the property is gone, which is why the run cannot pass.
      expect(doc.resources.map((r) => r.inputs)).toEqual([{ priority: 1, state: "ENABLED" }]);
    },
  );

  it("is skipped where the host skips it (PULUMI_NODEJS_TRANSPILE_ONLY=true)", () => {
    const { doc } = check({ PULUMI_NODEJS_TRANSPILE_ONLY: "true" });
    expect(doc.complete).toBe(true);
  });
});
