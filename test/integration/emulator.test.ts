import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { describe, expect, it } from "vitest";

import { emulatorKindFromEnv, isHealthy } from "../../scripts/cli/emulator";
import { isAlive } from "../../scripts/cli/emulator/process";
import { REPO_ROOT } from "../harness";
import { emulator } from "./support";

const kind = emulator().kind;
const EMULATOR_MODULE = path.join(REPO_ROOT, "scripts", "cli", "emulator", "index.ts");

/**
 * Runs a script that starts an emulator in a child Node process, and resolves once it prints the emulator's
 * pid; `then` decides how the child ends.
 */
async function childWithEmulator(then: "wait" | "throw"): Promise<{
  pid: number;
  endpoint: string;
  child: ChildProcessWithoutNullStreams;
  exit: Promise<number | null>;
}> {
  const script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mlplat-child-")), "child.ts");
  fs.writeFileSync(
    script,
    [
      `import { startEmulator } from ${JSON.stringify(EMULATOR_MODULE)};`,
      `startEmulator({ kind: ${JSON.stringify(kind)} }).then((e) => {`,
      `  console.log(JSON.stringify({ pid: e.pid, endpoint: e.endpoint }));`,
      then === "wait"
        ? `  setInterval(() => undefined, 1000);`
        : `  setTimeout(() => { throw new Error("the test run failed"); }, 10);`,
      `});`,
    ].join("\n"),
  );
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    cwd: REPO_ROOT,
    stdio: "pipe",
  });
  const exit = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => {
      resolve(code);
    });
  });
  const first = await new Promise<string>((resolve, reject) => {
    let out = "";
    let err = "";
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("\n")) resolve(out.split("\n")[0] ?? "");
    });
    child.once("exit", (code) => {
      reject(new Error(`child exited ${String(code)} before the emulator was ready: ${err}`));
    });
  });
  const { pid, endpoint } = JSON.parse(first) as { pid: number; endpoint: string };
  return { pid, endpoint, child, exit };
}

describe(`the ${kind} emulator's process`, () => {
  it("is stopped with everything it started when its owner gets Ctrl-C", async () => {
    const { pid, endpoint, child, exit } = await childWithEmulator("wait");
    expect(isAlive(pid)).toBe(true);
    expect(await isHealthy(kind, endpoint)).toBe(true);
    child.kill("SIGINT");
    expect(await exit).toBe(130);
    // Killed as a group: the leader and anything it forked are gone.
    expect(isAlive(pid)).toBe(false);
    expect(await isHealthy(kind, endpoint)).toBe(false);
  });

  it("is stopped when its owner fails", async () => {
    const { pid, endpoint, exit } = await childWithEmulator("throw");
    expect(await exit).toBe(1);
    expect(isAlive(pid)).toBe(false);
    expect(await isHealthy(kind, endpoint)).toBe(false);
  });
});

describe("MLPLAT_EMULATOR", () => {
  it("selects the target, moto by default, and names the allowed values otherwise", () => {
    expect(emulatorKindFromEnv({})).toBe("moto");
    expect(emulatorKindFromEnv({ MLPLAT_EMULATOR: "localstack" })).toBe("localstack");
    expect(() => emulatorKindFromEnv({ MLPLAT_EMULATOR: "docker" })).toThrow(
      'MLPLAT_EMULATOR: got "docker", expected one of moto, localstack',
    );
  });
});
