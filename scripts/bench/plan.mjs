#!/usr/bin/env node
// Wall time of `mlplat plan --stack <stack> --format json`, as a user runs it: a fresh process each time.
// Usage: node scripts/bench/plan.mjs [--stack prod] [--runs 10] [--target-ms 3000]
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";

const { values } = parseArgs({
  options: {
    stack: { type: "string", default: "prod" },
    runs: { type: "string", default: "10" },
    "target-ms": { type: "string", default: "3000" },
  },
});
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const bin = path.join(root, "scripts", "bin", "mlplat.cjs");
const args = [bin, "plan", "--stack", values.stack, "--format", "json"];

const once = () => {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`mlplat plan exited ${result.status}: ${result.stderr}`);
  return { ms, resources: JSON.parse(result.stdout).resources.length };
};

const first = once(); // builds the CLI if stale and fills Node's compile cache; reported, not counted
const times = Array.from({ length: Number(values.runs) }, () => once().ms).sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
const report = {
  command: `mlplat plan --stack ${values.stack} --format json`,
  node: process.version,
  resources: first.resources,
  firstRunMs: Math.round(first.ms),
  runs: times.length,
  minMs: Math.round(times[0]),
  medianMs: Math.round(median),
  maxMs: Math.round(times[times.length - 1]),
  targetMs: Number(values["target-ms"]),
  withinTarget: times[times.length - 1] <= Number(values["target-ms"]),
};
console.log(JSON.stringify(report, null, 2));
process.exitCode = report.withinTarget ? 0 : 1;
