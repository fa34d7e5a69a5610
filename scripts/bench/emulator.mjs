#!/usr/bin/env node
// How fast the emulator is ready, as people start it: `mlplat sandbox up --no-deploy` in a fresh process each
// time (own sandbox folder, any free port), its reported ready time (spawn to healthy and configured) and the
// command's wall time, then `sandbox down`. With --suite, also the integration suite's wall time.
// Usage: node scripts/bench/emulator.mjs [--emulator moto|localstack] [--runs 5] [--target-ms 3000] [--suite]
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";

const { values } = parseArgs({
  options: {
    emulator: { type: "string", default: process.env.MLPLAT_EMULATOR || "moto" },
    runs: { type: "string", default: "5" },
    "target-ms": { type: "string", default: "3000" },
    "suite-target-ms": { type: "string", default: "120000" },
    suite: { type: "boolean", default: false },
  },
});
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const bin = path.join(root, "scripts", "bin", "mlplat.cjs");
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "mlplat-bench-"));
const env = { ...process.env, MLPLAT_STATE_DIR: stateDir, MLPLAT_EMULATOR: values.emulator };

const mlplat = (args) => {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: root, env, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0)
    throw new Error(`mlplat ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return { ms, stdout: result.stdout };
};

const once = () => {
  const up = mlplat(["sandbox", "up", "--port", "0", "--no-deploy", "--format", "json"]);
  const { state } = JSON.parse(up.stdout);
  const down = mlplat(["sandbox", "down"]);
  return { readyMs: state.readyMs, upMs: up.ms, downMs: down.ms };
};

const stats = (list) => {
  const sorted = [...list].sort((a, b) => a - b);
  return {
    min: Math.round(sorted[0]),
    median: Math.round(sorted[Math.floor(sorted.length / 2)]),
    max: Math.round(sorted[sorted.length - 1]),
  };
};

try {
  const first = once(); // builds the CLI if stale and warms Python's bytecode cache; reported, not counted
  const runs = Array.from({ length: Number(values.runs) }, once);
  const target = Number(values["target-ms"]);
  const report = {
    command: "mlplat sandbox up --no-deploy (then sandbox down)",
    emulator: values.emulator,
    node: process.version,
    first,
    runs: runs.length,
    readyMs: stats(runs.map((r) => r.readyMs)),
    upWallMs: stats(runs.map((r) => r.upMs)),
    downWallMs: stats(runs.map((r) => r.downMs)),
    targetMs: target,
    withinTarget: Math.max(...runs.map((r) => r.readyMs)) <= target,
  };
  if (values.suite) {
    const start = process.hrtime.bigint();
    const suite = spawnSync(
      process.execPath,
      [path.join(root, "node_modules", "vitest", "vitest.mjs"), "run", "--project", "integration"],
      {
        cwd: root,
        env: { ...process.env, MLPLAT_EMULATOR: values.emulator, NO_COLOR: "1" },
        encoding: "utf8",
      },
    );
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    report.integrationSuite = {
      exitCode: suite.status,
      wallMs: Math.round(ms),
      targetMs: Number(values["suite-target-ms"]),
      tests: /Tests\s+(.*)/.exec(suite.stdout)?.[1]?.trim(),
    };
    report.withinTarget &&= suite.status === 0 && ms <= Number(values["suite-target-ms"]);
  }
  console.log(JSON.stringify(report, null, 2));
  process.exitCode = report.withinTarget ? 0 : 1;
} finally {
  spawnSync(process.execPath, [bin, "sandbox", "down"], { cwd: root, env });
  fs.rmSync(stateDir, { recursive: true, force: true });
}
